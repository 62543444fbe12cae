"""Page-layout recognisers: decide what kind of page a text is and split it into parts.

They work on text, so they apply to whatever a format reader returned (text, Markdown, HTML,
PDF, DOCX, OCR). Each recogniser is a :class:`Layout` registered through the ``register_layouts``
hook (the built-ins, articles then record pages, in :mod:`opis.plugins_builtin.layouts`) with
``recognise(raw) -> RawDocument | None`` (None: not this layout); the first that accepts wins;
``plain`` accepts anything and reads the pages no other layout takes.

A recogniser sets ``raw.layout``, fills ``raw.fields`` with the labelled blocks of the page
(``Title``, ``Date``, ``Citation``, ``Summary``, ``Credits``, ``DOI``, ``Abstract`` ...),
replaces ``raw.text`` with the clean body text (no web boilerplate, no rights statements, no
metadata blocks) and, for articles, fills ``raw.notes`` and ``raw.references``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from opis.readers.base import RawDocument


@dataclass(frozen=True)
class Layout:
    """A page layout: its name and ``recognise(raw)``, the page read in this layout or None."""

    name: str
    recognise: Callable[[RawDocument], RawDocument | None]


def layouts() -> list[Layout]:
    """Every registered layout in the order they are tried (plugins first, then the built-ins)."""
    from opis.plugins import get_plugin_manager, ordered

    return ordered(get_plugin_manager().hook.register_layouts())


def recognise(raw: RawDocument) -> RawDocument:
    """The page read by the first layout that recognises it, else by the plain layout."""
    for layout in layouts():
        out = layout.recognise(raw)
        if out is not None:
            return out
    from opis.readers.layouts import plain

    return plain.recognise(raw)
