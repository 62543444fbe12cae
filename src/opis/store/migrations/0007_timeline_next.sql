-- Timeline (opis.timeline), after 0007_timeline_dates.sql: covering indexes, so that the items are
-- built from indexes without touching the wide document rows (the record JSON).
-- Documents overlapping a date range, in timeline order (replaces documents_dates).
CREATE INDEX IF NOT EXISTS documents_timeline ON documents(date_earliest, date_latest, id, title, date_edtf, path, doc_type);
DROP INDEX IF EXISTS documents_dates;
-- The title and date of the document of each claim and event (opis.timeline joins INDEXED BY it).
CREATE INDEX IF NOT EXISTS documents_titles ON documents(id, title, date_edtf);
-- Place/person filters: a document's mentions checked in the index alone.
CREATE INDEX IF NOT EXISTS mentions_timeline ON mentions(doc_id, type, entity_id, surface, gloss, note, span_start, span_end);
-- Claims and events walked in date order with a place/person filter: the span and document of
-- each row are checked in the index, the row is read only when it is kept.
CREATE INDEX IF NOT EXISTS claims_timeline ON claims(date_earliest, date_latest, doc_id, span_start, span_end, n);
CREATE INDEX IF NOT EXISTS events_timeline ON events(date_earliest, date_latest, doc_id, span_start, span_end, n);
