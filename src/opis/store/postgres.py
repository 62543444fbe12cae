"""The PostgreSQL store: the same :class:`~opis.store.sqlite.Store`, on a shared server.

:class:`PgConnection` gives the store modules the connection interface they use on SQLite
(see :mod:`opis.store.engine`) over a psycopg 3 connection, and translates their SQL in one
place (:func:`translate`): ``?`` placeholders, ``INSERT OR IGNORE`` / ``INSERT OR REPLACE``
(``ON CONFLICT``), ``json_each(?)`` of a JSON list, ``json_array``, ``INDEXED BY`` hints (PostgreSQL
plans by itself), ``LIMIT -1`` (no limit), a sub-select without an alias, ``lastrowid``
(``RETURNING`` the table's identity column). What SQLite has as functions and PostgreSQL lacks
(``julianday``, ``instr``) and the ``NOCASE`` collation are defined once, by the baseline
migration (``migrations/postgresql/0016_baseline.sql``); the triggers that keep the counts are
PL/pgSQL functions there.

Transactions behave as Python's sqlite3 module's do: a statement that writes begins a
transaction when none is open, ``commit``/``rollback`` (or ``with conn:``) end it, and reads
outside one see the latest committed state. A server's connections (``any_thread=True``) are
leased from one psycopg_pool pool per database URL and given back on :meth:`PostgresStore.close`.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

import psycopg
from psycopg import pq

from opis.errors import StoreError
from opis.store.engine import redact

CONNECT_TIMEOUT = 10  # seconds to reach the server
POOL_MAX = 64  # connections one process keeps to one database (a server's readers)
MANY_ROWS = 500  # rows per statement of a many-row INSERT (executemany)

_LITERAL = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|--[^\n]*")
_MARK = "\x00{}\x00"
_VALUES = re.compile(r"\bVALUES\s*(\((?:\s*%s\s*,)*\s*%s\s*\))\s*(?:ON CONFLICT DO NOTHING)?\s*$", re.I)


class PgDialect:
    """What the store asks of PostgreSQL beyond plain SQL."""

    name = "postgresql"

    def tables(self, conn) -> list[str]:
        """The names of the tables of the current schema, sorted."""
        return [r[0] for r in conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
            " AND table_type = 'BASE TABLE' ORDER BY table_name")]

    def columns(self, conn, table: str) -> list[str]:
        """The column names of ``table``, in order."""
        return [r[0] for r in conn.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema()"
            " AND table_name = ? ORDER BY ordinal_position", (table,))]

    def has_table(self, conn, table: str) -> bool:
        """Whether ``table`` exists."""
        return conn.execute("SELECT to_regclass(?) IS NOT NULL", (table,)).fetchone()[0]


POSTGRES = PgDialect()


# --- SQL translation ----------------------------------------------------------------------
class Translated:
    """A statement translated for PostgreSQL: its text, the positions of its LIMIT parameters
    (a negative one means no limit), and the conflict clause still to add (``ignore`` /
    ``replace`` with the table and columns), which needs the table's key."""

    __slots__ = ("conflict", "insert_into", "limits", "returning", "sql")

    def __init__(self, sql: str, limits: tuple[int, ...], conflict: tuple | None, insert_into: str | None,
                 returning: bool):
        self.sql, self.limits, self.conflict, self.insert_into, self.returning = sql, limits, conflict, insert_into, returning


def _alias_subqueries(code: str) -> str:
    """``FROM (SELECT ...)`` without an alias (SQLite allows it; PostgreSQL 15 does not) gets one."""
    out, n, i = [], 0, 0
    for m in re.finditer(r"\bFROM\s*\(\s*SELECT\b", code, re.I):
        if m.start() < i:
            continue
        depth, j = 0, code.index("(", m.start())
        while j < len(code):
            depth += {"(": 1, ")": -1}.get(code[j], 0)
            if depth == 0:
                break
            j += 1
        rest = code[j + 1:]
        follows = re.match(r"\s*(AS\b|[A-Za-z_]\w*)", rest)
        if follows and follows.group(1).upper() not in ("WHERE", "ORDER", "GROUP", "LIMIT", "JOIN", "UNION",
                                                         "LEFT", "INNER", "ON", "HAVING", "OFFSET", "WINDOW"):
            continue
        n += 1
        out.append(code[i:j + 1] + f" AS _q{n}")
        i = j + 1
    out.append(code[i:])
    return "".join(out)


@lru_cache(maxsize=4096)
def translate(sql: str) -> Translated:
    """SQLite's SQL (as the store modules write it) as PostgreSQL's; see the module's docstring."""
    literals: list[str] = []

    def keep(m: re.Match) -> str:
        literals.append(m.group(0))
        return _MARK.format(len(literals) - 1)

    code = _LITERAL.sub(keep, sql)
    conflict = None
    m = re.match(r"\s*INSERT\s+OR\s+(IGNORE|REPLACE)\s+INTO\s+(\w+)\s*(\(([^)]*)\))?", code, re.I)
    if m:
        cols = tuple(c.strip() for c in (m.group(4) or "").split(",") if c.strip())
        conflict = (m.group(1).lower(), m.group(2), cols)
        code = code[:m.start()] + re.sub(r"\s+OR\s+(IGNORE|REPLACE)", "", m.group(0), count=1, flags=re.I) + code[m.end():]
    into = re.match(r"\s*INSERT\s+INTO\s+(\w+)", code, re.I)
    code = re.sub(r"\s+INDEXED\s+BY\s+\w+", "", code, flags=re.I)
    # (a transaction the code begins itself is a read snapshot, as SQLite's; writes begin their own)
    code = re.sub(r"^\s*BEGIN(\s+(IMMEDIATE|DEFERRED|EXCLUSIVE))?\s*$", "BEGIN ISOLATION LEVEL REPEATABLE READ",
                  code, flags=re.I)
    code = re.sub(r"\bjson_each\(\s*\?\s*\)", "jsonb_array_elements_text(?::jsonb)", code, flags=re.I)
    code = re.sub(r"\bjson_array\(", "opis_json_array(", code, flags=re.I)
    code = re.sub(r"\bLIMIT\s+-1\b", "LIMIT ALL", code, flags=re.I)
    code = _alias_subqueries(code)
    limits, parts, n = [], [], 0
    for piece in re.split(r"(\?)", code):
        if piece == "?":
            if re.search(r"\b(LIMIT|OFFSET)\s*$", parts[-1] if parts else "", re.I):
                limits.append(n)
            parts.append("%s")
            n += 1
        else:
            parts.append(piece.replace("%", "%%"))
    out = "".join(parts)
    out = re.sub("\x00(\\d+)\x00", lambda k: literals[int(k.group(1))].replace("%", "%%"), out)
    returning = bool(re.search(r"\bRETURNING\b", code, re.I))
    return Translated(out.rstrip().rstrip(";"), tuple(limits), conflict, into.group(1) if into else None, returning)


# --- rows and cursors ---------------------------------------------------------------------
class PgRow(tuple):
    """A row read by position or by column name (as ``sqlite3.Row``); ``dict(row)`` works."""

    def __new__(cls, values: Sequence[Any], index: dict[str, int]):
        """A row of ``values`` whose column names map to positions by ``index``."""
        row = super().__new__(cls, values)
        row._index = index
        return row

    def __getitem__(self, key):
        """The value at a position (or slice), or of a column by name."""
        if isinstance(key, str):
            return tuple.__getitem__(self, self._index[key])
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        """The column names, in order."""
        return list(self._index)


def _row_factory(cursor):
    desc = cursor.description
    if desc is None:
        return tuple
    index: dict[str, int] = {}
    for i, d in enumerate(desc):
        index.setdefault(d.name, i)  # (a name twice: the first, as sqlite3.Row)
    return lambda values: PgRow(values, index)


class PgCursor:
    """The result of one statement: ``fetchone``, ``fetchall``, iteration, ``rowcount``, ``lastrowid``."""

    def __init__(self, cur: psycopg.Cursor | None, lastrowid: int | None = None):
        self._cur = cur
        self.lastrowid = lastrowid

    @property
    def rowcount(self) -> int:
        """Rows the statement wrote (-1 when not known)."""
        return self._cur.rowcount if self._cur is not None else -1

    @property
    def description(self):
        """The result's columns (DB-API)."""
        return self._cur.description if self._cur is not None else None

    def fetchone(self):
        """The next row, or None."""
        with _server_errors():
            return self._cur.fetchone() if self._cur is not None and self._cur.description else None

    def fetchall(self) -> list:
        """The remaining rows."""
        with _server_errors():
            return self._cur.fetchall() if self._cur is not None and self._cur.description else []

    def fetchmany(self, size: int = 100) -> list:
        """Up to ``size`` more rows."""
        with _server_errors():
            return self._cur.fetchmany(size) if self._cur is not None and self._cur.description else []

    def __iter__(self) -> Iterator:
        """The remaining rows, one by one."""
        return iter(self.fetchall())


class _NumericLoader(psycopg.adapt.Loader):
    """PostgreSQL's ``numeric`` (a sum of integers) as an int when whole, else a float (as SQLite's)."""

    def load(self, data) -> Any:
        """Decode one value."""
        text = bytes(data).decode()
        try:
            return int(text)
        except ValueError:
            return float(text)


# --- errors: raised as the DB-API classes of the sqlite3 module ------------------------------
class PgDatabaseError(sqlite3.DatabaseError):
    """An error of the PostgreSQL server (the psycopg error is its cause)."""


class PgOperationalError(sqlite3.OperationalError):
    """The server could not do it (gone, out of space, a lock, a serialisation failure)."""


class PgIntegrityError(sqlite3.IntegrityError):
    """A constraint refused the write (a unique key, a foreign key)."""


def _db_error(exc: psycopg.Error) -> sqlite3.DatabaseError:
    """The store modules catch the sqlite3 module's error classes: one interface, both engines."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    if isinstance(exc, psycopg.IntegrityError):
        return PgIntegrityError(text)
    if isinstance(exc, psycopg.OperationalError | psycopg.errors.InsufficientResources
                  | psycopg.errors.ReadOnlySqlTransaction):
        return PgOperationalError(text)
    return PgDatabaseError(text)


@contextmanager
def _server_errors() -> Iterator[None]:
    try:
        yield
    except psycopg.Error as exc:
        raise _db_error(exc) from exc


# --- the connection -----------------------------------------------------------------------
class _Catalog:
    """Each table's primary key and identity column (what ``ON CONFLICT`` and ``lastrowid`` need)."""

    def __init__(self, raw: psycopg.Connection):
        self.keys: dict[str, tuple[str, ...]] = {}
        self.identity: dict[str, str] = {}
        with raw.cursor() as cur:
            cur.execute(
                "SELECT tc.table_name, kcu.column_name FROM information_schema.table_constraints tc"
                " JOIN information_schema.key_column_usage kcu ON kcu.constraint_name = tc.constraint_name"
                " AND kcu.table_schema = tc.table_schema WHERE tc.constraint_type = 'PRIMARY KEY'"
                " AND tc.table_schema = current_schema() ORDER BY tc.table_name, kcu.ordinal_position")
            for table, column in cur.fetchall():
                self.keys[table] = (*self.keys.get(table, ()), column)
            cur.execute("SELECT table_name, column_name FROM information_schema.columns"
                        " WHERE table_schema = current_schema() AND is_identity = 'YES' AND column_name <> 'rowid'")
            self.identity = {t: c for t, c in cur.fetchall()}


_CATALOGS: dict[tuple[str, frozenset[str]], _Catalog] = {}  # by database and its applied migrations


class PgConnection:
    """A psycopg connection with the interface of ``sqlite3.Connection`` the store modules use."""

    dialect = POSTGRES

    def __init__(self, raw: psycopg.Connection, label: str):
        self.raw = raw
        self.label = label
        self.schema: frozenset[str] = frozenset()  # the migrations applied (set by opis.store.migrations)
        self._catalog: _Catalog | None = None
        raw.adapters.register_loader("numeric", _NumericLoader)
        raw.row_factory = _row_factory

    # transactions, as Python's sqlite3 module: a write begins one when none is open
    @property
    def in_transaction(self) -> bool:
        """Whether a transaction is open."""
        return self.raw.info.transaction_status in (pq.TransactionStatus.INTRANS, pq.TransactionStatus.INERROR)

    def commit(self) -> None:
        """Commit the open transaction, if any."""
        if self.in_transaction:
            with _server_errors():
                self.raw.execute("COMMIT")

    def rollback(self) -> None:
        """Roll back the open transaction, if any."""
        if self.in_transaction and not self.raw.closed:
            with _server_errors():
                self.raw.execute("ROLLBACK")

    def __enter__(self) -> PgConnection:
        """``with conn:`` — the block's statements are committed at its end, or rolled back."""
        return self

    def __exit__(self, kind, *exc: object) -> None:
        """Commit, or roll back when the block raised."""
        if kind is None:
            self.commit()
        else:
            self.rollback()

    def close(self) -> None:
        """Close the connection."""
        self.raw.close()

    def forget_catalog(self) -> None:
        """Read the tables' keys again at the next statement that needs them (after a migration)."""
        self._catalog = None
        _CATALOGS.pop((self.label, self.schema), None)

    @property
    def catalog(self) -> _Catalog:
        """The tables' keys and identity columns (read once per database and process)."""
        if self._catalog is None:
            key = (self.label, self.schema)
            self._catalog = _CATALOGS.get(key)
            if self._catalog is None:
                self._catalog = _CATALOGS[key] = _Catalog(self.raw)
        return self._catalog

    def _sql(self, t: Translated) -> str:
        sql = t.sql
        if t.conflict is not None:
            how, table, cols = t.conflict
            key = self.catalog.keys.get(table, ())
            if how == "ignore" or not key:
                clause = " ON CONFLICT DO NOTHING"
            else:
                sets = ", ".join(f"{c} = EXCLUDED.{c}" for c in cols if c not in key)
                clause = f" ON CONFLICT ({', '.join(key)}) " + (f"DO UPDATE SET {sets}" if sets else "DO NOTHING")
            sql += clause
        return sql

    @staticmethod
    def _params(t: Translated, params: Iterable[Any] | None) -> tuple:
        values = tuple(params or ())
        if t.limits:
            values = tuple(None if i in t.limits and isinstance(v, int) and v < 0 else v
                           for i, v in enumerate(values))
        return values

    def _begin_if_writing(self, sql: str) -> None:
        if not self.in_transaction and re.match(r"\s*(INSERT|UPDATE|DELETE|WITH)\b", sql, re.I):
            self.raw.execute("BEGIN")

    def execute(self, sql: str, params: Iterable[Any] | None = None) -> PgCursor:
        """Run one statement (SQLite's SQL, ``?`` placeholders); a cursor over its result."""
        t = translate(sql)
        text = self._sql(t)
        identity = self.catalog.identity.get(t.insert_into) if t.insert_into and not t.returning else None
        if identity:
            text += f" RETURNING {identity}"
        with _server_errors():
            self._begin_if_writing(text)
            cur = self.raw.cursor()
            cur.execute(text, self._params(t, params))
            lastrowid = None
            if identity:
                row = cur.fetchone()
                lastrowid = row[0] if row else None
        return PgCursor(cur, lastrowid)

    def executemany(self, sql: str, seq: Iterable[Iterable[Any]]) -> PgCursor:
        """Run one statement for each set of parameters. An ``INSERT … VALUES (…)`` (not one that
        replaces) is sent as one statement of many rows, MANY_ROWS at a time: one round trip, and
        the statement triggers of the table fire once."""
        t = translate(sql)
        text = self._sql(t)
        rows = [self._params(t, p) for p in seq]
        if not rows:
            return PgCursor(None)
        values = _VALUES.search(t.sql) if t.insert_into and not t.returning and (
            t.conflict is None or t.conflict[0] == "ignore") else None
        with _server_errors():
            self._begin_if_writing(text)
            cur = self.raw.cursor()
            if values is None or len(rows) == 1:
                cur.executemany(text, rows)
                return PgCursor(cur)
            head, group, tail = text[:values.start(1)], values.group(1), text[values.end(1):]
            for i in range(0, len(rows), MANY_ROWS):
                chunk = rows[i : i + MANY_ROWS]
                cur.execute(head + ", ".join([group] * len(chunk)) + tail, [v for row in chunk for v in row])
        return PgCursor(cur)

    def executescript(self, sql: str) -> None:
        """Run a script of several statements as it is (PostgreSQL's own SQL, no parameters)."""
        with _server_errors():
            self.raw.execute(sql.encode())

    def execute_raw(self, sql: str, params: Sequence[Any] = ()) -> None:
        """Run PostgreSQL's own SQL (``%s`` placeholders), untranslated."""
        with _server_errors():
            self.raw.execute(sql, params)


# --- connecting ---------------------------------------------------------------------------
def connect_error(url: str, exc: BaseException) -> StoreError:
    """One line for a database that cannot be reached or opened, naming it without its password."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    text = text.replace(url, redact(url))
    hint = "; create it first (createdb NAME)" if "does not exist" in text else ""
    return StoreError(f"cannot connect to PostgreSQL ({text[:300]}){hint}", redact(url))


def connect(url: str) -> psycopg.Connection:
    """A new psycopg connection to ``url`` (autocommit, client-side parameter binding)."""
    try:
        return psycopg.connect(url, autocommit=True, connect_timeout=CONNECT_TIMEOUT,
                               cursor_factory=psycopg.ClientCursor)
    except (psycopg.Error, ValueError) as exc:
        raise connect_error(url, exc) from None


_POOLS: dict[str, Any] = {}
_POOLS_LOCK = threading.Lock()


def _configure(raw: psycopg.Connection) -> None:
    raw.autocommit = True


def pool(url: str):
    """The connection pool of this process for ``url`` (one per database; psycopg_pool)."""
    from psycopg_pool import ConnectionPool

    with _POOLS_LOCK:
        p = _POOLS.get(url)
        if p is None:
            p = ConnectionPool(url, min_size=1, max_size=POOL_MAX, open=False, configure=_configure,
                               check=ConnectionPool.check_connection,
                               kwargs={"autocommit": True, "connect_timeout": CONNECT_TIMEOUT,
                                       "cursor_factory": psycopg.ClientCursor}, name="opis")
            try:
                p.open(wait=True, timeout=CONNECT_TIMEOUT)
            except Exception as exc:  # (the pool's own timeout error names no cause)
                p.close()
                try:
                    connect(url).close()  # the server's own message
                except StoreError:
                    raise
                raise connect_error(url, exc) from None
            _POOLS[url] = p
        return p


def close_pools(url: str | None = None) -> None:
    """Close the pool of ``url`` (default: every pool of this process; a server at shutdown)."""
    with _POOLS_LOCK:
        for key in [k for k in _POOLS if url is None or k == url]:
            _POOLS.pop(key).close()


def connection_budget(url: str) -> int:
    """How many connections clients like opis may open to the database of ``url`` at once: the
    server's ``max_connections`` less those kept for superusers, and no more than the database's
    and the role's own ``CONNECTION LIMIT`` (when set)."""
    with connect(url) as conn:
        row = conn.execute(
            "SELECT current_setting('max_connections')::int - current_setting('superuser_reserved_connections')::int,"
            " (SELECT datconnlimit FROM pg_database WHERE datname = current_database()),"
            " (SELECT rolconnlimit FROM pg_roles WHERE rolname = current_user)").fetchone()
    return min(n for n in row if n is not None and n >= 0)
