"""The store on a PostgreSQL server: :class:`~opis.store.sqlite.Store` with a server connection.

Everything a store does (records, derived rows, the change journal, corrections, accounts,
uploads) is the same code as on SQLite; only opening, closing, beginning a write and refusing
writes differ, and they are here. Writes are serialised between processes by one advisory
lock taken at the start of each write transaction — the one-writer rule of SQLite, which the
derived counts rely on — while reads never wait. A read snapshot (``begin_read``, a search) is a
``REPEATABLE READ`` transaction.

The search index of a PostgreSQL store is a local replica (tantivy) in ``index`` /
``OPIS_INDEX``, by default ``~/.cache/opis/index/<host>-<database>-<hash>``: each machine keeps
its own, in step with the change journal (:mod:`opis.search.tantivy_index`).
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from opis.errors import OpisError, StoreError
from opis.store.engine import redact, url_key
from opis.store.migrations import migrate
from opis.store.postgres import PgConnection, connect, pool
from opis.store.sqlite import Store

WRITE_LOCK = 0x6F706973  # the advisory lock of writers ("opis")


def default_index(url: str) -> Path:
    """The search index replica of a PostgreSQL database on this machine: ``OPIS_INDEX``, else a
    folder under ``~/.cache/opis/index`` named after the URL (without its password)."""
    if os.environ.get("OPIS_INDEX"):
        return Path(os.environ["OPIS_INDEX"])
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "opis" / "index" / url_key(url)


class PostgresStore(Store):
    """The store on PostgreSQL (``Store("postgresql://…")`` makes one). ``any_thread=True`` leases
    its connection from the process's pool for the URL (a web server's readers) and gives it back
    on :meth:`close`; ``verify`` has nothing to check (the server keeps its files sound)."""

    def __init__(self, path: str | Path, verify: bool | None = None, readonly: bool = False,
                 any_thread: bool = False, index: str | Path | None = None):
        self.url = str(path)
        self.path = redact(self.url)
        self.readonly = readonly
        self.corrupt: str | None = None
        self._batched = False
        self.index_path = Path(index) if index is not None else default_index(self.url)
        self._pool = pool(self.url) if any_thread else None
        raw = self._pool.getconn() if self._pool is not None else connect(self.url)
        self.conn = PgConnection(raw, self.path)
        try:
            self._open()
        except OpisError:
            self.close()
            raise
        except sqlite3.Error as exc:
            self.close()
            raise StoreError(f"cannot open the database ({str(exc)[:200]})", self.path) from exc

    def _open(self) -> None:
        self.conn.execute_raw("SET default_transaction_read_only = " + ("on" if self.readonly else "off"))
        if not self.readonly:
            migrate(self.conn)

    def close(self) -> None:
        """Give the connection back to the pool (or close it)."""
        raw = self.conn.raw if hasattr(self, "conn") else None
        if raw is None:
            return
        if self._pool is not None:
            try:
                self.conn.rollback()
            except sqlite3.Error:
                raw.close()
            self._give_back(raw)
            return
        raw.close()

    def _give_back(self, raw) -> None:
        try:
            self._pool.putconn(raw)
        except (ValueError, OSError):  # its pool was closed meanwhile
            raw.close()

    def _reconnect(self) -> None:
        """Outside a transaction, replace a connection the server has closed (a restart, an
        administrator's kill, a network cut) by a new one: nothing is lost between transactions."""
        raw = self.conn.raw
        if self.conn.in_transaction:
            return
        if not raw.closed and not raw.broken:
            try:
                raw.execute("SELECT 1")
                return
            except Exception:  # (any failure here means: the connection is gone)
                pass
        if self._pool is not None:
            self._give_back(raw)
            self._pool = pool(self.url)  # (the same pool, unless it was closed meanwhile)
            fresh = self._pool.getconn()
        else:
            raw.close()
            fresh = connect(self.url)
        self.conn = PgConnection(fresh, self.path)
        self.conn.execute_raw("SET default_transaction_read_only = " + ("on" if self.readonly else "off"))

    def begin_read(self) -> None:
        """Begin a read snapshot (REPEATABLE READ) unless a transaction is open (a connection the
        server closed since its last use is replaced first)."""
        if not self.conn.in_transaction:
            if self._pool is not None:
                self._reconnect()
            self.conn.execute_raw("BEGIN ISOLATION LEVEL REPEATABLE READ")

    def renew_read(self) -> None:
        """End an open read transaction and begin a new snapshot."""
        if self.conn.in_transaction:
            self.conn.rollback()
            self.begin_read()

    def _begin_write(self) -> None:
        if not self.conn.in_transaction:
            self.conn.execute_raw("BEGIN")
        self.conn.execute_raw("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))

    def _refuse_writes(self) -> None:
        try:
            self.conn.rollback()
            self.conn.execute_raw("SET default_transaction_read_only = on")
        except sqlite3.Error:
            pass
