"""The built-in page layouts and record families, in the order they are tried."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from opis.hookspecs import hookimpl

if TYPE_CHECKING:  # imported when the hooks are first called
    from opis.readers.layouts import Layout
    from opis.readers.layouts.record import RecordFamily

LAYOUTS = ("article", "record")  # the plain layout is the fallback when none accepts
FAMILIES = ("digital_archive", "frus", "catalogue", "cable", "noted", "headed")


@hookimpl
def register_layouts() -> list[Layout]:
    """Journal articles, then archive record pages."""
    from opis.readers.layouts import Layout

    return [Layout(name, importlib.import_module(f"opis.readers.layouts.{name}").recognise) for name in LAYOUTS]


@hookimpl
def register_record_families() -> list[RecordFamily]:
    """The record-page families, most specific first (``headed`` accepts the most pages)."""
    from opis.readers.layouts.record import RecordFamily

    return [RecordFamily(name, importlib.import_module(f"opis.readers.layouts.record.{name}").read)
            for name in FAMILIES]
