-- A smaller record (issue 20): documents.record is encoded before it is compressed
-- (opis.store.codec): the entries of its "entities" list are kept once each in record_entities,
-- keyed by 48 bits of a hash of their JSON (the next free key on a collision), and the record
-- holds the keys; pieces of the document text are kept as offsets and lists of like objects as
-- columns. The records of a database written before are encoded by the Python step of this
-- migration (opis.store.migrations._encode_records); a record not encoded still reads as it is.
CREATE TABLE IF NOT EXISTS record_entities (
    key  INTEGER PRIMARY KEY,   -- opis.store.codec.entity_key of body's JSON (or the next free one)
    body BLOB NOT NULL          -- the entry's JSON, compressed (zlib)
);
