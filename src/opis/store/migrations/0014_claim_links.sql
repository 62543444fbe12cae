-- Claims (issue 20), after 0009_aggregates.sql and 0011_storage.sql: a database written before
-- 0009 has claims without the sentence offsets that link a claim to the entities named in its
-- sentence (claim_entities role 'sentence'). Only the claims indexer can set them, from the
-- record: the Python step of this migration (opis.store.migrations._link_claims) rewrites the
-- claims of every document that has such a claim, in this migration's transaction.
SELECT 1;
