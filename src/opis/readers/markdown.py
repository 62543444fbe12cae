"""Markdown reader: the text as written; the layout recognisers read its markup
(headings, ``**bold**`` labels, ``<sup>`` footnote markers) and clean it."""

from __future__ import annotations

from pathlib import Path

from opis.readers import ReadOptions
from opis.readers.base import RawDocument
from opis.readers.encoding import decode


def read(path: Path, data: bytes, options: ReadOptions) -> RawDocument:
    """Read a Markdown file's text, decoded and with Unix line ends."""
    decoded = decode(data, str(path))
    text = decoded.text.replace("\r\n", "\n").replace("\r", "\n")
    return RawDocument(
        path=str(path), sha256="", format="markdown",
        reader=__name__, text=text, warnings=[decoded.warning] if decoded.warning else [],
    )
