"""OpenDocument text (ODT) reader: paragraphs, headings, lists, tables and notes from content.xml.

Same text form as the DOCX reader (``opis.readers.docx``): a blank line between blocks,
``## Heading`` for headings, ``<sup>n</sup>`` note markers and the notes after the body.
"""

from __future__ import annotations

import zipfile
import zlib
from io import BytesIO
from pathlib import Path

from lxml import etree

from opis.errors import ReadError
from opis.readers import ReadOptions
from opis.readers.base import RawDocument, RawNote
from opis.readers.notes_markup import assemble_with_notes
from opis.readers.zipsafe import read_member

TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
MAX_XML_BYTES = 100 * 1024 * 1024


def _t(tag: str) -> str:
    return f"{{{TEXT}}}{tag}"


class _Notes:
    def __init__(self) -> None:
        self.texts: list[tuple[int, str]] = []

    def add(self, note: etree._Element) -> str:
        """Number an inline ODT note, keep its text, and return its ``<sup>n</sup>`` marker."""
        n = len(self.texts) + 1
        body = note.find(_t("note-body"))
        paras = [" ".join(inline(p, None).split()) for p in body.iter(_t("p"), _t("h"))] if body is not None else []
        self.texts.append((n, " ".join(p for p in paras if p)))
        return f"<sup>{n}</sup>"


def inline(el: etree._Element, notes: _Notes | None) -> str:
    """Text of a paragraph/heading: spans, spaces (text:s), tabs, line breaks, note markers."""
    out = [el.text or ""]
    for child in el:
        tag = child.tag
        if tag == _t("s"):
            out.append(" " * int(child.get(_t("c"), "1") or 1))
        elif tag == _t("tab"):
            out.append("\t")
        elif tag == _t("line-break"):
            out.append("\n")
        elif tag == _t("note"):
            if notes is not None:
                out.append(notes.add(child))
        elif tag in (_t("bookmark"), _t("bookmark-start"), _t("bookmark-end"), _t("soft-page-break")):
            pass
        else:
            out.append(inline(child, notes))
        out.append(child.tail or "")
    return "".join(out)


def blocks_of(container: etree._Element, notes: _Notes) -> list[str]:
    """The text blocks of an ODT container: paragraphs, headings as Markdown ``#``, list items, tables,
    sections."""
    blocks: list[str] = []
    for el in container:
        if el.tag == _t("p"):
            text = inline(el, notes).strip()
            if text:
                blocks.append(text)
        elif el.tag == _t("h"):
            text = " ".join(inline(el, notes).split())
            level = int(el.get(_t("outline-level"), "1") or 1)
            if text:
                blocks.append(f"{'#' * min(level + 1, 6)} {text}")
        elif el.tag == _t("list"):
            for item in el.iter(_t("list-item")):
                for p in item:
                    if p.tag in (_t("p"), _t("h")):
                        text = inline(p, notes).strip()
                        if text:
                            blocks.append(text)
        elif el.tag == f"{{{TABLE}}}table":
            rows = []
            for row in el.iter(f"{{{TABLE}}}table-row"):
                cells = [" ".join(" ".join(inline(p, notes).split()) for p in cell.iter(_t("p"))).strip()
                         for cell in row.findall(f"{{{TABLE}}}table-cell")]
                if any(cells):
                    rows.append("\t".join(cells))
            if rows:
                blocks.append("\n".join(rows))
        elif el.tag in (_t("section"), _t("index-body")):
            blocks.extend(blocks_of(el, notes))
    return blocks


def read(path: Path, data: bytes, options: ReadOptions) -> RawDocument:
    """Read an ODT file's text and notes; raises ReadError for a corrupt or encrypted file."""
    where = str(path)
    try:
        with zipfile.ZipFile(BytesIO(data)) as zf:
            names = set(zf.namelist())
            if "content.xml" not in names:
                raise ReadError("corrupt ODT: content.xml is missing", where)
            manifest = "META-INF/manifest.xml"
            if manifest in names and b"encryption-data" in read_member(zf, manifest, where, MAX_XML_BYTES, kind="ODT"):
                raise ReadError("encrypted ODT: it needs a password to open", where)
            root = etree.fromstring(read_member(zf, "content.xml", where, MAX_XML_BYTES, kind="ODT"), _PARSER)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError) as exc:
        raise ReadError(f"corrupt ODT ({exc})", where) from exc
    except etree.XMLSyntaxError as exc:
        raise ReadError(f"corrupt ODT: content.xml is not well-formed XML ({exc})", where) from exc
    office_text = root.find(".//{urn:oasis:names:tc:opendocument:xmlns:office:1.0}text")
    notes = _Notes()
    blocks = blocks_of(office_text, notes) if office_text is not None else []
    text, anchors = assemble_with_notes(blocks, notes.texts)
    return RawDocument(
        path=where, sha256="", format="odt", reader=__name__, text=text,
        notes=[RawNote(n=n, text=t, anchor=anchors.get(n)) for n, t in notes.texts],
    )
