-- Audit trail (issue 17): every change a curator makes, with who, when, what, before and after.
-- action: 'correct' (a correction stored and applied) or 'undo' (one undone, its correction
-- removed). before and after: JSON objects, a readable label of each changed value to the value.
-- documents: JSON list of the documents changed. audit_subjects: the documents and entities an
-- entry concerns (the history panels). audit_records: each changed document as it was before
-- the change (what undo starts from). No column is named doc_id: these rows are not derived.
CREATE TABLE audit (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    at            TEXT NOT NULL,
    author        TEXT,
    action        TEXT NOT NULL,
    kind          TEXT NOT NULL,
    correction_id INTEGER,
    args          TEXT NOT NULL,
    before        TEXT NOT NULL,
    after         TEXT NOT NULL,
    documents     TEXT NOT NULL,
    undoes        INTEGER,
    undone_by     INTEGER
);
CREATE INDEX audit_author ON audit(author, id);
CREATE INDEX audit_kind ON audit(kind, id);
CREATE INDEX audit_at ON audit(at);
CREATE TABLE audit_subjects (
    audit_id INTEGER NOT NULL,
    subject  TEXT NOT NULL,
    PRIMARY KEY (subject, audit_id)
);
CREATE TABLE audit_records (
    audit_id INTEGER NOT NULL,
    document TEXT NOT NULL,
    sha256   TEXT,
    record   TEXT NOT NULL,
    PRIMARY KEY (audit_id, document)
);
CREATE INDEX audit_records_document ON audit_records(document, sha256, audit_id);
