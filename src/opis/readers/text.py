"""Plain-text reader."""

from __future__ import annotations

from pathlib import Path

from opis.readers import ReadOptions
from opis.readers.base import RawDocument
from opis.readers.encoding import decode


def read(path: Path, data: bytes, options: ReadOptions) -> RawDocument:
    """Read a plain text file, decoded and with Unix line ends."""
    decoded = decode(data, str(path))
    text = decoded.text.replace("\r\n", "\n").replace("\r", "\n")
    return RawDocument(
        path=str(path), sha256="", format="text",
        reader=__name__, text=text, warnings=[decoded.warning] if decoded.warning else [],
    )
