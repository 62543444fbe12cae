"""The built-in export formats: the one list of them (the CLI, the API, the Cite panel and
:meth:`opis.Archive.export` all read it through the hook)."""

from __future__ import annotations

import importlib
from collections.abc import Callable

from opis.export import Exporter
from opis.hookspecs import hookimpl
from opis.model import Document

# name -> (module with render(doc), media type, file extension, label, other names)
FORMATS = {
    "chicago": ("chicago", "text/plain; charset=utf-8", "txt", "Chicago", ()),
    "bibtex": ("bibtex", "application/x-bibtex; charset=utf-8", "bib", "BibTeX", ()),
    "ris": ("ris", "application/x-research-info-systems; charset=utf-8", "ris", "RIS", ()),
    "csl-json": ("csl", "application/vnd.citationstyles.csl+json; charset=utf-8", "json", "CSL-JSON", ()),
    "tei": ("tei", "application/tei+xml; charset=utf-8", "xml", "TEI", ()),
    "json": ("jsonld", "application/ld+json; charset=utf-8", "jsonld", "JSON-LD", ("json-ld",)),
}


def _lazy(module: str) -> Callable[[Document], str]:
    def render(doc: Document) -> str:
        return importlib.import_module(f"opis.export.{module}").render(doc)

    return render


@hookimpl
def register_exporters() -> list[Exporter]:
    """Chicago, BibTeX, RIS, CSL-JSON, TEI and JSON-LD (``json``, also called ``json-ld``)."""
    return [Exporter(name, _lazy(module), media, ext, label, aliases)
            for name, (module, media, ext, label, aliases) in FORMATS.items()]
