"""Readers: one module per format; ``read(path)`` picks one by content, not only by extension.

Each format is a :class:`Reader` registered through the ``register_readers`` hook (the built-ins in
:mod:`opis.plugins_builtin.readers`) with ``read(path: Path, data: bytes, options: ReadOptions) ->
RawDocument`` returning the text of the file; ``read`` here then recognises the page layout
(``opis.readers.layouts``) so every format gets the same record structure.
"""

from __future__ import annotations

import hashlib
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from opis.errors import OpisError, ReadError, UnsupportedFormat
from opis.readers.base import RawDocument, RawNote, sha256_file
from opis.readers.datafiles import data_kind
from opis.readers.encoding import decode

__all__ = ["RawDocument", "RawNote", "ReadOptions", "Reader", "read", "readers", "sniff_format", "sha256_file"]

TEXT_SUFFIXES = {".txt", ".text", ""}
MARKDOWN_SUFFIXES = {".md", ".markdown"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}


@dataclass
class ReadOptions:
    """How to read files: size, time and memory limits, worker isolation, OCR languages, progress display."""

    max_bytes: int = 200 * 1024 * 1024  # per-file size limit
    timeout: float = 600.0  # per-file time limit in seconds for reading and extraction
    memory_mb: int | None = 2048  # per-file memory cap (MB) of the worker process that reads a file
    isolate: bool = True  # ingest each file in a worker process killed at the time and memory limits
    ocr_lang: str | None = None  # force Tesseract languages, e.g. "rus+eng"
    progress: bool = False  # per-page progress bar for long files


@dataclass(frozen=True)
class Reader:
    """A file format: its name (``RawDocument.format``), what messages call it, the function that
    reads a file of it and, for a format opis's own sniffing does not know, ``sniff(path, head)``
    saying whether a file (its path and first 8 KiB) is of this format."""

    name: str
    label: str
    read: Callable[[Path, bytes, ReadOptions], RawDocument]
    sniff: Callable[[Path, bytes], bool] | None = None


def readers() -> dict[str, Reader]:
    """Every registered reader by format name, the built-ins first."""
    from opis.plugins import by_name, get_plugin_manager

    return by_name(get_plugin_manager().hook.register_readers())


# what a file named with one of these suffixes must be, by its content
SUFFIX_FORMATS = {
    ".pdf": "pdf", ".docx": "docx", ".odt": "odt", ".png": "image", ".jpg": "image", ".jpeg": "image",
    ".tif": "image", ".tiff": "image", ".gif": "image", ".webp": "image",
}
# ZIP containers that are not documents: (member that marks them, what they are)
ZIP_DATA = (("xl/workbook.xml", "a spreadsheet (XLSX)"), ("ppt/presentation.xml", "a presentation (PPTX)"))
ODF_MIMETYPES = {
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.spreadsheet": "a spreadsheet (ODS)",
    b"application/vnd.oasis.opendocument.presentation": "a presentation (ODP)",
}


def sniff_format(path: Path, head: bytes) -> str:
    """Decide the format from the content (first bytes, ZIP members), not from the file name.

    The extension only tells HTML and Markdown from plain text; a file named ``.pdf``, ``.docx``,
    ``.odt`` or as an image whose content is something else is refused with a ``ReadError``.
    """
    available = readers()
    for reader in available.values():  # a plugin's format, claimed by its own sniffer
        if reader.sniff is not None and reader.sniff(path, head):
            return reader.name
    fmt = _sniff_content(path, head)
    expected = SUFFIX_FORMATS.get(path.suffix.lower())
    if expected and fmt != expected and fmt in ("text", "markdown", "html"):
        raise ReadError(
            f"named {path.suffix} but is not a {available[expected].label} file "
            f"(its content is {available[fmt].label})",
            str(path),
        )
    return fmt


def _sniff_content(path: Path, head: bytes) -> str:
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"\x89PNG") or head.startswith(b"\xff\xd8\xff"):
        return "image"
    if head[:4] in (b"II*\x00", b"MM\x00*") or head[:6] in (b"GIF87a", b"GIF89a"):
        return "image"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image"
    if head.startswith(b"PK\x03\x04"):
        return _sniff_zip(path)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):  # OLE2: legacy .doc/.xls or encrypted OOXML
        if "EncryptedPackage".encode("utf-16-le") in head or b"E\x00n\x00c\x00r\x00y\x00p\x00t" in head:
            raise ReadError("encrypted Office document: it needs a password to open", str(path))
        if "Workbook".encode("utf-16-le") in head or "Book".encode("utf-16-le") in head:
            raise UnsupportedFormat("looks like a spreadsheet (XLS), not a document", str(path))
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


def _sniff_zip(path: Path) -> str:
    from opis.readers.zipsafe import read_member

    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            if "word/document.xml" in names:
                return "docx"
            for member, what in ZIP_DATA:
                if member in names:
                    raise UnsupportedFormat(f"looks like {what}, not a document", str(path))
            if "mimetype" in names:
                mimetype = read_member(zf, "mimetype", str(path), 200).strip()
                kind = ODF_MIMETYPES.get(mimetype)
                if kind == "odt":
                    return "odt"
                if kind:
                    raise UnsupportedFormat(f"looks like {kind}, not a document", str(path))
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, NotImplementedError, RuntimeError) as exc:
        raise ReadError(f"corrupt ZIP container ({exc})", str(path)) from exc
    raise UnsupportedFormat("ZIP archive that is neither DOCX nor ODT", str(path))


def _is_utf16(head: bytes) -> bool:
    return head.startswith((b"\xff\xfe", b"\xfe\xff"))


def decode_text(data: bytes, path: str) -> str:
    """Decode a text file's bytes (UTF-8, UTF-16/32 with BOM, else detected); ReadError if not text.

    Readers that can report a doubtful guess use ``opis.readers.encoding.decode`` directly.
    """
    return decode(data, path).text


def describe(exc: BaseException) -> str:
    """A reader failure outside the project's error type, as a short phrase."""
    if isinstance(exc, RecursionError):
        return "nested too deeply to read"
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def read(path: str | Path, options: ReadOptions | None = None, *, data: bytes | None = None,
         sha256: str | None = None) -> RawDocument:
    """Read one file into a RawDocument with its page layout recognised.

    ``data`` (the file's bytes) and ``sha256`` (their hash), when the caller already has them
    (the ingest hashes a file to find duplicates before reading it), spare a second read and a
    second hash."""
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
        if data is None or len(data) != size:
            data, sha256 = p.read_bytes(), None
    except OSError as exc:
        raise ReadError(f"cannot read ({exc.strerror})", str(p)) from exc
    fmt = sniff_format(p, data[:8192])
    reader = readers()[fmt]
    try:
        raw: RawDocument = reader.read(p, data, options)
    except (OpisError, MemoryError):
        raise
    except Exception as exc:  # a library failing on a malformed file: name the file and the problem
        raise ReadError(f"cannot read this {reader.label} file ({describe(exc)})", str(p)) from exc
    if fmt == "text":
        kind = data_kind(raw.text)
        if kind:
            raise UnsupportedFormat(f"looks like {kind} data, not a document", str(p))
    raw.sha256 = raw.sha256 or sha256 or hashlib.sha256(data).hexdigest()
    raw.size = size
    if not raw.text.strip():
        raise ReadError(f"no text found in this {fmt} file", str(p))
    from opis.readers.layouts import recognise

    before = raw.text
    raw = recognise(raw)
    from opis.readers.headings import find_headings

    raw.headings = find_headings(before, raw.text, fmt)
    if not raw.text.strip() and not raw.fields.get("Title"):
        raise ReadError(f"no text found in this {fmt} file (only markup or page furniture)", str(p))
    if raw.pages and raw.text != before:  # keep page offsets valid in the cleaned text
        from opis.readers.paging import remap_pages

        raw.pages = remap_pages(before, raw.text, raw.pages)
    return raw
