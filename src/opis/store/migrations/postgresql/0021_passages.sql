-- The twin of ../0021_passages.sql in PostgreSQL's terms (see that file for the why).
CREATE TABLE passages (
    doc_id TEXT COLLATE "C" NOT NULL,
    n      BIGINT NOT NULL,
    start  BIGINT NOT NULL,
    "end"  BIGINT NOT NULL,
    vector BYTEA NOT NULL,
    PRIMARY KEY (doc_id, n)
);
