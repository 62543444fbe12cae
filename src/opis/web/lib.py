"""What the web layer adds to :class:`opis.Archive`: searches behind the server's search gate,
and the media types of the export formats. Everything else the pages and the API call is a
method of the request's archive (:func:`opis.web.settings.get_archive`)."""

from __future__ import annotations

from typing import Any

from opis.archive import Archive
from opis.web.gate import gate

# format (each of opis.export.NAMES) -> (media type, file extension, label on the Cite panel)
EXPORT_FORMATS = {
    "chicago": ("text/plain; charset=utf-8", "txt", "Chicago"),
    "bibtex": ("application/x-bibtex; charset=utf-8", "bib", "BibTeX"),
    "ris": ("application/x-research-info-systems; charset=utf-8", "ris", "RIS"),
    "csl-json": ("application/vnd.citationstyles.csl+json; charset=utf-8", "json", "CSL-JSON"),
    "tei": ("application/tei+xml; charset=utf-8", "xml", "TEI"),
    "json": ("application/ld+json; charset=utf-8", "jsonld", "JSON-LD"),
}


def search(archive: Archive, query: str, limit: int = 10, offset: int = 0, exact: bool = False) -> dict[str, Any]:
    """A search run whole behind the database's search gate (:mod:`opis.web.gate`), in a read
    snapshot that begins inside the gate (a request's earlier snapshot is ended first)."""
    with gate(archive.path).hold():
        archive.store.renew_read()
        return archive.search(query, limit=limit, offset=offset, exact=exact).to_dict()
