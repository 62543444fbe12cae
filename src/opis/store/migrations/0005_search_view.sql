-- Search (issue 8), after 0005_search_text.sql: the title and date a hit shows, kept in the
-- search row beside its snippet text, so that a page of hits is read from one table by row id
-- (the tantivy index holds each document's row id as a fast field) with no join to documents.
ALTER TABLE search_docs ADD COLUMN title TEXT;
ALTER TABLE search_docs ADD COLUMN date_edtf TEXT;
UPDATE search_docs SET (title, date_edtf) = (SELECT d.title, d.date_edtf FROM documents d WHERE d.id = search_docs.doc_id);
