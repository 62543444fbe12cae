"""The one connection interface the store modules use, and what differs between the engines.

Every store module talks to ``store.conn``: SQLite's own ``sqlite3.Connection`` (opened with
:class:`SqliteConnection`, which only adds ``dialect``) or :class:`opis.store.postgres.PgConnection`,
which offers the same calls (``execute`` / ``executemany`` returning a cursor with ``fetchone``,
``fetchall``, iteration, ``rowcount`` and ``lastrowid``; rows read by position or by column name;
``in_transaction``, ``commit``, ``rollback``; ``with conn:`` as one transaction) and translates the
SQL the modules write (SQLite's) in one place. What cannot be translated statement by statement
(the catalogue of tables and columns, a case-folding comparison) is asked of ``conn.dialect``.

Which engine a database is on is told by its name: a ``postgresql://`` (or ``postgres://``) URL
is a PostgreSQL server, anything else a SQLite file.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
from pathlib import Path

URL_SCHEMES = ("postgresql://", "postgres://")


def is_url(path: str | Path | None) -> bool:
    """Whether ``path`` names a PostgreSQL database (a ``postgresql://`` URL), not a SQLite file."""
    return isinstance(path, str) and path.startswith(URL_SCHEMES)


def exists(path: str | Path) -> bool:
    """Whether the database ``path`` exists: a SQLite file that is there; a PostgreSQL URL is taken
    to exist (connecting tells, with the server's own message)."""
    import os

    return is_url(path) or os.path.isfile(path)


def redact(url: str) -> str:
    """The URL without its password (what messages and paths may show)."""
    if not is_url(url):
        return url
    return re.sub(r"^([a-z]+://[^:/@]*):[^@]*@", r"\1:***@", url)


def url_key(url: str) -> str:
    """A short stable name for a database URL (without its password), e.g. for a cache folder:
    ``<host>-<database>-<hash>``."""
    bare = re.sub(r"^([a-z]+://[^:/@]*)(:[^@]*)?@", r"\1@", url.split("?", 1)[0])
    m = re.match(r"^[a-z]+://(?:[^@/]*@)?([^/:?]*)(?::(\d+))?/?([^?]*)", bare)
    host, port, name = (m.group(1), m.group(2), m.group(3)) if m else ("", None, "")
    label = re.sub(r"[^A-Za-z0-9_.-]+", "_", f"{host or 'local'}{'_' + port if port else ''}-{name or 'db'}")
    return f"{label}-{hashlib.sha256(bare.encode()).hexdigest()[:12]}"


class SqliteDialect:
    """What the store asks of SQLite beyond plain SQL."""

    name = "sqlite"

    def tables(self, conn) -> list[str]:
        """The names of the ordinary tables, sorted (virtual tables and their shadows included)."""
        return [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]

    def columns(self, conn, table: str) -> list[str]:
        """The column names of ``table``, in order."""
        return [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')]

    def has_table(self, conn, table: str) -> bool:
        """Whether ``table`` exists."""
        return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                            (table,)).fetchone() is not None


SQLITE = SqliteDialect()


_HINT = re.compile(r"\s+INDEXED\s+BY\s+\w+", re.I)
_ROWID = re.compile(r"(?<![\w\"'])rowid(?![\w\"'])")


def unshadowed_sql(sql: str) -> str:
    """A statement for tables that are shadow views (:mod:`opis.store.visibility`): no
    ``INDEXED BY`` hints, and ``rowid`` read as the views' ``rowid_`` column."""
    return _ROWID.sub("rowid_", _HINT.sub("", sql))


class SqliteConnection(sqlite3.Connection):
    """``sqlite3.Connection`` with the dialect the store modules may ask for (``conn.dialect``);
    while a reader's shadow views are in place (``shadowed``), statements are adapted to them."""

    dialect = SQLITE
    shadowed = False

    def execute(self, sql: str, *args):
        """``sqlite3.Connection.execute``, adapted to shadow views while they are in place."""
        return super().execute(unshadowed_sql(sql) if self.shadowed else sql, *args)

    def executemany(self, sql: str, *args):
        """``sqlite3.Connection.executemany``, adapted to shadow views while they are in place."""
        return super().executemany(unshadowed_sql(sql) if self.shadowed else sql, *args)


def dialect_of(conn) -> SqliteDialect:
    """The dialect of a connection (SQLite for a plain ``sqlite3.Connection``)."""
    return getattr(conn, "dialect", SQLITE)
