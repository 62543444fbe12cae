-- Curation (issue 17): who made each correction — the account name when it came from a signed-in
-- person or their API token; NULL for the command line and the server's own token (one person).
ALTER TABLE corrections ADD COLUMN author TEXT;
