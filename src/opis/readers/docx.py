"""Word (DOCX) reader: body text, headings, tables, footnotes and endnotes, straight from the XML.

The text uses the same light markup the layout recognisers read on the text pages: one block
per paragraph with a blank line between blocks, headings as ``## Heading``, footnote markers
as ``<sup>n</sup>`` where the reference stands, and the notes at the end, one block each,
``<sup>n</sup> text`` (numbered 1, 2, ... in order of reference, as Word prints them).
Deleted tracked changes and field codes are skipped; tables give one line per row, cells
separated by tabs.
"""

from __future__ import annotations

import re
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

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, recover=False)
MAX_XML_BYTES = 100 * 1024 * 1024  # a decompressed part larger than this is refused (zip bomb)


def _q(tag: str) -> str:
    return f"{{{W}}}{tag}"


def load_part(zf: zipfile.ZipFile, name: str, path: str) -> etree._Element | None:
    """Parse one XML part, inflated under a cap on its real size (``opis.readers.zipsafe``)."""
    try:
        zf.getinfo(name)
    except KeyError:
        return None
    data = read_member(zf, name, path, MAX_XML_BYTES, kind="DOCX")
    try:
        return etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise ReadError(f"corrupt DOCX: {name} is not well-formed XML ({exc})", path) from exc


class _Notes:
    """Footnote/endnote numbering in order of first reference."""

    def __init__(self, footnotes: dict[str, str], endnotes: dict[str, str]):
        self.sources = {"footnote": footnotes, "endnote": endnotes}
        self.numbers: dict[tuple[str, str], int] = {}
        self.texts: list[tuple[int, str]] = []

    def marker(self, kind: str, note_id: str) -> str:
        """The ``<sup>n</sup>`` marker of a note reference, numbering the note at its first reference."""
        key = (kind, note_id)
        if key not in self.numbers:
            n = len(self.numbers) + 1
            self.numbers[key] = n
            self.texts.append((n, self.sources[kind].get(note_id, "")))
        return f"<sup>{self.numbers[key]}</sup>"


def paragraph_text(p: etree._Element, notes: _Notes | None) -> str:
    """The text of a DOCX paragraph: runs, tabs, breaks and note markers; nested content left to its own
    element."""
    out: list[str] = []
    for el in p.iter():
        tag = el.tag
        if tag == _q("t"):
            if _inside(el, p):
                continue
            out.append(el.text or "")
        elif tag == _q("tab") and el.getparent() is not None and el.getparent().tag == _q("r"):
            out.append("\t")
        elif tag in (_q("br"), _q("cr")):
            out.append("\n")
        elif tag == _q("noBreakHyphen"):
            out.append("-")
        elif tag in (_q("footnoteReference"), _q("endnoteReference")) and notes is not None:
            kind = "footnote" if tag == _q("footnoteReference") else "endnote"
            out.append(notes.marker(kind, el.get(_q("id"), "")))
    return "".join(out)


_SKIPPED = frozenset({_q("del"), _q("instrText")})


def _inside(el: etree._Element, stop: etree._Element, names: frozenset[str] = _SKIPPED) -> bool:
    parent = el.getparent()
    while parent is not None and parent is not stop:
        if parent.tag in names:
            return True
        parent = parent.getparent()
    return False


def heading_level(p: etree._Element, styles: dict[str, str]) -> int | None:
    """1 for a Title, n + 1 for 'Heading n' (by style id or style name), else None."""
    style = p.find("w:pPr/w:pStyle", NS)
    outline = p.find("w:pPr/w:outlineLvl", NS)
    if style is not None:
        sid = style.get(_q("val"), "")
        name = styles.get(sid, sid).lower().replace(" ", "")
        if name in ("title", "subtitle"):
            return 1 if name == "title" else 2
        m = re.fullmatch(r"heading(\d)", name)
        if m:
            return min(int(m.group(1)) + 1, 6)
    if outline is not None and outline.get(_q("val"), "").isdigit():
        return min(int(outline.get(_q("val"))) + 2, 6)
    return None


def body_blocks(body: etree._Element, styles: dict[str, str], notes: _Notes | None) -> list[str]:
    """The text blocks of a DOCX body: paragraphs (headings as Markdown ``#``), tables as tab-separated rows,
    content controls."""
    blocks: list[str] = []
    for el in body:
        if el.tag == _q("p"):
            text = paragraph_text(el, notes).strip()
            if not text:
                continue
            level = heading_level(el, styles)
            blocks.append(f"{'#' * level} {' '.join(text.split())}" if level else text)
        elif el.tag == _q("tbl"):
            rows = []
            for tr in el.iter(_q("tr")):
                cells = [" ".join(" ".join(paragraph_text(p, notes).split()) for p in tc.iter(_q("p"))).strip()
                         for tc in tr.findall("w:tc", NS)]
                if any(cells):
                    rows.append("\t".join(cells))
            if rows:
                blocks.append("\n".join(rows))
        elif el.tag in (_q("sdt"), _q("customXml")):
            content = el.find("w:sdtContent", NS) if el.tag == _q("sdt") else el
            if content is not None:
                blocks.extend(body_blocks(content, styles, notes))
    return blocks


def note_texts(root: etree._Element | None, kind: str) -> dict[str, str]:
    """The text of each footnote or endnote (``kind``) by id, separators skipped; {} without the part."""
    if root is None:
        return {}
    out = {}
    for note in root.findall(f"w:{kind}", NS):
        if note.get(_q("type")) in ("separator", "continuationSeparator", "continuationNotice"):
            continue
        paras = [" ".join(paragraph_text(p, None).split()) for p in note.iter(_q("p"))]
        out[note.get(_q("id"), "")] = " ".join(p for p in paras if p).strip()
    return out


def style_names(root: etree._Element | None) -> dict[str, str]:
    """Style names by style id; {} without a styles part."""
    if root is None:
        return {}
    out = {}
    for st in root.findall("w:style", NS):
        name = st.find("w:name", NS)
        if name is not None:
            out[st.get(_q("styleId"), "")] = name.get(_q("val"), "")
    return out


def read(path: Path, data: bytes, options: ReadOptions) -> RawDocument:
    """Read a DOCX file's text, headings and notes; raises ReadError for a corrupt or encrypted file."""
    where = str(path)
    try:
        zf = zipfile.ZipFile(BytesIO(data))
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError) as exc:
        raise ReadError(f"corrupt DOCX ({exc})", where) from exc
    with zf:
        if "EncryptedPackage" in zf.namelist():
            raise ReadError("encrypted DOCX: it needs a password to open", where)
        doc = load_part(zf, "word/document.xml", where)
        if doc is None:
            raise ReadError("corrupt DOCX: word/document.xml is missing", where)
        styles = style_names(load_part(zf, "word/styles.xml", where))
        notes = _Notes(note_texts(load_part(zf, "word/footnotes.xml", where), "footnote"),
                       note_texts(load_part(zf, "word/endnotes.xml", where), "endnote"))
    body = doc.find("w:body", NS)
    blocks = body_blocks(body, styles, notes) if body is not None else []
    text, anchors = assemble_with_notes(blocks, notes.texts)
    return RawDocument(
        path=where, sha256="", format="docx", reader=__name__, text=text,
        notes=[RawNote(n=n, text=t, anchor=anchors.get(n)) for n, t in notes.texts],
    )
