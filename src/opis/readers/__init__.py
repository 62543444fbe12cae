"""Readers: one module per format; ``read(path)`` picks one by content, not only by extension.

Each format module exposes ``read(path: Path, data: bytes, options: ReadOptions) -> RawDocument``
returning the text of the file; ``read`` here then recognises the page layout
(``opis.readers.layouts``) so every format gets the same record structure.
"""

from __future__ import annotations

import hashlib
import importlib
import zipfile
from dataclasses import dataclass
from pathlib import Path

from opis.errors import ReadError, UnsupportedFormat
from opis.readers.base import RawDocument, RawNote, sha256_file

__all__ = ["RawDocument", "RawNote", "ReadOptions", "read", "sniff_format", "sha256_file"]

# format name -> module implementing it
FORMAT_MODULES = {
    "text": "opis.readers.text",
    "markdown": "opis.readers.markdown",
    "html": "opis.readers.html",
    "pdf": "opis.readers.pdf",
    "docx": "opis.readers.docx",
    "odt": "opis.readers.odt",
    "image": "opis.readers.image",
}

TEXT_SUFFIXES = {".txt", ".text", ""}
MARKDOWN_SUFFIXES = {".md", ".markdown"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}


@dataclass
class ReadOptions:
    max_bytes: int = 200 * 1024 * 1024  # per-file size limit
    timeout: float = 600.0  # per-file time limit in seconds (enforced by slow readers: OCR, PDF)
    ocr_lang: str | None = None  # force Tesseract languages, e.g. "rus+eng"
    progress: bool = False  # per-page progress bar for long files


def sniff_format(path: Path, head: bytes) -> str:
    """Decide the format from the first bytes, falling back to the extension for text kinds."""
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"\x89PNG") or head.startswith(b"\xff\xd8\xff"):
        return "image"
    if head[:4] in (b"II*\x00", b"MM\x00*") or head[:6] in (b"GIF87a", b"GIF89a"):
        return "image"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as zf:
                names = set(zf.namelist())
                if "word/document.xml" in names:
                    return "docx"
                if "mimetype" in names and zf.read("mimetype").startswith(
                    b"application/vnd.oasis.opendocument.text"
                ):
                    return "odt"
        except zipfile.BadZipFile as exc:
            raise ReadError(f"corrupt ZIP container ({exc})", str(path)) from exc
        raise UnsupportedFormat("ZIP archive that is neither DOCX nor ODT", str(path))
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):  # OLE2: legacy .doc or encrypted OOXML
        if "EncryptedPackage".encode("utf-16-le") in head or b"E\x00n\x00c\x00r\x00y\x00p\x00t" in head:
            raise ReadError("encrypted Office document: it needs a password to open", str(path))
        raise UnsupportedFormat("legacy Word/Office binary file (.doc): save it as DOCX or PDF", str(path))
    if b"\x00" in head[:4096] and not _is_utf16(head):
        raise ReadError("binary file: not a text, HTML, PDF, DOCX or image file", str(path))
    suffix = path.suffix.lower()
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix in MARKDOWN_SUFFIXES:
        return "markdown"
    sample = head[:2048].lstrip().lower()
    if sample.startswith((b"<!doctype html", b"<html")) or b"<body" in sample:
        return "html"
    return "text"


def _is_utf16(head: bytes) -> bool:
    return head.startswith((b"\xff\xfe", b"\xfe\xff"))


def decode_text(data: bytes, path: str) -> str:
    """Decode bytes as UTF-8 (with or without BOM) or UTF-16 (with BOM); fail with a clear error."""
    if _is_utf16(data):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ReadError(f"undecodable UTF-16 text ({exc.reason} at byte {exc.start})", path) from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        try:
            text = data.decode("cp1251")
        except UnicodeDecodeError:
            raise ReadError(
                f"undecodable text: not UTF-8 ({exc.reason} at byte {exc.start})", path
            ) from exc
        # cp1251 decodes almost anything; accept it only when it yields mostly letters.
        letters = sum(ch.isalpha() or ch.isspace() for ch in text)
        if letters / max(len(text), 1) < 0.85:
            raise ReadError(
                f"undecodable text: not UTF-8 ({exc.reason} at byte {exc.start})", path
            ) from exc
        return text


def read(path: str | Path, options: ReadOptions | None = None) -> RawDocument:
    """Read one file into a RawDocument with its page layout recognised."""
    options = options or ReadOptions()
    p = Path(path).absolute()
    if not p.exists():
        raise ReadError("no such file", str(p))
    if p.is_dir():
        raise ReadError("is a directory, not a file", str(p))
    size = p.stat().st_size
    if size == 0:
        raise ReadError("empty file", str(p))
    if size > options.max_bytes:
        raise ReadError(f"file is {size:,} bytes, over the {options.max_bytes:,}-byte limit", str(p))
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise ReadError(f"cannot read ({exc.strerror})", str(p)) from exc
    fmt = sniff_format(p, data[:8192])
    module = importlib.import_module(FORMAT_MODULES[fmt])
    raw: RawDocument = module.read(p, data, options)
    raw.sha256 = raw.sha256 or hashlib.sha256(data).hexdigest()
    raw.size = size
    if not raw.text.strip():
        raise ReadError(f"no text found in this {fmt} file", str(p))
    from opis.readers.layouts import recognise

    before = raw.text
    raw = recognise(raw)
    if raw.pages and raw.text != before:  # keep page offsets valid in the cleaned text
        from opis.readers.paging import remap_pages

        raw.pages = remap_pages(before, raw.text, raw.pages)
    return raw
