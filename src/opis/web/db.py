"""Request-scoped database access for the web server: a pool of store connections.

Every request leases one :class:`~opis.store.Store` for its whole duration and gives it back at
the end, so no connection is ever used by two requests at once, whichever worker threads
FastAPI runs the dependency and the handler in. Stores are opened with ``any_thread=True`` for
that reason (a connection may move between threads as long as one thread uses it at a time,
which the lease guarantees).

A read request (GET/HEAD) runs in one read transaction: it sees one committed state of the
database from its first query to its last, while an ``opis ingest`` in another process writes
(WAL mode: readers never wait for the writer, and the writer never waits for readers). A
server started without ``--allow-write`` opens its stores read-only (``query_only``), so no
page or API call can write into the database even by mistake.

The database is checked and migrated once, when the app is created
(:meth:`opis.web.settings.Settings.make`); a read-only server's connections never migrate, so
opening one never needs the write lock an ingest holds.
"""

from __future__ import annotations

import queue
from collections.abc import Iterator
from contextlib import contextmanager

from opis.store import Store

DEFAULT_IDLE = 64  # connections kept open between requests (more than FastAPI's 40 worker threads)


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
        self._idle: queue.LifoQueue[Store] = queue.LifoQueue()  # warmest connection first

    def _take(self) -> Store:
        try:
            return self._idle.get_nowait()
        except queue.Empty:
            # verified once when the app was created (Settings.make); not again per connection
            return Store(self.path, verify=False, readonly=self.read_only, any_thread=True)

    def _give_back(self, store: Store) -> None:
        if getattr(store, "shadowed", None):  # (a request that ended before closing its reader's archive)
            from opis.store import visibility

            try:
                visibility.remove(store)
            except Exception:  # noqa: BLE001 - a connection that cannot be cleaned is not reused
                store.close()
                return
        if not store.end_read():  # a broken connection is dropped; a new one is opened when needed
            return
        if self._idle.qsize() >= self.idle:
            store.close()
            return
        self._idle.put(store)

    @contextmanager
    def lease(self, read: bool = True) -> Iterator[Store]:
        """A store for one request; ``read``: inside one read transaction (one snapshot)."""
        store = self._take()
        try:
            if read:
                store.begin_read()
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
            store.close()
