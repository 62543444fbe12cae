-- Issue 20: pages that answer in the same time at a hundred documents and at a million.
-- Counts the timeline, the archive tree and the document list show are kept, not recomputed:
-- triggers on the tables they count keep them in the same transaction as every write, whatever
-- writes (Store.write, Store.delete, the bulk loader, a rebuild of the derived rows). Each can be
-- rebuilt from its base table (opis.store.timeline.rebuild_years, opis.store.archrefs.rebuild_nodes,
-- opis.store.documents.rebuild_type_counts).

-- Timeline overview: documents, claims and events per year of their earliest date ('' = undated).
CREATE TABLE IF NOT EXISTS timeline_years (
    year      TEXT PRIMARY KEY,
    documents INTEGER NOT NULL DEFAULT 0,
    claims    INTEGER NOT NULL DEFAULT 0,
    events    INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

CREATE TRIGGER IF NOT EXISTS timeline_years_doc_insert AFTER INSERT ON documents BEGIN
    INSERT INTO timeline_years (year, documents)
    VALUES (CASE WHEN new.date_earliest > '' THEN substr(new.date_earliest, 1, 4) ELSE '' END, 1)
    ON CONFLICT (year) DO UPDATE SET documents = documents + 1;
END;
CREATE TRIGGER IF NOT EXISTS timeline_years_doc_delete AFTER DELETE ON documents BEGIN
    UPDATE timeline_years SET documents = documents - 1
    WHERE year = CASE WHEN old.date_earliest > '' THEN substr(old.date_earliest, 1, 4) ELSE '' END;
END;
CREATE TRIGGER IF NOT EXISTS timeline_years_doc_update AFTER UPDATE OF date_earliest ON documents
WHEN (CASE WHEN old.date_earliest > '' THEN substr(old.date_earliest, 1, 4) ELSE '' END)
  <> (CASE WHEN new.date_earliest > '' THEN substr(new.date_earliest, 1, 4) ELSE '' END) BEGIN
    UPDATE timeline_years SET documents = documents - 1
    WHERE year = CASE WHEN old.date_earliest > '' THEN substr(old.date_earliest, 1, 4) ELSE '' END;
    INSERT INTO timeline_years (year, documents)
    VALUES (CASE WHEN new.date_earliest > '' THEN substr(new.date_earliest, 1, 4) ELSE '' END, 1)
    ON CONFLICT (year) DO UPDATE SET documents = documents + 1;
END;
CREATE TRIGGER IF NOT EXISTS timeline_years_claim_insert AFTER INSERT ON claims BEGIN
    INSERT INTO timeline_years (year, claims)
    VALUES (CASE WHEN new.date_earliest > '' THEN substr(new.date_earliest, 1, 4) ELSE '' END, 1)
    ON CONFLICT (year) DO UPDATE SET claims = claims + 1;
END;
CREATE TRIGGER IF NOT EXISTS timeline_years_claim_delete AFTER DELETE ON claims BEGIN
    UPDATE timeline_years SET claims = claims - 1
    WHERE year = CASE WHEN old.date_earliest > '' THEN substr(old.date_earliest, 1, 4) ELSE '' END;
END;
CREATE TRIGGER IF NOT EXISTS timeline_years_event_insert AFTER INSERT ON events BEGIN
    INSERT INTO timeline_years (year, events)
    VALUES (CASE WHEN new.date_earliest > '' THEN substr(new.date_earliest, 1, 4) ELSE '' END, 1)
    ON CONFLICT (year) DO UPDATE SET events = events + 1;
END;
CREATE TRIGGER IF NOT EXISTS timeline_years_event_delete AFTER DELETE ON events BEGIN
    UPDATE timeline_years SET events = events - 1
    WHERE year = CASE WHEN old.date_earliest > '' THEN substr(old.date_earliest, 1, 4) ELSE '' END;
END;
INSERT INTO timeline_years (year, documents)
    SELECT CASE WHEN date_earliest > '' THEN substr(date_earliest, 1, 4) ELSE '' END, count(*) FROM documents GROUP BY 1
    ON CONFLICT (year) DO UPDATE SET documents = excluded.documents;
INSERT INTO timeline_years (year, claims)
    SELECT CASE WHEN date_earliest > '' THEN substr(date_earliest, 1, 4) ELSE '' END, count(*) FROM claims GROUP BY 1
    ON CONFLICT (year) DO UPDATE SET claims = excluded.claims;
INSERT INTO timeline_years (year, events)
    SELECT CASE WHEN date_earliest > '' THEN substr(date_earliest, 1, 4) ELSE '' END, count(*) FROM events GROUP BY 1
    ON CONFLICT (year) DO UPDATE SET events = excluded.events;

-- The document list: how many documents of each type ('' = no type), so that the total and the
-- type filter are read from a few rows, not counted over the documents.
CREATE TABLE IF NOT EXISTS document_type_counts (
    doc_type  TEXT PRIMARY KEY,
    documents INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE TRIGGER IF NOT EXISTS document_type_counts_insert AFTER INSERT ON documents BEGIN
    INSERT INTO document_type_counts (doc_type, documents) VALUES (coalesce(new.doc_type, ''), 1)
    ON CONFLICT (doc_type) DO UPDATE SET documents = documents + 1;
END;
CREATE TRIGGER IF NOT EXISTS document_type_counts_delete AFTER DELETE ON documents BEGIN
    UPDATE document_type_counts SET documents = documents - 1 WHERE doc_type = coalesce(old.doc_type, '');
END;
CREATE TRIGGER IF NOT EXISTS document_type_counts_update AFTER UPDATE OF doc_type ON documents
WHEN coalesce(old.doc_type, '') <> coalesce(new.doc_type, '') BEGIN
    UPDATE document_type_counts SET documents = documents - 1 WHERE doc_type = coalesce(old.doc_type, '');
    INSERT INTO document_type_counts (doc_type, documents) VALUES (coalesce(new.doc_type, ''), 1)
    ON CONFLICT (doc_type) DO UPDATE SET documents = documents + 1;
END;
INSERT INTO document_type_counts (doc_type, documents)
    SELECT coalesce(doc_type, ''), count(*) FROM documents WHERE true GROUP BY 1
    ON CONFLICT (doc_type) DO UPDATE SET documents = excluded.documents;

-- Archive tree: references and citing documents under every archive, fond, opis and delo.
-- ``key`` is the JSON array of the node's path (json distinguishes a missing level from '').
CREATE TABLE IF NOT EXISTS archive_nodes (
    key       TEXT PRIMARY KEY,
    depth     INTEGER NOT NULL,          -- 0 archive, 1 fond, 2 opis, 3 delo
    archive   TEXT,
    fond      TEXT,
    opis      TEXT,
    delo      TEXT,
    refs      INTEGER NOT NULL DEFAULT 0,
    documents INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS archive_nodes_children ON archive_nodes(depth, archive, fond, opis, delo);

-- One document counts once under a node however many of its references fall there: a reference
-- adds a document when it is the document's first under the node, removes one when its last.
CREATE TRIGGER IF NOT EXISTS archive_nodes_insert AFTER INSERT ON archival_refs WHEN new.kind = 'archival' BEGIN
    INSERT INTO archive_nodes (key, depth, archive, refs, documents)
    VALUES (json_array(new.archive), 0, new.archive, 1, NOT EXISTS (SELECT 1 FROM archival_refs r
        WHERE r.doc_id = new.doc_id AND r.seq <> new.seq AND r.kind = 'archival' AND r.archive IS new.archive))
    ON CONFLICT (key) DO UPDATE SET refs = refs + 1, documents = documents + excluded.documents;
    INSERT INTO archive_nodes (key, depth, archive, fond, refs, documents)
    VALUES (json_array(new.archive, new.fond), 1, new.archive, new.fond, 1, NOT EXISTS (SELECT 1 FROM archival_refs r
        WHERE r.doc_id = new.doc_id AND r.seq <> new.seq AND r.kind = 'archival' AND r.archive IS new.archive
          AND r.fond IS new.fond))
    ON CONFLICT (key) DO UPDATE SET refs = refs + 1, documents = documents + excluded.documents;
    INSERT INTO archive_nodes (key, depth, archive, fond, opis, refs, documents)
    VALUES (json_array(new.archive, new.fond, new.opis), 2, new.archive, new.fond, new.opis, 1,
        NOT EXISTS (SELECT 1 FROM archival_refs r WHERE r.doc_id = new.doc_id AND r.seq <> new.seq
          AND r.kind = 'archival' AND r.archive IS new.archive AND r.fond IS new.fond AND r.opis IS new.opis))
    ON CONFLICT (key) DO UPDATE SET refs = refs + 1, documents = documents + excluded.documents;
    INSERT INTO archive_nodes (key, depth, archive, fond, opis, delo, refs, documents)
    VALUES (json_array(new.archive, new.fond, new.opis, new.delo), 3, new.archive, new.fond, new.opis, new.delo, 1,
        NOT EXISTS (SELECT 1 FROM archival_refs r WHERE r.doc_id = new.doc_id AND r.seq <> new.seq
          AND r.kind = 'archival' AND r.archive IS new.archive AND r.fond IS new.fond AND r.opis IS new.opis
          AND r.delo IS new.delo))
    ON CONFLICT (key) DO UPDATE SET refs = refs + 1, documents = documents + excluded.documents;
END;
CREATE TRIGGER IF NOT EXISTS archive_nodes_delete AFTER DELETE ON archival_refs WHEN old.kind = 'archival' BEGIN
    UPDATE archive_nodes SET refs = refs - 1, documents = documents - NOT EXISTS (SELECT 1 FROM archival_refs r
        WHERE r.doc_id = old.doc_id AND r.kind = 'archival' AND r.archive IS old.archive)
    WHERE key = json_array(old.archive);
    UPDATE archive_nodes SET refs = refs - 1, documents = documents - NOT EXISTS (SELECT 1 FROM archival_refs r
        WHERE r.doc_id = old.doc_id AND r.kind = 'archival' AND r.archive IS old.archive AND r.fond IS old.fond)
    WHERE key = json_array(old.archive, old.fond);
    UPDATE archive_nodes SET refs = refs - 1, documents = documents - NOT EXISTS (SELECT 1 FROM archival_refs r
        WHERE r.doc_id = old.doc_id AND r.kind = 'archival' AND r.archive IS old.archive AND r.fond IS old.fond
          AND r.opis IS old.opis)
    WHERE key = json_array(old.archive, old.fond, old.opis);
    UPDATE archive_nodes SET refs = refs - 1, documents = documents - NOT EXISTS (SELECT 1 FROM archival_refs r
        WHERE r.doc_id = old.doc_id AND r.kind = 'archival' AND r.archive IS old.archive AND r.fond IS old.fond
          AND r.opis IS old.opis AND r.delo IS old.delo)
    WHERE key = json_array(old.archive, old.fond, old.opis, old.delo);
    DELETE FROM archive_nodes WHERE refs <= 0 AND key IN (json_array(old.archive), json_array(old.archive, old.fond),
        json_array(old.archive, old.fond, old.opis), json_array(old.archive, old.fond, old.opis, old.delo));
END;

INSERT INTO archive_nodes (key, depth, archive, refs, documents)
    SELECT json_array(archive), 0, archive, count(*), count(DISTINCT doc_id) FROM archival_refs
    WHERE kind = 'archival' GROUP BY archive;
INSERT INTO archive_nodes (key, depth, archive, fond, refs, documents)
    SELECT json_array(archive, fond), 1, archive, fond, count(*), count(DISTINCT doc_id) FROM archival_refs
    WHERE kind = 'archival' GROUP BY archive, fond;
INSERT INTO archive_nodes (key, depth, archive, fond, opis, refs, documents)
    SELECT json_array(archive, fond, opis), 2, archive, fond, opis, count(*), count(DISTINCT doc_id) FROM archival_refs
    WHERE kind = 'archival' GROUP BY archive, fond, opis;
INSERT INTO archive_nodes (key, depth, archive, fond, opis, delo, refs, documents)
    SELECT json_array(archive, fond, opis, delo), 3, archive, fond, opis, delo, count(*), count(DISTINCT doc_id)
    FROM archival_refs WHERE kind = 'archival' GROUP BY archive, fond, opis, delo;

-- "Who cites this file", a page at a time in index order: the file's place in the tree, then
-- the citing document's date. The document's date is kept on its references for that (written
-- by opis.store.archrefs). Replaces archival_refs_tree (a prefix of this index).
ALTER TABLE archival_refs ADD COLUMN date_earliest TEXT;
UPDATE archival_refs SET date_earliest = (SELECT d.date_earliest FROM documents d WHERE d.id = archival_refs.doc_id);
CREATE INDEX IF NOT EXISTS archival_refs_citing ON archival_refs(archive, fond, opis, delo, date_earliest, doc_id, seq);
DROP INDEX IF EXISTS archival_refs_tree;

-- Filter drop-downs and curation ask for entities by the first letters of a name (opis.store.suggest):
-- every entity's label and variants, one row each, in an index by type and name (NOCASE folds
-- ASCII letters; other scripts are matched as typed and capitalised).
-- (The key compares names exactly, so that 'Tacheng' and 'TACHENG' are two rows and a trigger
-- never meets a conflict: a trigger's OR IGNORE gives way to the writing statement's own policy.)
CREATE TABLE IF NOT EXISTS entity_names (
    type      TEXT NOT NULL,
    name      TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    PRIMARY KEY (type, name, entity_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS entity_names_type_nocase ON entity_names(type, name COLLATE NOCASE);
CREATE INDEX IF NOT EXISTS entity_names_nocase ON entity_names(name COLLATE NOCASE);
CREATE INDEX IF NOT EXISTS entity_names_entity ON entity_names(entity_id);
CREATE TRIGGER IF NOT EXISTS entity_names_insert AFTER INSERT ON entities BEGIN
    INSERT INTO entity_names (type, name, entity_id)
    SELECT new.type, x.name, new.id FROM (
        SELECT new.label AS name
        UNION SELECT json_extract(v.value, '$.name') FROM json_each(CASE WHEN json_valid(new.variants) THEN new.variants ELSE '[]' END) v) x
    WHERE x.name > '' AND NOT EXISTS (SELECT 1 FROM entity_names n WHERE n.type = new.type AND n.name = x.name AND n.entity_id = new.id);
END;
CREATE TRIGGER IF NOT EXISTS entity_names_update AFTER UPDATE OF type, label, variants ON entities
WHEN old.type IS NOT new.type OR old.label IS NOT new.label OR old.variants IS NOT new.variants BEGIN
    DELETE FROM entity_names WHERE entity_id = old.id;
    INSERT INTO entity_names (type, name, entity_id)
    SELECT new.type, x.name, new.id FROM (
        SELECT new.label AS name
        UNION SELECT json_extract(v.value, '$.name') FROM json_each(CASE WHEN json_valid(new.variants) THEN new.variants ELSE '[]' END) v) x
    WHERE x.name > '' AND NOT EXISTS (SELECT 1 FROM entity_names n WHERE n.type = new.type AND n.name = x.name AND n.entity_id = new.id);
END;
CREATE TRIGGER IF NOT EXISTS entity_names_delete AFTER DELETE ON entities BEGIN
    DELETE FROM entity_names WHERE entity_id = old.id;
END;
INSERT OR IGNORE INTO entity_names (type, name, entity_id)
    SELECT type, label, id FROM entities WHERE label > ''
    UNION SELECT e.type, json_extract(v.value, '$.name'), e.id
    FROM entities e, json_each(CASE WHEN json_valid(e.variants) THEN e.variants ELSE '[]' END) v
    WHERE json_extract(v.value, '$.name') > '';
