"""The record reader: one reader for document pages of archives, whatever their layout.

A page is offered to each registered family in turn (``register_record_families``; the built-ins
below, in this order, are listed in :mod:`opis.plugins_builtin.layouts`); the first that recognises it reads it
into facts (each value with its span in the page and the rule that found it) and a clean body:

* ``digital_archive`` — record pages of a digital archive of translated documents in every form
  they are saved in (current site, oldest site, copies without blank lines, mirrors, Markdown
  with labelled blocks, flattened PDF copies);
* ``frus`` — documents of a documentary edition (numbered heading, source note with the file
  signature and classification);
* ``catalogue`` — catalogue pages of declassified collections and research portals
  ("Label: value" fields, then the text);
* ``cable`` — diplomatic cables with their routing header and "SUBJECT:" line;
* ``noted`` — a heading, the text and a bracketed "[Source: ...]" note;
* ``headed`` — a page that opens (after its site's navigation) with the title and the date.

A further family is one more module with ``read(text) -> RecordPage | None`` added to that list,
or a plugin's :class:`RecordFamily`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from opis.readers.base import PAGE_TEXT_KEY, RawDocument
from opis.readers.layouts.record.common import RecordPage

LAYOUT = "archive_record"


@dataclass(frozen=True)
class RecordFamily:
    """A family of record pages: its name and ``read(text)``, the page's reading or None."""

    name: str
    read: Callable[[str], RecordPage | None]


def families() -> list[RecordFamily]:
    """Every registered family in the order they are tried (plugins first, then the built-ins)."""
    from opis.plugins import get_plugin_manager, ordered

    return ordered(get_plugin_manager().hook.register_record_families())

# raw.fields keys the facts are also shown under (what `opis show` and older code read)
_FIELD_KEYS = {
    "title": "Title", "date": "Date", "summary": "Summary", "citation": "Citation", "url": "URL",
    "record_id": "Record ID", "original_language": "Original Language", "reference": "Reference",
    "classification": "Classification", "funders": "Credits", "funders_list": "Funders", "credits": "Credit line", "rights": "Rights",
}


def read_page(text: str) -> RecordPage | None:
    """The first family's reading of ``text``, or None when no family knows the page."""
    for family in families():
        page = family.read(text)
        if page is not None:
            return page
    return None


def recognise(raw: RawDocument) -> RawDocument | None:
    """Read an archive record page: its facts, fields, body and notes; None when no record family recognises
    it."""
    page = read_page(raw.text)
    if page is None:
        return None
    raw.layout = LAYOUT
    raw.facts = page.sheet.facts
    raw.fields[PAGE_TEXT_KEY] = raw.text
    for name, key in _FIELD_KEYS.items():
        best = page.sheet.best(name)
        if best is not None:
            raw.fields[key] = best.value
    raw.fields["Page family"] = page.family
    raw.fields["Page layout"] = page.kind
    raw.text = page.body
    if page.notes:
        raw.notes = page.notes
    return raw
