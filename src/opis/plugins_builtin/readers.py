"""The built-in file-format readers, imported when a file of their format is first read."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from opis.hookspecs import hookimpl

if TYPE_CHECKING:  # imported when the hook is first called
    from opis.readers import Reader, ReadOptions
    from opis.readers.base import RawDocument

# format name -> (module implementing it, the name of the format in messages)
FORMATS = {
    "text": ("opis.readers.text", "plain text"),
    "markdown": ("opis.readers.markdown", "plain text"),
    "html": ("opis.readers.html", "HTML"),
    "pdf": ("opis.readers.pdf", "PDF"),
    "docx": ("opis.readers.docx", "DOCX"),
    "odt": ("opis.readers.odt", "ODT"),
    "image": ("opis.readers.image", "image"),
}


def _lazy(module_name: str) -> Callable[[Path, bytes, ReadOptions], RawDocument]:
    def read(path: Path, data: bytes, options: ReadOptions) -> RawDocument:
        return importlib.import_module(module_name).read(path, data, options)

    return read


@hookimpl
def register_readers() -> list[Reader]:
    """Text, Markdown, HTML, PDF, DOCX, ODT and images (OCR); told apart by
    :func:`opis.readers.sniff_format`."""
    from opis.readers import Reader

    return [Reader(name, label, _lazy(module)) for name, (module, label) in FORMATS.items()]
