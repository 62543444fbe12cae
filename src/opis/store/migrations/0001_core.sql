-- Core records. The full record JSON is the source of truth; columns are for lookups and facets.
CREATE TABLE IF NOT EXISTS documents (
    id            TEXT PRIMARY KEY,
    sha256        TEXT NOT NULL,
    path          TEXT NOT NULL,
    record_id     TEXT,
    title         TEXT,
    date_edtf     TEXT,
    date_earliest TEXT,
    date_latest   TEXT,
    doc_type      TEXT,
    classification TEXT,
    language      TEXT,
    format        TEXT,
    layout        TEXT,
    record        TEXT NOT NULL,           -- JSON of opis.model.Document
    ingested_at   TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    seq           INTEGER NOT NULL DEFAULT 0  -- change sequence number (for external indexes)
);
CREATE INDEX IF NOT EXISTS documents_sha256 ON documents(sha256);
CREATE INDEX IF NOT EXISTS documents_path ON documents(path);
CREATE INDEX IF NOT EXISTS documents_record_id ON documents(record_id);
CREATE INDEX IF NOT EXISTS documents_date ON documents(date_earliest);

-- Journal of applied changes: every upsert/delete bumps a sequence number so an external
-- index (tantivy) can prove it is in step with the store after a crash.
CREATE TABLE IF NOT EXISTS changes (
    seq     INTEGER PRIMARY KEY AUTOINCREMENT,
    doc_id  TEXT NOT NULL,
    op      TEXT NOT NULL,               -- upsert | delete
    at      TEXT NOT NULL
);

-- Curator corrections, re-applied after every re-ingest.
CREATE TABLE IF NOT EXISTS corrections (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    kind    TEXT NOT NULL,               -- entity.merge | entity.rename | entity.link | entity.unlink ...
    args    TEXT NOT NULL,               -- JSON
    created_at TEXT NOT NULL
);

-- Ingest log for resumable batches.
CREATE TABLE IF NOT EXISTS ingest_log (
    path    TEXT NOT NULL,
    sha256  TEXT,
    status  TEXT NOT NULL,
    error   TEXT,
    doc_id  TEXT,
    at      TEXT NOT NULL
);
