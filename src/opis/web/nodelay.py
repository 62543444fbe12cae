"""The HTTP protocol of ``opis serve``: uvicorn's, with ``TCP_NODELAY`` set on every connection.

With ``--workers N`` uvicorn binds the listening socket itself and hands it to the worker
processes; the connections accepted from it carry protocol number 0, and asyncio only turns off
Nagle's algorithm on sockets that say they are TCP. A response then waited for the client's
delayed acknowledgement: about 40 ms added to every request after the first on a kept-alive
connection (measured: a static file 44 ms with two workers, 2 ms with one). Setting the option on
each accepted connection makes both modes answer alike.
"""

from __future__ import annotations

import socket
from contextlib import suppress

from uvicorn.protocols.http.h11_impl import H11Protocol

#: what ``uvicorn.run(http=...)`` is given (an import path: the worker processes import it)
HTTP = "opis.web.nodelay:NoDelayProtocol"


def nodelay(transport) -> None:
    """Turn off Nagle's algorithm on the TCP connection of ``transport`` (others: nothing)."""
    sock = transport.get_extra_info("socket")
    if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
        with suppress(OSError):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class NoDelayProtocol(H11Protocol):
    """uvicorn's h11 protocol with Nagle's algorithm off on its connection."""

    def connection_made(self, transport) -> None:  # type: ignore[override]
        """Turn off Nagle's algorithm on the new connection, then serve it as uvicorn does."""
        nodelay(transport)
        super().connection_made(transport)
