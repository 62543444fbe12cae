-- Collections (issue 17): every document belongs to one or more collections; a collection is
-- public (everyone sees it) or restricted (only the accounts granted access, and admins).
-- A document's collections are kept as its access key (documents.access_key): the id of the
-- sorted set of its collections (access_keys, with the members of each set in
-- access_key_members). A reader's filter is then the handful of keys none of whose collections
-- they may see (opis.store.collections.hidden_keys), not a list of documents.
-- Collection 1, 'public', is the default: documents given no collection belong to it, and every
-- document stored before this migration is put in it.
CREATE TABLE collections (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT NOT NULL UNIQUE,
    title       TEXT,
    visibility  TEXT NOT NULL DEFAULT 'public' CHECK (visibility IN ('public', 'restricted')),
    created     TEXT NOT NULL
);
CREATE TABLE collection_access (
    collection_id INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
    user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    PRIMARY KEY (collection_id, user_id)
);
CREATE TABLE access_keys (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    collections TEXT NOT NULL UNIQUE          -- the sorted collection ids, comma-separated: '1,4'
);
CREATE TABLE access_key_members (
    key_id        INTEGER NOT NULL REFERENCES access_keys(id) ON DELETE CASCADE,
    collection_id INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
    PRIMARY KEY (key_id, collection_id)
);
INSERT INTO collections (id, name, title, visibility, created)
    VALUES (1, 'public', 'Public', 'public', strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now'));
INSERT INTO access_keys (id, collections) VALUES (1, '1');
INSERT INTO access_key_members (key_id, collection_id) VALUES (1, 1);
ALTER TABLE documents ADD COLUMN access_key INTEGER NOT NULL DEFAULT 1;
-- (id, access_key): a reader's filter looks up the key of a document by its id from this index
-- alone (the key is the last column of a row that holds the compressed record)
CREATE INDEX documents_access ON documents(id, access_key);
-- an upload's collections (comma-separated names), given to the document it becomes
ALTER TABLE uploads ADD COLUMN collections TEXT;

-- The per-entity counts by access key: a reader who may not see some collections reads an
-- entity's documents, mentions and discussing documents (the entities index, the map) as the sum
-- over the keys they may see, a few rows per entity, instead of recounting entity_docs. Kept by
-- triggers in the transaction of every write: a row of entity_docs counted under its document's
-- key when inserted, taken out when deleted, and a document's rows moved when its key changes.
CREATE TABLE entity_access (
    entity_id  TEXT NOT NULL,
    access_key INTEGER NOT NULL,
    documents  INTEGER NOT NULL DEFAULT 0,
    mentions   INTEGER NOT NULL DEFAULT 0,
    discussed  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (entity_id, access_key)
) WITHOUT ROWID;
CREATE TRIGGER entity_access_insert AFTER INSERT ON entity_docs BEGIN
    INSERT INTO entity_access (entity_id, access_key, documents, mentions, discussed)
    VALUES (new.entity_id, coalesce((SELECT access_key FROM documents WHERE id = new.doc_id), 1), 1, new.mentions,
            CASE WHEN new.discussed > 0 THEN 1 ELSE 0 END)
    ON CONFLICT (entity_id, access_key) DO UPDATE SET documents = entity_access.documents + 1,
        mentions = entity_access.mentions + excluded.mentions, discussed = entity_access.discussed + excluded.discussed;
END;
CREATE TRIGGER entity_access_delete AFTER DELETE ON entity_docs BEGIN
    UPDATE entity_access SET documents = documents - 1, mentions = mentions - old.mentions,
        discussed = discussed - CASE WHEN old.discussed > 0 THEN 1 ELSE 0 END
    WHERE entity_id = old.entity_id
      AND access_key = coalesce((SELECT access_key FROM documents WHERE id = old.doc_id), 1);
END;
CREATE TRIGGER entity_access_move AFTER UPDATE OF access_key ON documents WHEN old.access_key <> new.access_key BEGIN
    UPDATE entity_access SET documents = entity_access.documents - 1, mentions = entity_access.mentions - x.mentions,
        discussed = entity_access.discussed - CASE WHEN x.discussed > 0 THEN 1 ELSE 0 END
    FROM entity_docs x WHERE x.doc_id = new.id AND entity_access.entity_id = x.entity_id
        AND entity_access.access_key = old.access_key;
    INSERT INTO entity_access (entity_id, access_key, documents, mentions, discussed)
    SELECT x.entity_id, new.access_key, 1, x.mentions, CASE WHEN x.discussed > 0 THEN 1 ELSE 0 END
    FROM entity_docs x WHERE x.doc_id = new.id
    ON CONFLICT (entity_id, access_key) DO UPDATE SET documents = entity_access.documents + 1,
        mentions = entity_access.mentions + excluded.mentions, discussed = entity_access.discussed + excluded.discussed;
END;
INSERT INTO entity_access (entity_id, access_key, documents, mentions, discussed)
    SELECT x.entity_id, d.access_key, count(*), sum(x.mentions), sum(CASE WHEN x.discussed > 0 THEN 1 ELSE 0 END)
    FROM entity_docs x JOIN documents d ON d.id = x.doc_id GROUP BY x.entity_id, d.access_key;
