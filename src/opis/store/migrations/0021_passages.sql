-- Find by meaning (issue 19): each document's text cut into paragraph-sized passages, each with
-- its sentence embedding (opis.search.embed: float16, L2-normalised, little-endian). Derived and
-- rebuildable: written by opis.search.vectors following the change journal (not inside the
-- record's write transaction, so ingest does not wait for the model), up to the change number
-- kept in store_meta under 'passages_seq'. The local ANN index beside the search index is built
-- from these rows, so a rebuild of it never runs the model again.
CREATE TABLE passages (
    doc_id TEXT NOT NULL,
    n      INTEGER NOT NULL,
    start  INTEGER NOT NULL,
    "end"  INTEGER NOT NULL,
    vector BLOB NOT NULL,
    PRIMARY KEY (doc_id, n)
);
