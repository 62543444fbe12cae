-- Search (issue 8). The analysed rows of every record: the FTS5 index itself, and the source
-- the tantivy index is built from. Written by opis.search.sqlite_index in the same
-- transaction as each upsert; rebuilt by `opis reindex`.
CREATE TABLE IF NOT EXISTS search_docs (
    rowid   INTEGER PRIMARY KEY,          -- = search_fts.rowid
    doc_id  TEXT NOT NULL UNIQUE,
    year    INTEGER,                      -- year of date.earliest
    facets  TEXT NOT NULL DEFAULT '{}'    -- JSON {facet: [label, ...]}
);

-- Analysed terms (folded, stemmed; see opis.search.analysis), one column per field.
CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(
    title, summary, body, place, person, org, archive, fond, lang, class, type, translator, date,
    tokenize = 'unicode61 remove_diacritics 0'
);

-- BM25 with title and summary boosted; filter columns do not count for ranking.
INSERT INTO search_fts (search_fts, rank) VALUES ('rank', 'bm25(3.0, 2.0, 1.0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)');

-- Identity of this database, so an external index can tell it belongs to it.
CREATE TABLE IF NOT EXISTS search_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT OR IGNORE INTO search_meta (key, value) VALUES ('db_uuid', lower(hex(randomblob(16))));
