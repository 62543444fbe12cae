-- Entities (authority entries and collection entities) and their mentions, derived from the
-- records' "entities" and "mentions" (rebuilt on every upsert of a document).
CREATE TABLE IF NOT EXISTS entities (
    id         TEXT PRIMARY KEY,        -- place:tacheng (authority) | person~puchkov (collection)
    type       TEXT NOT NULL,           -- PERSON | PLACE | ORG | UNIT
    label      TEXT NOT NULL,
    variants   TEXT NOT NULL DEFAULT '[]',  -- JSON list of {name, lang, script}
    lat        REAL,
    lon        REAL,
    country    TEXT,
    wikidata   TEXT,
    geonames   TEXT,
    authority  INTEGER NOT NULL DEFAULT 0,
    description TEXT
);
CREATE INDEX IF NOT EXISTS entities_type ON entities(type, label);

CREATE TABLE IF NOT EXISTS mentions (
    doc_id     TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    entity_id  TEXT,
    type       TEXT NOT NULL,
    surface    TEXT NOT NULL,
    gloss      TEXT,
    source     TEXT,
    note       INTEGER,                 -- footnote number when the span is in a note
    span_start INTEGER,                 -- offsets into the document text (or the note's text)
    span_end   INTEGER,
    context    TEXT                     -- the words around the mention, for entity pages
);
CREATE INDEX IF NOT EXISTS mentions_entity ON mentions(entity_id);
CREATE INDEX IF NOT EXISTS mentions_doc ON mentions(doc_id);
