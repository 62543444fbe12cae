"""Page-layout recognisers: decide what kind of page a text is and split it into parts.

They work on text, so they apply to whatever a format reader returned (text, Markdown, HTML,
PDF, DOCX, OCR). Each recogniser module has ``recognise(raw) -> RawDocument | None`` (None:
not this layout); the first that accepts wins; ``plain`` accepts anything.

A recogniser sets ``raw.layout``, fills ``raw.fields`` with the labelled blocks of the page
(``Title``, ``Date``, ``Citation``, ``Summary``, ``Credits``, ``DOI``, ``Abstract`` ...),
replaces ``raw.text`` with the clean body text (no web boilerplate, no rights statements, no
metadata blocks) and, for articles, fills ``raw.notes`` and ``raw.references``.
"""

from __future__ import annotations

import importlib

from opis.readers.base import RawDocument

RECOGNISERS = [
    "opis.readers.layouts.article",
    "opis.readers.layouts.record",
]


def recognise(raw: RawDocument) -> RawDocument:
    for name in RECOGNISERS:
        out = importlib.import_module(name).recognise(raw)
        if out is not None:
            return out
    from opis.readers.layouts import plain

    return plain.recognise(raw)
