-- The twin of ../0017_size.sql in PostgreSQL's terms (see that file for the why).

-- Each entry of a record's "entities" list once, keyed by 48 bits of a hash of its JSON
-- (opis.store.codec); the records of a database written before are encoded by the Python step
-- of this migration (opis.store.migrations._encode_records).
CREATE TABLE IF NOT EXISTS record_entities (
    key  BIGINT PRIMARY KEY,
    body BYTEA NOT NULL
);

-- The longest date span of the claims and of the events, kept by triggers in place of the
-- expression indexes claims_span and events_span (never lowered by a delete; recomputed by
-- opis.store.timeline.rebuild_spans).
CREATE TABLE IF NOT EXISTS date_spans (
    tbl           TEXT COLLATE "C" PRIMARY KEY,
    longest_days  DOUBLE PRECISION,
    uncomputable  BIGINT NOT NULL DEFAULT 0
);
INSERT INTO date_spans (tbl, longest_days, uncomputable)
    SELECT 'claims', max(julianday(date_latest) - julianday(date_earliest)),
        CASE WHEN EXISTS (SELECT 1 FROM claims WHERE julianday(date_latest) - julianday(date_earliest) IS NULL
                          AND date_earliest > '') THEN 1 ELSE 0 END
    FROM claims
ON CONFLICT (tbl) DO UPDATE SET longest_days = excluded.longest_days, uncomputable = excluded.uncomputable;
INSERT INTO date_spans (tbl, longest_days, uncomputable)
    SELECT 'events', max(julianday(date_latest) - julianday(date_earliest)),
        CASE WHEN EXISTS (SELECT 1 FROM events WHERE julianday(date_latest) - julianday(date_earliest) IS NULL
                          AND date_latest > '') THEN 1 ELSE 0 END
    FROM events
ON CONFLICT (tbl) DO UPDATE SET longest_days = excluded.longest_days, uncomputable = excluded.uncomputable;

CREATE FUNCTION date_spans_keep() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    days double precision := julianday(NEW.date_latest) - julianday(NEW.date_earliest);
BEGIN
    UPDATE date_spans SET
        longest_days = CASE WHEN longest_days IS NULL OR days > longest_days THEN coalesce(days, longest_days)
                            ELSE longest_days END,
        uncomputable = CASE WHEN days IS NULL THEN 1 ELSE uncomputable END
    WHERE tbl = TG_TABLE_NAME::text;
    RETURN NULL;
END $$;
CREATE TRIGGER date_spans_claim AFTER INSERT ON claims FOR EACH ROW
    WHEN (NEW.date_earliest > '') EXECUTE FUNCTION date_spans_keep();
CREATE TRIGGER date_spans_event AFTER INSERT ON events FOR EACH ROW
    WHEN (NEW.date_latest > '') EXECUTE FUNCTION date_spans_keep();
DROP INDEX IF EXISTS claims_span;
DROP INDEX IF EXISTS events_span;
