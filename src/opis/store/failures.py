"""What went wrong with the database file, in one line a user can act on.

SQLite reports a damaged file, a full disk, a lock held too long and an I/O failure all as
``sqlite3.DatabaseError`` subclasses (and text that is not UTF-8 any more as an
``OperationalError``); :func:`store_error` turns each into a :class:`StoreError` naming the
file, the problem and what to do, and marks damage as :class:`CorruptStore`.
"""

from __future__ import annotations

import json
import sqlite3

from opis.errors import StoreError

# SQLite's messages for a damaged file, and the sqlite3 module's for undecodable text
_CORRUPT = ("malformed", "not a database", "could not decode to utf-8", "file is encrypted", "corrupt")
_FULL = ("database or disk is full", "no space left")
_IO = ("disk i/o error",)
_LOCKED = ("database is locked", "database table is locked", "busy")
_READONLY = ("attempt to write a readonly database", "readonly database", "read-only transaction")


#: the database engine's own error type: what a caller outside the store catches, by this name
DatabaseError = sqlite3.Error


class CorruptStore(StoreError):
    """The database file is damaged: opis reads what it can and writes nothing into it."""


def is_corruption(exc: BaseException) -> bool:
    """True when ``exc`` says the file is damaged (not full, locked or busy)."""
    if isinstance(exc, (UnicodeDecodeError, json.JSONDecodeError)):
        return True  # a record that no longer decodes (UTF-8 or JSON)
    text = str(exc).lower()
    return isinstance(exc, sqlite3.DatabaseError) and any(m in text for m in _CORRUPT)


def is_disk_full(exc: BaseException) -> bool:
    """True when ``exc`` (or what caused it) is a full disk: the engine's 'database or disk is
    full' (SQLITE_FULL) or the system's ENOSPC/EDQUOT."""
    import errno

    while exc is not None:
        if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
        if any(m in str(exc).lower() for m in _FULL + ("disk full", "disk is full")) or (
                isinstance(exc, sqlite3.DatabaseError) and getattr(exc, "sqlite_errorcode", None) == 13):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def store_error(exc: BaseException, path: str, doing: str) -> StoreError:
    """A :class:`StoreError` for ``exc`` raised while ``doing`` (e.g. "reading the records")."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    low = text.lower()
    if is_corruption(exc):
        return CorruptStore(
            f"the database is damaged ({_short(text)}) while {doing}; nothing will be written to it."
            f" Run 'opis check --db {path}' for a report, and 'opis restore BACKUP --db {path}'"
            " to put back a backup", path)
    if any(m in low for m in _FULL):
        return StoreError(f"disk full while {doing}; nothing was written (free space and try again)", path)
    if any(m in low for m in _IO):
        return StoreError(f"disk I/O error while {doing} ({text}); check the disk and 'opis check --db {path}'", path)
    if any(m in low for m in _READONLY):
        return StoreError(f"the database cannot be written while {doing} ({text})", path)
    if any(m in low for m in _LOCKED):
        return StoreError(f"the database is locked by another process while {doing}; try again", path)
    return StoreError(f"database error while {doing} ({_short(text)})", path)


def _short(text: str, width: int = 120) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
