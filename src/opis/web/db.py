"""Request-scoped database access for the web server: a pool of store connections.

Every request leases one :class:`~opis.store.Store` for its whole duration and gives it back at
the end, so no connection is ever used by two requests at once, whichever worker threads
FastAPI runs the dependency and the handler in. Connections are opened with
``check_same_thread=False`` for that reason (sqlite3 objects may move between threads as long
as one thread uses them at a time, which the lease guarantees).

A read request (GET/HEAD) runs in one read transaction: it sees one committed state of the
database from its first query to its last, while an ``opis ingest`` in another process writes
(WAL mode: readers never wait for the writer, and the writer never waits for readers). A
server started without ``--allow-write`` also sets ``query_only``, so no page or API call can
write into the database even by mistake.

The database is checked and migrated once, when the app is created
(:meth:`opis.web.settings.Settings.make`); a read-only server's connections never migrate, so
opening one never needs the write lock an ingest holds.
"""

from __future__ import annotations

import queue
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from opis.errors import StoreError
from opis.store import Store

BUSY_TIMEOUT_MS = 30_000  # a write (corrections) waits this long for an ingest's transaction
DEFAULT_IDLE = 64  # connections kept open between requests (more than FastAPI's 40 worker threads)


class PooledStore(Store):
    """A :class:`Store` on a connection any one thread at a time may use (see the module doc).

    The store is opened by :class:`Store` itself (its checks, its attributes, read-only when
    the server is), then its connection is swapped for one that may move between threads: only
    the connection differs, so its methods, and the search engine cached per store object, are
    reused from lease to lease.
    """

    def __init__(self, path: str, read_only: bool):  # noqa: D107 - documented on the class
        # verified once when the app was created (Settings.make); not again per connection
        super().__init__(path, verify=False, readonly=read_only)
        first = self.conn
        try:
            conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
            conn.row_factory = sqlite3.Row
            conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute("PRAGMA synchronous=NORMAL")
            if read_only:
                conn.execute("PRAGMA query_only=ON")
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open database ({exc})", self.path) from exc
        finally:
            first.close()
        self.conn = conn


class StorePool:
    """Connections to one database, each leased to one request at a time.

    A lease never waits: when every open connection is leased, a new one is opened (a request
    waiting for a connection while holding one of the server's worker threads could wait
    forever for a request that needs a thread to finish). At most ``idle`` connections are
    kept open between requests; the rest are closed when given back. The number open at
    once is therefore bounded by the requests in flight (``opis serve`` bounds those).
    """

    def __init__(self, path: str, read_only: bool = True, idle: int = DEFAULT_IDLE):
        self.path = path
        self.read_only = read_only
        self.idle = idle
        self._idle: queue.LifoQueue[PooledStore] = queue.LifoQueue()  # warmest connection first

    def _take(self) -> PooledStore:
        try:
            return self._idle.get_nowait()
        except queue.Empty:
            return PooledStore(self.path, self.read_only)

    def _give_back(self, store: PooledStore) -> None:
        try:
            if store.conn.in_transaction:  # a failed request must not leave its transaction open
                store.conn.rollback()
        except sqlite3.Error:  # a broken connection is dropped; a new one is opened when needed
            store.conn.close()
            return
        if self._idle.qsize() >= self.idle:
            store.conn.close()
            return
        self._idle.put(store)

    @contextmanager
    def lease(self, read: bool = True) -> Iterator[Store]:
        """A store for one request; ``read``: inside one read transaction (one snapshot)."""
        store = self._take()
        try:
            if read and not store.conn.in_transaction:
                store.conn.execute("BEGIN")  # deferred: the snapshot starts at the first read
            yield store
        finally:
            self._give_back(store)

    def close(self) -> None:
        """Close the idle connections (leased ones close when given back after this)."""
        while True:
            try:
                store = self._idle.get_nowait()
            except queue.Empty:
                return
            store.conn.close()
