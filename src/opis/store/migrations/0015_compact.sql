-- Compact storage (issue 20): the database at most five times the text it holds.
-- Mentions stored clustered by document: one WITHOUT ROWID table keyed by (doc_id, n), n the
-- mention's position among the document's stored mentions. A document's mentions are one range
-- of the table itself, so the covering index that held them in that order (mentions_timeline, a
-- second copy of the table) is gone. The indexes by entity, surface and gloss stay (their rows
-- end with the key, doc_id and n); those by entity and surface hold only the places and people
-- outside footnotes, the only mentions the timeline's place/person filters test. An entity's
-- mentions page reads its documents from entity_docs and each document's range of the table;
-- the documents a correction concerns are read from entity_docs too.
CREATE TABLE mentions_by_doc (
    doc_id     TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    n          INTEGER NOT NULL,
    type       TEXT NOT NULL,
    entity_id  TEXT,
    surface    TEXT NOT NULL,
    gloss      TEXT,
    note       INTEGER,
    span_start INTEGER,
    span_end   INTEGER,
    source     TEXT,
    role       TEXT,
    PRIMARY KEY (doc_id, n)
) WITHOUT ROWID;
INSERT INTO mentions_by_doc (doc_id, n, type, entity_id, surface, gloss, note, span_start, span_end, source, role)
    SELECT doc_id, row_number() OVER (PARTITION BY doc_id ORDER BY rowid) - 1, type, entity_id, surface, gloss,
        note, span_start, span_end, source, role
    FROM mentions;
DROP TABLE mentions;
ALTER TABLE mentions_by_doc RENAME TO mentions;
CREATE INDEX IF NOT EXISTS mentions_entity ON mentions(entity_id)
    WHERE type IN ('PERSON', 'PLACE') AND note IS NULL;
CREATE INDEX IF NOT EXISTS mentions_type_surface ON mentions(type, surface)
    WHERE type IN ('PERSON', 'PLACE') AND note IS NULL;
CREATE INDEX IF NOT EXISTS mentions_gloss ON mentions(gloss) WHERE gloss IS NOT NULL;

-- The sentence of a claim or event found in the document text is kept as its offsets only
-- (sentence_start..sentence_end) and cut from the text when a page shows it; the column
-- sentence holds the others (a sentence of a summary or a footnote). Rows written before keep
-- their sentence until the next 'opis reindex' rewrites them. Events get the two offset
-- columns in the Python step of this migration (opis.store.migrations._event_sentences).

-- Indexes that are a prefix of another: claims and events by date are read through their
-- timeline indexes (claims_timeline, events_timeline), which begin with the same two columns.
DROP INDEX IF EXISTS claims_date;
DROP INDEX IF EXISTS events_date;

-- A document's claim links are found through its claims (claims_doc, then the claim ids): an
-- index by claim id replaces the one by document id (an integer in place of a text key).
DROP INDEX IF EXISTS claim_entities_doc;
CREATE INDEX IF NOT EXISTS claim_entities_claim ON claim_entities(claim_id);
