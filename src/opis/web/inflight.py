"""How many requests one server process works on at once, on a PostgreSQL store.

Each request leases one store, and on PostgreSQL each store holds one connection of the
process's pool (:mod:`opis.web.db`, :func:`opis.store.postgres.pool`). Unbounded, ``opis serve
--workers N`` under a heavy load opens up to N × 64 connections, past PostgreSQL's
``max_connections`` (100 by default): the server refuses the rest ("too many clients") and
requests fail. :class:`InFlight` lets at most ``limit`` requests of a process in at once; the
others wait their turn in the event loop, holding neither a thread nor a connection, so none
fails and none waits inside the pool (where a request holding a thread could wait for one that
needs a thread to finish). :func:`limit_for` shares the database's connections between the
processes. A SQLite store has no such limit: its connections are files opened in the process.
"""

from __future__ import annotations

import asyncio
from typing import Any

RESERVED = 10  # connections left for everything else: `opis worker` processes, the CLI, psql
PER_PROCESS = 6  # connections a server process holds besides its requests' (the upload queue, the search index)
MOST = 40  # requests in flight per process at most (FastAPI runs sync handlers in 40 threads)
LEAST = 4


def share(budget: int, workers: int) -> int:
    """Requests in flight per process when ``workers`` processes share ``budget`` connections."""
    return max(LEAST, min(MOST, (budget - RESERVED) // max(1, workers) - PER_PROCESS))


def limit_for(db_path: str, workers: int) -> int | None:
    """The per-process limit for a server of ``workers`` processes over ``db_path``; None for
    SQLite (no limit)."""
    from opis.store.engine import is_url

    if not is_url(str(db_path)):
        return None
    from opis.store.postgres import connection_budget

    return share(connection_budget(str(db_path)), workers)


class InFlight:
    """ASGI middleware: at most ``limit`` HTTP requests at once in this process (static files
    pass freely: they touch no database)."""

    def __init__(self, app: Any, limit: int):
        self.app = app
        self.limit = limit
        self._turns: asyncio.Semaphore | None = None  # made in the server's event loop

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope.get("path", "").startswith("/static/"):
            await self.app(scope, receive, send)
            return
        if self._turns is None:
            self._turns = asyncio.Semaphore(self.limit)
        async with self._turns:
            await self.app(scope, receive, send)
