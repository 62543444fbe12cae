-- Timeline date ranges (opis.timeline), applied after 0007_timeline.sql.
-- Documents overlapping a date range: both ends checked in the index, the row read only for a hit.
CREATE INDEX IF NOT EXISTS documents_dates ON documents(date_earliest, date_latest);
-- The longest interval of each table (opis.timeline._floor): max() of these is one index seek, and
-- bounds how early a row overlapping a range can start. The second column finds the rows whose
-- span cannot be computed and that could still match a range.
CREATE INDEX IF NOT EXISTS documents_span
    ON documents(julianday(coalesce(nullif(date_latest, ''), date_earliest)) - julianday(date_earliest), date_earliest);
CREATE INDEX IF NOT EXISTS claims_span ON claims(julianday(date_latest) - julianday(date_earliest), date_earliest);
CREATE INDEX IF NOT EXISTS events_span ON events(julianday(date_latest) - julianday(date_earliest), date_latest);
