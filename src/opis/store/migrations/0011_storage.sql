-- Storage (issue 20): each text stored once, records compressed, search rows only for FTS5.
-- The text of each document, compressed (zlib of its UTF-8): the one copy every reader of texts
-- uses (opis.store.Store.texts, search snippets, the record itself). documents.record holds the
-- rest of the record JSON, compressed, with "text": "" (opis.store.documents.pack_record); the
-- records of a database written before are rewritten in this migration (opis.store.migrations).
CREATE TABLE IF NOT EXISTS document_texts (
    doc_id TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
    text   BLOB NOT NULL
);

-- The search rows are kept only while FTS5 is the chosen engine (search_meta 'fts5' = '1', set
-- by its rebuild): the tantivy index is built from the documents themselves, by id, through
-- the change journal. The row keeps what FTS5 cannot: the document id of its row id and the
-- facet labels. All are derived: FTS5's rows are rebuilt the first time it is searched.
DROP TABLE IF EXISTS search_docs;
DELETE FROM search_fts;
CREATE TABLE search_docs (
    rowid   INTEGER PRIMARY KEY,          -- = search_fts.rowid
    doc_id  TEXT NOT NULL UNIQUE,
    facets  TEXT NOT NULL DEFAULT '{}'    -- JSON {facet: [label, ...]}
);
DELETE FROM search_meta WHERE key = 'fts5';
-- The word list of prefix queries goes with them (the tantivy index keeps its own).
DELETE FROM search_words;
DELETE FROM search_meta WHERE key = 'words_pending';

-- A wholesale rewrite outside the change journal: an index built before is rebuilt.
INSERT OR REPLACE INTO store_meta (key, value) VALUES ('epoch', lower(hex(randomblob(8))));
