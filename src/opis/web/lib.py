"""What the web layer adds to :class:`opis.Archive`: searches behind the server's search gate.
Everything else the pages and the API call is a method of the request's archive (:func:`opis.web.settings.get_archive`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from opis.archive import Archive
from opis.web.gate import gate


def search(archive: Archive, query: str, limit: int = 10, offset: int = 0, exact: bool = False,
           within: Iterable[str] | None = None, mode: str = "words") -> dict[str, Any]:
    """A search run whole behind the database's search gate (:mod:`opis.web.gate`), in a read
    snapshot that begins inside the gate (a request's earlier snapshot is ended first);
    ``within``: only among these document ids."""
    with gate(archive.path).hold():
        archive.store.renew_read()
        return archive.search(query, limit=limit, offset=offset, exact=exact, within=within,
                              mode=mode).to_dict()


def related(archive: Archive, doc_id: str, limit: int = 10) -> list[dict[str, Any]]:
    """The related documents of ``doc_id`` as JSON-ready data, found behind the search gate (the
    passages embedded first when the store changed)."""
    with gate(archive.path).hold():
        archive.store.renew_read()
        return [r.to_dict() for r in archive.related(doc_id, limit=limit)]
