-- A smaller record (issue 20): documents.record is encoded before it is compressed
-- (opis.store.codec): the entries of its "entities" list are kept once each in record_entities
-- under a small integer key, found again by a hash of their JSON, and the record holds the keys;
-- the mentions the mentions table holds are read back from it; pieces of the document text are
-- kept as offsets and lists of like objects as columns. The records of a database written before are encoded by the Python step of this
-- migration (opis.store.migrations._encode_records); a record not encoded still reads as it is.
CREATE TABLE IF NOT EXISTS record_entities (
    key  INTEGER PRIMARY KEY,   -- what the records hold
    hash INTEGER NOT NULL,      -- opis.store.codec.entity_hash of the entry's JSON
    body BLOB NOT NULL          -- the entry's JSON, compressed (zlib)
);
CREATE INDEX IF NOT EXISTS record_entities_hash ON record_entities(hash);

-- The longest date span of the claims and of the events, kept (issue 20): the timeline and the
-- claims list turn "overlaps lo..hi" into a range of their date index by reading the longest
-- span of the table (opis.store.timeline._floor). It was read from an index on the span
-- expression of every row (claims_span, events_span: one index entry per claim or event); it is
-- now kept here by triggers on every insert: the longest span in days of a row written, and
-- whether a row was written whose span cannot be computed. A delete never lowers them (a floor
-- lower than it could be selects more rows, never fewer); 'opis reindex' recomputes them
-- (opis.store.timeline.rebuild_spans).
CREATE TABLE IF NOT EXISTS date_spans (
    tbl           TEXT PRIMARY KEY,              -- claims | events
    longest_days  REAL,                          -- NULL: no dated row written
    uncomputable  INTEGER NOT NULL DEFAULT 0     -- 1: a row whose span cannot be computed
) WITHOUT ROWID;
INSERT OR REPLACE INTO date_spans (tbl, longest_days, uncomputable)
    SELECT 'claims', max(julianday(date_latest) - julianday(date_earliest)),
        EXISTS (SELECT 1 FROM claims WHERE julianday(date_latest) - julianday(date_earliest) IS NULL
                AND date_earliest > '')
    FROM claims;
INSERT OR REPLACE INTO date_spans (tbl, longest_days, uncomputable)
    SELECT 'events', max(julianday(date_latest) - julianday(date_earliest)),
        EXISTS (SELECT 1 FROM events WHERE julianday(date_latest) - julianday(date_earliest) IS NULL
                AND date_latest > '')
    FROM events;
CREATE TRIGGER IF NOT EXISTS date_spans_claim AFTER INSERT ON claims WHEN new.date_earliest > '' BEGIN
    UPDATE date_spans SET
        longest_days = CASE WHEN longest_days IS NULL OR julianday(new.date_latest) - julianday(new.date_earliest) > longest_days
                            THEN coalesce(julianday(new.date_latest) - julianday(new.date_earliest), longest_days)
                            ELSE longest_days END,
        uncomputable = CASE WHEN julianday(new.date_latest) - julianday(new.date_earliest) IS NULL THEN 1
                            ELSE uncomputable END
    WHERE tbl = 'claims';
END;
CREATE TRIGGER IF NOT EXISTS date_spans_event AFTER INSERT ON events WHEN new.date_latest > '' BEGIN
    UPDATE date_spans SET
        longest_days = CASE WHEN longest_days IS NULL OR julianday(new.date_latest) - julianday(new.date_earliest) > longest_days
                            THEN coalesce(julianday(new.date_latest) - julianday(new.date_earliest), longest_days)
                            ELSE longest_days END,
        uncomputable = CASE WHEN julianday(new.date_latest) - julianday(new.date_earliest) IS NULL THEN 1
                            ELSE uncomputable END
    WHERE tbl = 'events';
END;
DROP INDEX IF EXISTS claims_span;
DROP INDEX IF EXISTS events_span;
