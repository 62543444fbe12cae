"""The SQL of accounts (``0013_accounts.sql``): users, sessions, API tokens and failed logins.

Only digests and hashes reach these tables; :mod:`opis.accounts` makes the secrets and checks
them. Every function takes the :class:`~opis.store.Store`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from opis.errors import NotFound

USER_COLUMNS = "id, name, role, password_hash, disabled, created_at, updated_at"


@dataclass(frozen=True)
class UserRow:
    """A user as stored (the password hash included: never shown)."""

    id: int
    name: str
    role: str
    password_hash: str | None
    disabled: int
    created_at: str
    updated_at: str


@dataclass(frozen=True)
class TokenRow:
    """An API token as stored: its label and prefix, never the token."""

    id: int
    user_id: int
    label: str
    prefix: str
    created_at: str
    last_used: str | None
    revoked_at: str | None

    def to_dict(self) -> dict[str, Any]:
        """The token as JSON (without any secret)."""
        return {"id": self.id, "label": self.label, "prefix": self.prefix, "created_at": self.created_at,
                "last_used": self.last_used, "revoked_at": self.revoked_at}


def now_text() -> str:
    """The time as stored in text columns (UTC, seconds)."""
    return datetime.now(UTC).isoformat(timespec="seconds")


# --- users ---------------------------------------------------------------------------------
def add_user(store, name: str, role: str, password_hash: str | None) -> UserRow:
    """Insert a user; the caller has checked that the name is free."""
    now = now_text()
    with store.writing(f"adding the user {name}"):
        store.conn.execute(
            "INSERT INTO users (name, role, password_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
            (name, role, password_hash, now, now))
    return user_by_name(store, name)


def user_by_name(store, name: str) -> UserRow:
    """The user called ``name`` (case-insensitive); NotFound if none."""
    with store.reading("reading a user"):
        row = store.conn.execute(f"SELECT {USER_COLUMNS} FROM users WHERE name = ?", (name,)).fetchone()
    if row is None:
        raise NotFound(f"no user {name!r}")
    return UserRow(**dict(row))


def user_by_id(store, user_id: int) -> UserRow | None:
    """The user with this id, or None."""
    with store.reading("reading a user"):
        row = store.conn.execute(f"SELECT {USER_COLUMNS} FROM users WHERE id = ?", (user_id,)).fetchone()
    return UserRow(**dict(row)) if row else None


def users(store) -> list[UserRow]:
    """Every user, by name."""
    with store.reading("listing the users"):
        rows = store.conn.execute(f"SELECT {USER_COLUMNS} FROM users ORDER BY name").fetchall()
    return [UserRow(**dict(r)) for r in rows]


def count_users(store, role: str | None = None, enabled_only: bool = True) -> int:
    """How many users there are (with ``role``; enabled ones only by default)."""
    sql, args = "SELECT count(*) FROM users WHERE 1=1", []
    if role:
        sql += " AND role = ?"
        args.append(role)
    if enabled_only:
        sql += " AND disabled = 0"
    with store.reading("counting the users"):
        return store.conn.execute(sql, args).fetchone()[0]


def update_user(store, user_id: int, **values: Any) -> None:
    """Set ``role``, ``password_hash`` or ``disabled`` of a user."""
    allowed = {"role", "password_hash", "disabled"}
    if not values or set(values) - allowed:
        raise ValueError(f"cannot update {sorted(set(values) - allowed)}")
    sets = ", ".join(f"{k} = ?" for k in values)
    with store.writing("updating a user"):
        store.conn.execute(f"UPDATE users SET {sets}, updated_at = ? WHERE id = ?",
                           (*values.values(), now_text(), user_id))


# --- sessions ------------------------------------------------------------------------------
def add_session(store, id_hash: str, user_id: int, csrf: str, created: float, expires: float) -> None:
    """Store a new session."""
    with store.writing("starting a session"):
        store.conn.execute("DELETE FROM sessions WHERE expires_at < ?", (created,))
        store.conn.execute(
            "INSERT INTO sessions (id_hash, user_id, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
            (id_hash, user_id, csrf, created, expires))


def session(store, id_hash: str, at: float) -> tuple[UserRow, str] | None:
    """The user and form token of a live session, or None (unknown, expired, user disabled)."""
    with store.reading("reading a session"):
        row = store.conn.execute(
            f"SELECT s.csrf, {', '.join('u.' + c.strip() for c in USER_COLUMNS.split(','))} FROM sessions s"
            " JOIN users u ON u.id = s.user_id WHERE s.id_hash = ? AND s.expires_at > ? AND u.disabled = 0",
            (id_hash, at)).fetchone()
    if row is None:
        return None
    data = dict(row)
    csrf = data.pop("csrf")
    return UserRow(**data), csrf


def end_session(store, id_hash: str) -> None:
    """Forget one session (logout)."""
    with store.writing("ending a session"):
        store.conn.execute("DELETE FROM sessions WHERE id_hash = ?", (id_hash,))


def end_sessions_of(store, user_id: int) -> None:
    """Forget every session of a user (password changed, user disabled)."""
    with store.writing("ending a user's sessions"):
        store.conn.execute("DELETE FROM sessions WHERE user_id = ?", (user_id,))


# --- API tokens ------------------------------------------------------------------------------
def add_token(store, user_id: int, label: str, token_hash: str, prefix: str) -> TokenRow:
    """Store a new token's digest; return its row."""
    with store.writing("adding an API token"):
        cur = store.conn.execute(
            "INSERT INTO api_tokens (user_id, label, token_hash, prefix, created_at) VALUES (?, ?, ?, ?, ?)",
            (user_id, label, token_hash, prefix, now_text()))
        token_id = cur.lastrowid
    return next(t for t in tokens(store, user_id) if t.id == token_id)


def tokens(store, user_id: int) -> list[TokenRow]:
    """A user's tokens, newest first (revoked ones included)."""
    with store.reading("listing API tokens"):
        rows = store.conn.execute(
            "SELECT id, user_id, label, prefix, created_at, last_used, revoked_at FROM api_tokens"
            " WHERE user_id = ? ORDER BY id DESC", (user_id,)).fetchall()
    return [TokenRow(**dict(r)) for r in rows]


def token_user(store, token_hash: str) -> UserRow | None:
    """The enabled user owning a live (not revoked) token with this digest, or None."""
    with store.reading("checking an API token"):
        row = store.conn.execute(
            f"SELECT {', '.join('u.' + c.strip() for c in USER_COLUMNS.split(','))} FROM api_tokens t"
            " JOIN users u ON u.id = t.user_id WHERE t.token_hash = ? AND t.revoked_at IS NULL AND u.disabled = 0",
            (token_hash,)).fetchone()
    return UserRow(**dict(row)) if row else None


def touch_token(store, token_hash: str) -> None:
    """Note that a token was used now (best effort: a read-only store skips it)."""
    if store.readonly:
        return
    with store.writing("noting an API token's use"):
        store.conn.execute("UPDATE api_tokens SET last_used = ? WHERE token_hash = ?", (now_text(), token_hash))


def revoke_token(store, user_id: int, token_id: int) -> bool:
    """Revoke one of a user's tokens; False when there is no such live token."""
    with store.writing("revoking an API token"):
        cur = store.conn.execute(
            "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL",
            (now_text(), token_id, user_id))
    return cur.rowcount == 1


# --- failed logins -----------------------------------------------------------------------------
def failures_since(store, keys: list[str], since: float) -> dict[str, int]:
    """How many failed logins each key has had since ``since`` (unix seconds)."""
    out = {}
    with store.reading("counting failed logins"):
        for key in keys:
            out[key] = store.conn.execute(
                "SELECT count(*) FROM login_failures WHERE key = ? AND at > ?", (key, since)).fetchone()[0]
    return out


def add_failures(store, keys: list[str], at: float, forget_before: float) -> None:
    """Record a failed login under each key (and forget failures older than ``forget_before``)."""
    with store.writing("recording a failed login"):
        store.conn.execute("DELETE FROM login_failures WHERE at < ?", (forget_before,))
        store.conn.executemany("INSERT INTO login_failures (key, at) VALUES (?, ?)", [(k, at) for k in keys])


def clear_failures(store, key: str) -> None:
    """Forget the failed logins of a key (after a successful login)."""
    with store.writing("clearing failed logins"):
        store.conn.execute("DELETE FROM login_failures WHERE key = ?", (key,))
