-- Uploads (issue 16): files received through POST /api/uploads or the upload page, kept in the
-- file store (opis.files) by content, then ingested by the server's ingest runner, oldest
-- first. A row is the durable job: 'queued' until a runner claims it ('running'), then 'done'
-- (doc_id set; the ingest status in `result`) or 'failed' (the error). A runner that dies
-- leaves 'running' rows, which the next runner started puts back in the queue.
CREATE TABLE IF NOT EXISTS uploads (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT NOT NULL,            -- the name the file was sent with (shown, never a path)
    folder      TEXT,                     -- the folder it was picked from, when one was uploaded
    sha256      TEXT NOT NULL,
    size        INTEGER NOT NULL,
    key         TEXT NOT NULL,            -- its key in the file store
    status      TEXT NOT NULL,            -- queued | running | done | failed
    result      TEXT,                     -- added | updated | unchanged, when done
    error       TEXT,
    doc_id      TEXT,
    attempts    INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS uploads_status ON uploads(status, id);
CREATE INDEX IF NOT EXISTS uploads_sha256 ON uploads(sha256);
