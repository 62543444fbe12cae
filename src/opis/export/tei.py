"""TEI P5: a header (title, authors, date, manuscript identifier with the archival signature) and the text."""

from __future__ import annotations

from lxml import etree

from opis.export import common
from opis.model import Document

TEI_NS = "http://www.tei-c.org/ns/1.0"


def _el(parent, tag: str, text: str | None = None, **attrs) -> etree._Element:
    e = etree.SubElement(parent, f"{{{TEI_NS}}}{tag}", {k.replace("_", ":") if k == "xml_lang" else k: v for k, v in attrs.items()})
    if text is not None:
        e.text = text
    return e


def render(doc: Document) -> str:
    """The document as a TEI P5 file: its header and its text, one ``<p>`` per paragraph."""
    root = etree.Element(f"{{{TEI_NS}}}TEI", nsmap={None: TEI_NS})
    header = _el(root, "teiHeader")
    fd = _el(header, "fileDesc")
    ts = _el(fd, "titleStmt")
    _el(ts, "title", doc.title or "Untitled")
    for n in common.agent_names(doc):
        _el(ts, "author", n)
    for n in doc.translators or []:
        resp = _el(ts, "respStmt")
        _el(resp, "resp", "translated by")
        _el(resp, "name", n)
    ps = _el(fd, "publicationStmt")
    _el(ps, "publisher", common.publisher(doc) or "opis")
    if u := common.url(doc):
        _el(ps, "idno", u, type="URI")
    sd = _el(fd, "sourceDesc")
    ref = common.main_ref(doc)
    if ref:
        ms = _el(sd, "msDesc")
        ident = _el(ms, "msIdentifier")
        if ref.archive:
            _el(ident, "repository", ref.archive)
        for level, value in (("fond", ref.fond), ("opis", ref.opis), ("delo", ref.delo)):
            if value:
                _el(ident, "idno", value, type=level)
        if ref.folios:
            _el(ident, "idno", ", ".join(ref.folios), type="folios")
        _el(ident, "altIdentifier").append(_idno(ref.raw or ""))
    else:
        _el(sd, "p", "Born digital or no archival signature recorded.")
    parts = common.date_parts(doc)
    if parts:
        profile = _el(header, "profileDesc")
        creation = _el(profile, "creation")
        _el(creation, "date", common.long_date(parts), when=common.iso_parts(parts))
    text = _el(root, "text")
    body = _el(text, "body")
    for para in (doc.text or "").split("\n\n"):
        if para.strip():
            _el(body, "p", para.strip())
    return etree.tostring(root, pretty_print=True, xml_declaration=True, encoding="UTF-8").decode("utf-8")


def _idno(raw: str):
    e = etree.Element(f"{{{TEI_NS}}}idno", {"type": "signature"})
    e.text = raw
    return e
