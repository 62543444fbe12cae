"""Citation exports of a record: ``export(record, fmt)`` for every format opis writes.

``record`` is the record JSON (``Document.to_dict()`` / ``opis show --json``). One module per
format; each has ``render(record) -> str``.
"""

from __future__ import annotations

import importlib
from typing import Any

from opis.errors import OpisError

#: the export formats offered (``json-ld`` is also accepted, as another name of ``json``)
NAMES: tuple[str, ...] = ("chicago", "bibtex", "ris", "csl-json", "tei", "json")
FORMATS: dict[str, str] = {
    "chicago": "opis.export.chicago",
    "bibtex": "opis.export.bibtex",
    "ris": "opis.export.ris",
    "csl-json": "opis.export.csl",
    "tei": "opis.export.tei",
    "json": "opis.export.jsonld",
    "json-ld": "opis.export.jsonld",
}


class ExportError(OpisError):
    """An unknown export format."""


def export(record: dict[str, Any], fmt: str) -> str:
    """The record rendered in ``fmt`` (chicago, bibtex, ris, csl-json, tei, json)."""
    mod = FORMATS.get(fmt.lower())
    if mod is None:
        raise ExportError(f"unknown export format {fmt!r} (choose from {', '.join(sorted(FORMATS))})")
    return importlib.import_module(mod).render(record)
