-- Web UI: the document list (opis.web.lib.list_documents) pages by date, optionally within one
-- type; these covering indexes keep a page deep in a 100k+ archive an index walk.
CREATE INDEX IF NOT EXISTS documents_list ON documents(date_earliest, title, id);
CREATE INDEX IF NOT EXISTS documents_type_list ON documents(doc_type, date_earliest, title, id);
