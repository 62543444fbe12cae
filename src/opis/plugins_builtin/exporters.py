"""The built-in export formats: the one list of them (the CLI, the API, the Cite panel and
:meth:`opis.Archive.export` all read it through the hook)."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from opis.export import Exporter
from opis.hookspecs import hookimpl

# name -> (module, media type, file extension, label, other names, many documents at once, a citation)
FORMATS = {
    "chicago": ("chicago", "text/plain; charset=utf-8", "txt", "Chicago", (), True, True),
    "bibtex": ("bibtex", "application/x-bibtex; charset=utf-8", "bib", "BibTeX", (), True, True),
    "ris": ("ris", "application/x-research-info-systems; charset=utf-8", "ris", "RIS", (), True, True),
    "csl-json": ("csl", "application/vnd.citationstyles.csl+json; charset=utf-8", "json", "CSL-JSON", (), True, True),
    "tei": ("tei", "application/tei+xml; charset=utf-8", "xml", "TEI", (), False, True),
    "json": ("jsonld", "application/ld+json; charset=utf-8", "jsonld", "JSON-LD", ("json-ld",), False, True),
    "geojson": ("geojson", "application/geo+json; charset=utf-8", "geojson", "GeoJSON", (), True, False),
    "csv": ("csv", "text/csv; charset=utf-8", "csv", "CSV", (), True, False),
}
# Formats whose module also renders the citation as HTML (the Cite panel).
HTML = {"chicago"}


def _lazy(module: str, function: str) -> Callable[..., Any]:
    def call(arg: Any) -> Any:
        return getattr(importlib.import_module(f"opis.export.{module}"), function)(arg)

    call.__doc__ = f"opis.export.{module}.{function}"
    return call


@hookimpl
def register_exporters() -> list[Exporter]:
    """Chicago, BibTeX, RIS, CSL-JSON, TEI, JSON-LD (``json``, also called ``json-ld``), GeoJSON and CSV."""
    return [Exporter(name, _lazy(module, "render"), media, ext, label, aliases,
                     render_all=_lazy(module, "render_all") if many else None,
                     render_html=_lazy(module, "render_html") if name in HTML else None, citation=cite)
            for name, (module, media, ext, label, aliases, many, cite) in FORMATS.items()]
