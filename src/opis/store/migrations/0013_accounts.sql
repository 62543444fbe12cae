-- Accounts (issue 17): people, their roles, their browser sessions and API tokens, and failed
-- logins (for rate limiting across server processes). Secrets are never stored: passwords as
-- argon2id hashes, session ids and API tokens as SHA-256 digests of random values.
CREATE TABLE IF NOT EXISTS users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    name          TEXT NOT NULL UNIQUE COLLATE NOCASE,
    role          TEXT NOT NULL CHECK (role IN ('reader', 'editor', 'admin')),
    password_hash TEXT,                    -- NULL: no password (token use only)
    disabled      INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS sessions (
    id_hash     TEXT PRIMARY KEY,          -- sha256 of the cookie value
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf        TEXT NOT NULL,             -- the session's form token
    created_at  REAL NOT NULL,             -- unix seconds
    expires_at  REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_user ON sessions(user_id);

CREATE TABLE IF NOT EXISTS api_tokens (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    label       TEXT NOT NULL,
    token_hash  TEXT NOT NULL UNIQUE,      -- sha256 of the token
    prefix      TEXT NOT NULL,             -- its first characters, to tell tokens apart
    created_at  TEXT NOT NULL,
    last_used   TEXT,
    revoked_at  TEXT
);
CREATE INDEX IF NOT EXISTS api_tokens_user ON api_tokens(user_id);

CREATE TABLE IF NOT EXISTS login_failures (
    key  TEXT NOT NULL,                    -- 'user:<name>' or 'addr:<client address>'
    at   REAL NOT NULL                     -- unix seconds
);
CREATE INDEX IF NOT EXISTS login_failures_key ON login_failures(key, at);
