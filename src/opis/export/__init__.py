"""Exports of a document (``export(doc, fmt)``) or of many (``export_all(docs, fmt)``) in every
format opis writes.

``doc`` is an :class:`opis.model.Document` (as :meth:`opis.Archive.get` returns it). Each format
is an :class:`Exporter` registered through the ``register_exporters`` hook; the built-ins (one
module per format, each with ``render(doc) -> str``) are listed in
:mod:`opis.plugins_builtin.exporters`, the one list the CLI, the API, the Cite panel and
:meth:`opis.Archive.export` all read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from opis.errors import OpisError
from opis.model import Document


@dataclass(frozen=True)
class Exporter:
    """An export format: its name, ``render(doc) -> str`` (``doc`` an :class:`opis.model.Document`),
    the media type and file extension the web serves it with, its label on the Cite panel and
    other names it is accepted under. ``render_all(docs) -> {file name: text}`` exports many
    documents at once (None: the format exports one document at a time); ``render_html(doc)``
    gives the citation as HTML for the Cite panel (the source's emphasis as ``<em>``);
    ``citation`` is False for data exports (GeoJSON, CSV) that the Cite panel leaves out."""

    name: str
    render: Callable[[Document], str]
    media_type: str = "text/plain; charset=utf-8"
    extension: str = "txt"
    label: str = ""
    aliases: tuple[str, ...] = ()
    render_all: Callable[[Iterable[Document]], dict[str, str]] | None = None
    render_html: Callable[[Document], str] | None = None
    citation: bool = True


class ExportError(OpisError):
    """An unknown export format."""


def exporters() -> dict[str, Exporter]:
    """Every registered export format by name, the built-ins first."""
    from opis.plugins import by_name, get_plugin_manager

    return by_name(get_plugin_manager().hook.register_exporters())


def names() -> tuple[str, ...]:
    """The names of the export formats offered (each also accepted in any letter case)."""
    return tuple(exporters())


def get_exporter(fmt: str) -> Exporter:
    """The exporter of ``fmt`` (a name or another name of one); ExportError if there is none."""
    available = exporters()
    key = fmt.lower()
    found = available.get(key) or next((e for e in available.values() if key in e.aliases), None)
    if found is None:
        accepted = sorted([*available, *(a for e in available.values() for a in e.aliases)])
        raise ExportError(f"unknown export format {fmt!r} (choose from {', '.join(accepted)})")
    return found


def export(doc: Document | dict[str, Any], fmt: str) -> str:
    """The document rendered in ``fmt`` (one of :func:`names`: chicago, bibtex, ris, csl-json,
    tei, json, and any a plugin adds). A record JSON (``Document.to_dict()``, ``opis show
    --json``) is read into a Document first."""
    exporter = get_exporter(fmt)
    return exporter.render(Document.from_dict(doc) if isinstance(doc, dict) else doc)


def export_all(docs: Iterable[Document], fmt: str) -> dict[str, str]:
    """Many documents in ``fmt``, as ``{file name: text}`` (one file, or one per table for CSV).
    ExportError for a format that exports one document at a time (TEI, JSON-LD)."""
    exporter = get_exporter(fmt)
    if exporter.render_all is None:
        raise ExportError(f"the {exporter.name} export takes one document at a time (give its id)")
    return exporter.render_all(docs)
