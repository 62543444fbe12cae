"""One search at a time per database, across the threads and worker processes of the server.

A search first brings the search index in step with the store (``opis.search.get_backend``):
it replays the changes an ingest has written since, which needs the index's single writer, and
it compares the index's recorded state with the change number its own read snapshot sees. Two
requests doing this at once fight over the writer lock (a search then failed with "the search
index is locked"), and a request whose snapshot began before another request brought the index
further in step took the index for newer than the database and rebuilt it.

The gate runs each search whole (snapshot, sync, query) while holding a lock: a thread lock in
the process and an ``flock`` on ``DB.search.lock`` between the processes of ``--workers N``.
The snapshot of a search therefore always begins after the last one ended, so it never sees an
index state newer than itself. A search takes milliseconds on a sample corpus; requests that are
not searches never wait for the gate.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

try:
    import fcntl
except ImportError:  # not POSIX: the thread lock alone (one process)
    fcntl = None  # type: ignore[assignment]

_GATES: dict[str, Gate] = {}
_GATES_LOCK = threading.Lock()


class Gate:
    """The lock of one database's searches (see the module docstring)."""

    def __init__(self, db_path: str):
        self.path = os.path.abspath(db_path) + ".search.lock"
        self._thread = threading.Lock()
        self._fd: int | None = None
        self._pid = -1

    def _file(self) -> int | None:
        if fcntl is None:
            return None
        if self._fd is None or self._pid != os.getpid():  # a forked worker opens its own
            try:
                self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            except OSError:  # a read-only directory: only this process's threads are serialised
                self._fd = None
            self._pid = os.getpid()
        return self._fd

    @contextmanager
    def hold(self) -> Iterator[None]:
        """Hold the gate for one search: the thread lock, and the ``flock`` between processes when the lock
        file can be opened."""
        with self._thread:
            fd = self._file()
            if fd is not None:
                fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                yield
            finally:
                if fd is not None:
                    fcntl.flock(fd, fcntl.LOCK_UN)


def gate(db_path: str) -> Gate:
    """The gate of the database at ``db_path`` (one per process and database)."""
    key = os.path.abspath(db_path)
    with _GATES_LOCK:
        found = _GATES.get(key)
        if found is None:
            found = _GATES[key] = Gate(db_path)
        return found
