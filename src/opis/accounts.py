"""Accounts: people, roles, password logins, browser sessions and API tokens.

Roles rank ``reader`` < ``editor`` < ``admin``: a reader reads; an editor also writes (uploads,
corrections); an admin also manages accounts. A database without any user is the embedded
single-user mode: no login, and a server writes only with its own ``--token`` as before.

Secrets never reach the database: passwords are kept as argon2id hashes (pwdlib), and session
ids and API tokens (random, 256 bits) as SHA-256 digests, so a copy of the database lets no one
log in. Failed logins are counted per account and per client address in the database, so the
limit holds across server processes: after :data:`MAX_USER_FAILURES` failures for one account
(or :data:`MAX_ADDR_FAILURES` from one address) within :data:`FAILURE_WINDOW` seconds, logins are
refused until the window has passed.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from dataclasses import dataclass
from functools import cache

from opis.errors import NotFound, OpisError
from opis.store import accounts as _db
from opis.store.accounts import TokenRow, UserRow

ROLES = ("reader", "editor", "admin")
RANK = {role: n for n, role in enumerate(ROLES)}
MIN_PASSWORD = 10
MAX_PASSWORD = 1024
SESSION_SECONDS = 7 * 24 * 3600
FAILURE_WINDOW = 15 * 60
MAX_USER_FAILURES = 5
MAX_ADDR_FAILURES = 20
TOKEN_PREFIX = "opis_"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")


class AccountError(OpisError):
    """A request about accounts that cannot be done (bad name, weak password, last admin ...)."""


class LoginRefused(OpisError):
    """Wrong name or password (which of the two is not said), or a disabled account."""


class TooManyAttempts(OpisError):
    """Too many failed logins: ``retry_after`` seconds to wait."""

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(frozen=True)
class User:
    """A person with an account (no secret in it)."""

    id: int
    name: str
    role: str
    disabled: bool
    created_at: str

    def can(self, role: str) -> bool:
        """Whether this user has ``role`` or a higher one (and is enabled)."""
        return not self.disabled and RANK[self.role] >= RANK[role]

    def to_dict(self) -> dict[str, object]:
        """The user as JSON."""
        return {"id": self.id, "name": self.name, "role": self.role, "disabled": self.disabled,
                "created_at": self.created_at}


@dataclass(frozen=True)
class Session:
    """A browser session just started: the cookie value (shown once) and its form token."""

    user: User
    token: str
    csrf: str
    expires_at: float


def _user(row: UserRow) -> User:
    return User(row.id, row.name, row.role, bool(row.disabled), row.created_at)


def digest(secret: str) -> str:
    """The SHA-256 hex digest under which a session id or token is stored."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


@cache
def _hasher():
    from pwdlib import PasswordHash

    return PasswordHash.recommended()  # argon2id


@cache
def _dummy_hash() -> str:
    return _hasher().hash(secrets.token_urlsafe(16))


def check_name(name: str) -> str:
    """A valid user name (letters, digits, ``. _ @ -``; up to 64), or AccountError."""
    if not _NAME.match(name or ""):
        raise AccountError(f"not a valid user name: {name[:80]!r} (letters, digits and . _ @ -, up to 64)")
    return name


def check_password(password: str) -> str:
    """A password long enough (at least :data:`MIN_PASSWORD` characters), or AccountError."""
    if len(password or "") < MIN_PASSWORD:
        raise AccountError(f"a password needs at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise AccountError(f"a password may have at most {MAX_PASSWORD} characters")
    return password


def check_role(role: str) -> str:
    """A known role, or AccountError."""
    if role not in RANK:
        raise AccountError(f"unknown role {role!r} (one of: {', '.join(ROLES)})")
    return role


# --- managing accounts ------------------------------------------------------------------------
def add_user(store, name: str, role: str, password: str | None) -> User:
    """Create an account (``password`` None: token use only)."""
    check_name(name)
    check_role(role)
    try:
        _db.user_by_name(store, name)
    except NotFound:
        pass
    else:
        raise AccountError(f"there is already a user {name!r}")
    hashed = _hasher().hash(check_password(password)) if password is not None else None
    return _user(_db.add_user(store, name, role, hashed))


def get_user(store, name: str) -> User:
    """The account called ``name``; NotFound if none."""
    return _user(_db.user_by_name(store, name))


def list_users(store) -> list[User]:
    """Every account, by name."""
    return [_user(r) for r in _db.users(store)]


def has_users(store) -> bool:
    """Whether the database has accounts (else it is in single-user mode)."""
    return _db.count_users(store, enabled_only=False) > 0


def has_admin(store) -> bool:
    """Whether an enabled admin account exists."""
    return _db.count_users(store, "admin") > 0


def _keep_an_admin(store, user: User) -> None:
    if user.role == "admin" and not user.disabled and _db.count_users(store, "admin") <= 1:
        raise AccountError(f"{user.name} is the last enabled admin: make another admin first")


def set_role(store, name: str, role: str) -> User:
    """Give an account another role (the last enabled admin keeps theirs)."""
    user = get_user(store, name)
    check_role(role)
    if role != "admin":
        _keep_an_admin(store, user)
    _db.update_user(store, user.id, role=role)
    return get_user(store, name)


def set_disabled(store, name: str, disabled: bool = True) -> User:
    """Disable an account (its sessions end, its tokens stop working) or enable it again."""
    user = get_user(store, name)
    if disabled:
        _keep_an_admin(store, user)
    _db.update_user(store, user.id, disabled=int(disabled))
    if disabled:
        _db.end_sessions_of(store, user.id)
    return get_user(store, name)


def set_password(store, name: str, password: str) -> None:
    """Set an account's password; every session of it ends (log in again)."""
    user = get_user(store, name)
    _db.update_user(store, user.id, password_hash=_hasher().hash(check_password(password)))
    _db.end_sessions_of(store, user.id)


def change_password(store, user: User, old: str, new: str) -> None:
    """A user changes their own password, proving the old one."""
    row = _db.user_by_name(store, user.name)
    if not row.password_hash or not _hasher().verify(old or "", row.password_hash):
        raise LoginRefused("the current password is wrong")
    set_password(store, user.name, new)


# --- logging in ----------------------------------------------------------------------------------
def login(store, name: str, password: str, addr: str | None, now: float | None = None) -> Session:
    """Check a name and password and start a new session (a new random id every time: a session
    id known before the login is never carried into it). Raises :class:`TooManyAttempts` past the
    failure limits, :class:`LoginRefused` for a wrong name or password or a disabled account."""
    now = time.time() if now is None else now
    keys = [f"user:{(name or '').lower()[:64]}", f"addr:{addr or '?'}"]
    counts = _db.failures_since(store, keys, now - FAILURE_WINDOW)
    if counts[keys[0]] >= MAX_USER_FAILURES or counts[keys[1]] >= MAX_ADDR_FAILURES:
        raise TooManyAttempts("too many failed logins: try again later", FAILURE_WINDOW)
    try:
        row = _db.user_by_name(store, name or "")
    except NotFound:
        row = None
    stored = row.password_hash if row and row.password_hash else _dummy_hash()
    ok = _hasher().verify(password or "", stored) and row is not None and bool(row.password_hash)
    if not ok or row is None or row.disabled:
        _db.add_failures(store, keys, now, now - FAILURE_WINDOW)
        raise LoginRefused("wrong user name or password" if not (ok and row) else "this account is disabled")
    _db.clear_failures(store, keys[0])
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    _db.add_session(store, digest(token), row.id, csrf, now, now + SESSION_SECONDS)
    return Session(_user(row), token, csrf, now + SESSION_SECONDS)


def session_user(store, token: str | None, now: float | None = None) -> tuple[User, str] | None:
    """The user and form token of a live session cookie, or None."""
    if not token or len(token) > 200:
        return None
    found = _db.session(store, digest(token), time.time() if now is None else now)
    return (_user(found[0]), found[1]) if found else None


def logout(store, token: str | None) -> None:
    """End the session of this cookie value (nothing when there is none)."""
    if token and len(token) <= 200:
        _db.end_session(store, digest(token))


def csrf_ok(expected: str | None, given: str | None) -> bool:
    """Whether a form's token matches its session's (compared in constant time)."""
    return bool(expected and given) and hmac.compare_digest(expected.encode(), given.encode())


# --- API tokens -------------------------------------------------------------------------------------
def create_token(store, name: str, label: str = "api") -> tuple[str, TokenRow]:
    """A new API token for an account: the token (shown once, never stored) and its row."""
    user = get_user(store, name)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    return token, _db.add_token(store, user.id, label[:100] or "api", digest(token), token[:12])


def list_tokens(store, name: str) -> list[TokenRow]:
    """An account's tokens (labels and prefixes only)."""
    return _db.tokens(store, get_user(store, name).id)


def revoke_token(store, name: str, token_id: int) -> None:
    """Revoke one of an account's tokens; NotFound if it has no such live token."""
    if not _db.revoke_token(store, get_user(store, name).id, token_id):
        raise NotFound(f"{name} has no live token {token_id}")


def token_user(store, token: str | None) -> User | None:
    """The enabled account owning this live API token, or None."""
    if not token or not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    row = _db.token_user(store, digest(token))
    return _user(row) if row else None


def note_token_use(store, token: str) -> None:
    """Record that a token was used now (on writes; reads do not write)."""
    _db.touch_token(store, digest(token))
