-- Store (issue 14): facts about the database as a whole.
-- `epoch` is a random value drawn again whenever rows are rewritten wholesale outside the change
-- journal (a rebuild of the search rows, a restore from a backup): an index kept beside the
-- database records the epoch it was built at and is rebuilt when the store's differs, so a crash
-- between such a rewrite and the index's rebuild can never leave the index naming the wrong rows.
CREATE TABLE IF NOT EXISTS store_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT OR IGNORE INTO store_meta (key, value) VALUES ('epoch', lower(hex(randomblob(8))));
