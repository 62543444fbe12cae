-- Archival references of every record (document-level and in footnotes): the archive tree
-- archive -> fond -> opis -> delo, and "which documents cite this file". Derived from the record
-- JSON by opis.store.archrefs (rebuilt on every upsert).
CREATE TABLE IF NOT EXISTS archival_refs (
    doc_id   TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    seq      INTEGER NOT NULL,          -- order within the document
    note     INTEGER,                   -- footnote number, NULL for the document's own signature
    kind     TEXT NOT NULL,             -- archival | published
    archive  TEXT,                      -- authority code (GARF, RGASPI, PRC FMA ...) or raw code
    known_archive INTEGER NOT NULL DEFAULT 0,
    fond     TEXT,
    opis     TEXT,
    delo     TEXT,
    folios   TEXT,                      -- JSON list
    ibid     INTEGER NOT NULL DEFAULT 0,
    raw      TEXT NOT NULL,
    PRIMARY KEY (doc_id, seq)
);
CREATE INDEX IF NOT EXISTS archival_refs_tree ON archival_refs(archive, fond, opis, delo);
