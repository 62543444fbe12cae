-- Search (issue 8), after 0005_search.sql: the text each hit's snippet is cut from, kept in the
-- search row so that a search reads one narrow row per hit instead of parsing the hit's record
-- JSON (a real record holds its mentions, claims and notes too: ten to a hundred times its
-- text). The text, or else the summary, or else the title, as the record has them.
ALTER TABLE search_docs ADD COLUMN text TEXT NOT NULL DEFAULT '';
UPDATE search_docs SET text = coalesce(
    (SELECT coalesce(nullif(json_extract(d.record, '$.text'), ''), nullif(json_extract(d.record, '$.summary'), ''),
                     d.title, '')
     FROM documents d WHERE d.id = search_docs.doc_id), '');
