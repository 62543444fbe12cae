-- Saved searches (issue 17): a user's named query, when they last looked at its results, and
-- the digest of the token of its Atom feed. user_id: the account (users.id); NULL: the local
-- owner of an embedded archive (the command line, or a server's own --token). visited_at /
-- visited_seq: the time (UTC ISO 8601, seconds, as documents.ingested_at) and the change
-- journal's last sequence number at the last visit; the documents ingested since are "new".
-- feed_hash: sha256 of the feed's token (the token itself is shown once, never stored);
-- NULL: no feed (never made, or revoked). No column is named doc_id: these rows are not derived.
CREATE TABLE saved_searches (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id         INTEGER,
    name            TEXT NOT NULL,
    query           TEXT NOT NULL,
    exact           INTEGER NOT NULL DEFAULT 0,
    created_at      TEXT NOT NULL,
    visited_at      TEXT NOT NULL,
    visited_seq     INTEGER NOT NULL DEFAULT 0,
    feed_hash       TEXT,
    feed_prefix     TEXT,
    feed_created_at TEXT
);
CREATE INDEX saved_searches_user ON saved_searches(user_id, name);
CREATE UNIQUE INDEX saved_searches_feed ON saved_searches(feed_hash);
