-- Aggregates kept, not recomputed (opis.store.aggregates): every page of the entities, the map
-- and the claims reads them by index seeks, so its cost does not grow with the corpus. They are
-- maintained by the entities and claims indexers in the transaction of each document's write or
-- delete, and rebuilt from the base tables (mentions, claims, documents) by
-- opis.store.aggregates.rebuild (run by 'opis reindex'); 'opis check' compares them with a recount.

-- Per-entity counts. n_discussed: documents with a mention that is not a citation's place of
-- publication (role IS NULL) — the map's count. n_documents/n_mentions count every mention.
ALTER TABLE entities ADD COLUMN n_documents INTEGER NOT NULL DEFAULT 0;
ALTER TABLE entities ADD COLUMN n_mentions INTEGER NOT NULL DEFAULT 0;
ALTER TABLE entities ADD COLUMN n_discussed INTEGER NOT NULL DEFAULT 0;
CREATE INDEX IF NOT EXISTS entities_rank ON entities(n_documents DESC, n_mentions DESC, label) WHERE n_documents > 0;
CREATE INDEX IF NOT EXISTS entities_type_rank ON entities(type, n_documents DESC, n_mentions DESC, label)
    WHERE n_documents > 0;
-- The map's points: places with coordinates that some document discusses, most documents first.
CREATE INDEX IF NOT EXISTS entities_map ON entities(n_discussed DESC, label)
    WHERE type = 'PLACE' AND lat IS NOT NULL AND lon IS NOT NULL AND n_discussed > 0;

-- One row per (entity, document that mentions it): the entity's documents by date (date_key:
-- the document's earliest date, '~' when undated so it sorts last), its mentions per document,
-- and co-occurrence (the entities of a set of documents, through entity_docs_doc).
CREATE TABLE IF NOT EXISTS entity_docs (
    entity_id  TEXT NOT NULL,
    date_key   TEXT NOT NULL,
    doc_id     TEXT NOT NULL,
    mentions   INTEGER NOT NULL,        -- mentions of the entity in the document
    discussed  INTEGER NOT NULL,        -- of them, with role IS NULL
    PRIMARY KEY (entity_id, date_key, doc_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS entity_docs_doc ON entity_docs(doc_id, discussed);

-- The distinct names an entity is written with, and how often (the entity page's variants).
CREATE TABLE IF NOT EXISTS entity_surfaces (
    entity_id  TEXT NOT NULL,
    surface    TEXT NOT NULL,
    mentions   INTEGER NOT NULL,
    PRIMARY KEY (entity_id, surface)
) WITHOUT ROWID;

-- Mentions: the words around a mention are cut from the text when a page shows it (they were
-- a second copy of the text); the entity's mentions of one document are found by one seek.
DROP INDEX IF EXISTS mentions_entity;
DROP INDEX IF EXISTS mentions_doc;          -- mentions_timeline starts with doc_id
ALTER TABLE mentions DROP COLUMN context;
CREATE INDEX IF NOT EXISTS mentions_entity ON mentions(entity_id, doc_id);

-- Claims by entity, in the claims' date order (date_key: the claim's earliest date, '~' when
-- undated), one row per claim and entity, with the first role that links them: 'place' (the
-- claim's place, an authority id), 'reported_by' (the reporting party written exactly as a
-- PERSON or ORG mention of the same document), 'sentence' (an entity named in the claim's
-- sentence: sentence_start..sentence_end, offsets into the document text set by the claims
-- indexer; claims stored before this migration get them at the next 'opis reindex').
ALTER TABLE claims ADD COLUMN sentence_start INTEGER;
ALTER TABLE claims ADD COLUMN sentence_end INTEGER;
CREATE TABLE IF NOT EXISTS claim_entities (
    entity_id  TEXT NOT NULL,
    date_key   TEXT NOT NULL,
    claim_id   INTEGER NOT NULL,
    role       TEXT NOT NULL,           -- place | reported_by | sentence
    doc_id     TEXT NOT NULL,
    PRIMARY KEY (entity_id, date_key, claim_id)
) WITHOUT ROWID;
-- (WITHOUT ROWID tables here declare their key columns first: SQLite 3.40's integrity check
-- misreads a NOT NULL column declared between key columns.)
CREATE INDEX IF NOT EXISTS claim_entities_doc ON claim_entities(doc_id);

-- Claims in date order, undated last (listings read a page of it), and by kind in date order
-- (the comparison reads a window of one kind, or of all).
CREATE INDEX IF NOT EXISTS claims_order ON claims(coalesce(date_earliest, '~'), date_latest);
CREATE INDEX IF NOT EXISTS claims_kind_order ON claims(kind, coalesce(date_earliest, '~'), date_latest);
DROP INDEX IF EXISTS claims_kind;

-- How many claims of each kind (the claims page's list of kinds).
CREATE TABLE IF NOT EXISTS claim_kinds (
    kind       TEXT PRIMARY KEY,
    claims     INTEGER NOT NULL
) WITHOUT ROWID;

-- Fill them from the base tables for a database made before this migration.
INSERT INTO entity_docs (entity_id, date_key, doc_id, mentions, discussed)
    SELECT m.entity_id, coalesce(d.date_earliest, '~'), m.doc_id, count(*), sum(m.role IS NULL)
    FROM mentions m JOIN documents d ON d.id = m.doc_id WHERE m.entity_id IS NOT NULL
    GROUP BY m.entity_id, m.doc_id;
INSERT INTO entity_surfaces (entity_id, surface, mentions)
    SELECT entity_id, surface, count(*) FROM mentions WHERE entity_id IS NOT NULL GROUP BY entity_id, surface;
UPDATE entities SET
    n_documents = (SELECT count(*) FROM entity_docs x WHERE x.entity_id = entities.id),
    n_mentions = coalesce((SELECT sum(mentions) FROM entity_docs x WHERE x.entity_id = entities.id), 0),
    n_discussed = (SELECT count(*) FROM entity_docs x WHERE x.entity_id = entities.id AND x.discussed > 0);
INSERT OR IGNORE INTO claim_entities (entity_id, date_key, claim_id, role, doc_id)
    SELECT place, coalesce(date_earliest, '~'), id, 'place', doc_id FROM claims WHERE place IS NOT NULL;
INSERT OR IGNORE INTO claim_entities (entity_id, date_key, claim_id, role, doc_id)
    SELECT DISTINCT m.entity_id, coalesce(c.date_earliest, '~'), c.id, 'reported_by', c.doc_id
    FROM claims c JOIN mentions m ON m.doc_id = c.doc_id AND m.type IN ('PERSON', 'ORG')
        AND m.entity_id IS NOT NULL AND m.surface = c.reported_by
    WHERE c.reported_by IS NOT NULL;
INSERT INTO claim_kinds (kind, claims) SELECT coalesce(kind, ''), count(*) FROM claims GROUP BY coalesce(kind, '');
