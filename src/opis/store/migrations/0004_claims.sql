-- Claims (numbers with what/when/where/who) and dated events, derived from each record's JSON.
CREATE TABLE IF NOT EXISTS claims (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    doc_id          TEXT NOT NULL,
    n               INTEGER NOT NULL,          -- position in the record's "claims" list
    value           REAL,                      -- the number (NULL for ranges and vague amounts)
    value_text      TEXT,                      -- value as stored in the record ("tens of thousands", "500–700")
    low             REAL,
    high            REAL,
    unit            TEXT,
    qualifier       TEXT,                      -- approximately | nearly | at least | no less than | over | up to ...
    normalized_value REAL,                     -- metric value for historical units (25 versts -> 26.67 km)
    normalized_unit TEXT,
    what            TEXT NOT NULL,
    kind            TEXT,                      -- coarse kind used to line up claims across sources
    date_edtf       TEXT,
    date_earliest   TEXT,
    date_latest     TEXT,
    place           TEXT,                      -- authority entity id
    place_label     TEXT,
    reported_by     TEXT,
    quantity_text   TEXT,
    sentence        TEXT,
    span_start      INTEGER,
    span_end        INTEGER
);
CREATE INDEX IF NOT EXISTS claims_doc ON claims(doc_id);
CREATE INDEX IF NOT EXISTS claims_kind ON claims(kind);
CREATE INDEX IF NOT EXISTS claims_date ON claims(date_earliest, date_latest);

CREATE TABLE IF NOT EXISTS events (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    doc_id          TEXT NOT NULL,
    n               INTEGER NOT NULL,
    kind            TEXT,                      -- decree | resolution | order | instruction | regulation | decision | agreement | event
    what            TEXT NOT NULL,
    actor           TEXT,
    date_edtf       TEXT,
    date_earliest   TEXT,
    date_latest     TEXT,
    sentence        TEXT,
    span_start      INTEGER,
    span_end        INTEGER
);
CREATE INDEX IF NOT EXISTS events_doc ON events(doc_id);
CREATE INDEX IF NOT EXISTS events_date ON events(date_earliest, date_latest);
