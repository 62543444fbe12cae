-- Search (issue 8), after 0005_search.sql: the words that stemming changed, with their index
-- term, so that a prefix query finds `refugees` by `refugee*` although the index holds only
-- `refuge` (opis.search.words). Written with the search rows; never pruned (a word no document
-- holds any more only adds a term that matches nothing extra of its own).
CREATE TABLE IF NOT EXISTS search_words (
    word TEXT PRIMARY KEY,   -- folded, unstemmed
    term TEXT NOT NULL       -- its index term
) WITHOUT ROWID;
-- A database that already holds documents gets the list from `opis reindex`.
INSERT OR REPLACE INTO search_meta (key, value) SELECT 'words_pending', '1' WHERE EXISTS (SELECT 1 FROM search_docs);
