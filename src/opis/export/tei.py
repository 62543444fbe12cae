"""TEI P5 (valid against tei_all): a file a TEI editor can open and work on.

* ``teiHeader``: title, authors and the credits (``respStmt``); the digital archive, URL, DOI and
  rights; the source — for an archive record a ``bibl`` of the published record and an
  ``msDesc`` whose ``msIdentifier`` holds the holding archive (``repository``) and the archival
  signature (``idno`` per level: fond, opis, delo, folios; the signature as written in
  ``altIdentifier``), for an article a ``biblStruct``; the date of creation, languages,
  keywords, the summary or abstract (``abstract``) and sender and recipients (``correspDesc``).
* ``standOff``: the people, places, organisations and units mentioned (``listPerson``,
  ``listPlace``, ``listOrg``) with their authority ids (Wikidata, GeoNames) and coordinates.
* ``text``: paragraphs (``p``; an article's section headings as ``div``/``head``; line breaks
  ``lb``, page starts of a paged source ``pb``), footnotes
  at their anchors (``note place="foot"``), names as ``persName``/``placeName``/``orgName``
  whose ``ref`` points to the standOff entry, the editorial apparatus (``sic``, ``supplied``,
  ``gloss``, ``add hand``, ``gap``, editorial ``note``), the source's emphasis (``hi``); the
  reference list in ``back`` (``listBibl``), with the archival references the notes cite.
"""

from __future__ import annotations

import bisect
import re

from lxml import etree

from opis import inline
from opis.export import common
from opis.export.tei_parts import LISTS, bibl_item, standoff, xml_id
from opis.export.tei_text import TEI_NS, Mark, attrs_of, emit, nest, skips_of, tei
from opis.model import Document

NAME_TAGS = {"PERSON": ("persName", None), "PLACE": ("placeName", None), "ORG": ("orgName", None),
             "UNIT": ("orgName", "unit")}
HAND_ID = "hand-annotator"
APPARATUS_TAGS = {"insertion": ("supplied", {"reason": "editorial"}), "gloss": ("gloss", {}),
                  "handwritten": ("add", {"hand": f"#{HAND_ID}"}), "note": ("note", {"type": "editorial"})}


def _el(parent, tag: str, text: str | None = None, **attrs) -> etree._Element:
    e = etree.SubElement(parent, tei(tag), attrs_of(attrs))
    if text is not None:
        e.text = text
    return e


# --- header -------------------------------------------------------------------------


def _title_stmt(fd, doc: Document, ids: set[str]) -> None:
    ts = _el(fd, "titleStmt")
    _el(ts, "title", inline.to_plain(doc.title) or "Untitled")
    for a in doc.authors or []:
        author = _el(ts, "author")
        _person(author, a.name, a.entity_id, ids)
        if a.affiliation:
            _el(author, "affiliation", a.affiliation)
    credits = [(c.role, c.name) for c in doc.credits or []] or [("translated by", n) for n in doc.translators or []]
    for role, name in credits:
        resp = _el(ts, "respStmt")
        _el(resp, "resp", role)
        _el(resp, "name", name)


def _person(parent, name: str, entity_id: str | None, ids: set[str]) -> None:
    ref = xml_id(entity_id) if entity_id else None
    _el(parent, "persName", name, ref=f"#{ref}" if ref in ids else None)


def _publication_stmt(fd, doc: Document) -> None:
    ps = _el(fd, "publicationStmt")
    _el(ps, "publisher", common.publisher(doc) or doc.journal or "opis")
    if u := common.url(doc):
        _el(ps, "idno", u, type="URI")
    if doc.doi:
        _el(ps, "idno", doc.doi, type="DOI")
    if doc.record_id:
        _el(ps, "idno", doc.record_id, type="record")
    if rights := common.clean(doc.rights):
        _el(_el(ps, "availability"), "p", rights)


def _source_desc(fd, doc: Document) -> None:
    sd = _el(fd, "sourceDesc")
    if common.is_article(doc):
        _bibl_struct(sd, doc)
        return
    bibl = _el(sd, "bibl")
    _el(bibl, "title", inline.to_plain(doc.title) or "Untitled")
    if parts := common.calendar_parts(doc):
        _el(bibl, "date", common.long_date(parts), when=common.iso_parts(parts))
    if pub := common.publisher(doc):
        _el(bibl, "publisher", pub)
    if sig := common.signature(doc):
        _el(bibl, "idno", sig, type="signature")
    if credits := common.credit_line(doc):
        _el(bibl, "note", credits)
    if u := common.url(doc):
        _el(bibl, "ptr", target=u)
    if common.main_ref(doc):
        _ms_desc(sd, doc)


def _ms_desc(sd, doc: Document) -> None:
    ref = common.main_ref(doc)
    ms = _el(sd, "msDesc")
    ident = _el(ms, "msIdentifier")
    if ref.archive or ref.archive_name:
        _el(ident, "repository", ref.archive_name or ref.archive, key=ref.archive)
    for level, value in (("fond", ref.fond), ("opis", ref.opis), ("delo", ref.delo)):
        if value:
            _el(ident, "idno", value, type=level)
    for level, value in sorted((ref.extra or {}).items()):
        _el(ident, "idno", str(value), type=re.sub(r"\W+", "-", level) or "part")
    if ref.folios:
        _el(ident, "idno", ", ".join(ref.folios), type="folios")
    _el(_el(ident, "altIdentifier"), "idno", ref.raw or "", type="signature")
    contents = _el(ms, "msContents")
    if summary := doc.summary or doc.abstract:
        _el(_el(contents, "summary"), "p", inline.to_plain(summary))
    if doc.original_language:
        _el(contents, "textLang", mainLang=common.lang_code(doc.original_language))
    if any(a.kind == "handwritten" for a in doc.apparatus or []):
        hands = _el(_el(ms, "physDesc"), "handDesc")
        _el(hands, "handNote", "Handwritten additions on the original, as the transcription marks them.",
            xml_id=HAND_ID)
    if doc.classification:
        _el(_el(_el(ms, "additional"), "adminInfo"), "note", f"Classification: {doc.classification}")


def _bibl_struct(sd, doc: Document) -> None:
    bs = _el(sd, "biblStruct")
    an = _el(bs, "analytic")
    _el(an, "title", inline.to_plain(doc.title) or "Untitled", level="a")
    for a in doc.authors or []:
        author = _el(an, "author")
        _el(author, "persName", a.name)
        if a.affiliation:
            _el(author, "affiliation", a.affiliation)
    if doc.doi:
        _el(an, "idno", doc.doi, type="DOI")
    if doc.edn:
        _el(an, "idno", doc.edn, type="EDN")
    mon = _el(bs, "monogr")
    _el(mon, "title", inline.to_plain(doc.journal or "") or "Untitled", level="j")
    imprint = _el(mon, "imprint")
    for unit, value in (("volume", doc.volume), ("issue", doc.issue)):
        if value:
            _el(imprint, "biblScope", str(value), unit=unit)
    if doc.pages:
        first, _, last = str(doc.pages).partition("-")
        _el(imprint, "biblScope", str(doc.pages), unit="page", **{"from": first.strip(), "to": last.strip() or None})
    parts = common.calendar_parts(doc)
    _el(imprint, "date", common.long_date(parts) if parts else None, when=common.iso_parts(parts) if parts else None)


def _profile(header, doc: Document, ids: set[str]) -> None:
    profile = _el(header, "profileDesc")
    if parts := common.calendar_parts(doc):
        _el(_el(profile, "creation"), "date", common.long_date(parts), when=common.iso_parts(parts))
    langs = [*([doc.original_language] if doc.original_language else []), *(doc.languages or [])]
    if langs:
        usage = _el(profile, "langUsage")
        for code in dict.fromkeys(common.lang_code(x) for x in langs):
            _el(usage, "language", ident=code)
    if doc.keywords:
        kw = _el(_el(profile, "textClass"), "keywords")
        for k in doc.keywords:
            _el(kw, "term", k)
    if doc.authors and doc.recipients:
        corresp = _el(profile, "correspDesc")
        sent = _el(corresp, "correspAction", type="sent")
        for a in doc.authors:
            _person(sent, a.name, a.entity_id, ids)
        received = _el(corresp, "correspAction", type="received")
        for r in doc.recipients:
            _person(received, r.name, r.entity_id, ids)
    if summary := doc.abstract or doc.summary:
        _el(_el(profile, "abstract"), "p", inline.to_plain(summary))


# --- text ---------------------------------------------------------------------------


def is_heading(block: str) -> bool:
    """A section heading of an article: one short line, capitalised, no sentence end."""
    b = block.strip()
    return (0 < len(b) <= 120 and "\n" not in b and b[0].isupper() and not re.search(r"[.:;,!?]$", b)
            and len(b.split()) <= 16)


def _blocks(doc: Document, text: str) -> list[tuple[int, int, bool]]:
    """(start, end, heading) of each paragraph of the text: the record's own heading spans
    (``doc.headings``), or for an article that keeps none, the paragraphs that read as headings."""
    out = []
    article = common.is_article(doc)
    kept = {(h.start, h.end) for h in doc.headings or []}
    for m in re.finditer(r"[^\n](?:.|\n(?!\s*\n))*", text):
        if m.group().strip():
            s = m.start() + len(m.group()) - len(m.group().lstrip())
            e = m.start() + len(m.group().rstrip())
            out.append((s, e, (s, e) in kept if kept else article and is_heading(m.group())))
    return out


def _apparatus_marks(doc: Document) -> list[Mark]:
    """The apparatus as TEI marks, each with the bracket characters it replaces (``skips``)."""
    marks: list[Mark] = []
    for a in doc.apparatus or []:
        kind = a.kind
        if kind == "sic" and a.target_start is not None and a.target_end is not None and a.target_end <= a.start:
            marks.append(Mark(a.target_start, a.target_end, "sic", rank=3, skips=[(a.start, a.end)]))
        elif kind in APPARATUS_TAGS and a.end - a.start >= 2:
            tag, attrs = APPARATUS_TAGS[kind]
            inner = _inner(a.text, a.content)
            if inner is None:
                continue
            s, e = a.start + inner[0], a.start + inner[1]
            marks.append(Mark(s, e, tag, dict(attrs), rank=2, skips=[(a.start, s), (e, a.end)]))
        elif kind in ("illegible", "omission"):
            marks.append(Mark(a.start, a.start, "gap", {"reason": "illegible" if kind == "illegible" else "omitted"},
                              skips=[(a.start, a.end)]))
    return marks


def _inner(raw: str, content: str | None) -> tuple[int, int] | None:
    """Where ``content`` lies inside the bracketed mark ``raw`` (offsets into ``raw``)."""
    if not raw.startswith("[") or not content:
        return None
    at = raw.find(content)
    return (at, at + len(content)) if at > 0 else None


def _mention_marks(doc: Document, note: int | None, ids: set[str]) -> list[Mark]:
    out = []
    for m in doc.mentions or []:
        if m.note != note or m.type not in NAME_TAGS or m.start is None or m.end is None or m.end <= m.start:
            continue
        tag, kind = NAME_TAGS[m.type]
        ref = xml_id(m.entity_id) if m.entity_id else None
        out.append(Mark(m.start, m.end, tag, {"type": kind, "ref": f"#{ref}" if ref in ids else None}, rank=4))
    return out


def _emphasis(text: str) -> list[Mark]:
    """The source's inline emphasis (``*…*``) as ``hi`` marks, the asterisks left out."""
    return [Mark(m.inner_start, m.inner_end, "hi", {"rend": "bold" if m.strong else "italic"}, rank=6,
                 skips=[(m.start, m.inner_start), (m.inner_end, m.end)]) for m in inline.pairs(text)]


def _note_filler(doc: Document, n: int, text: str, ids: set[str]):
    def fill(el: etree._Element) -> None:
        tree = nest(_emphasis(text) + _mention_marks(doc, n, ids))
        emit(el, text, 0, len(text), tree, skips_of(tree))

    return fill


def _breaks(doc: Document, text: str, blocks: list[tuple[int, int, bool]]) -> list[Mark]:
    """Line breaks inside a paragraph as ``lb`` (the newline left out) and the start of each
    page of a paged source (PDF, scans) as ``pb n="…"``."""
    out = []
    for s, e, _h in blocks:
        for m in re.finditer(r"\n", text[s:e]):
            at = s + m.start()
            out.append(Mark(at, at, "lb", rank=7, skips=[(at, at + 1)]))
    for page in doc.page_info or []:
        if 0 <= page.start <= len(text):
            out.append(Mark(page.start, page.start, "pb", {"n": str(page.n)}, rank=1))
    return out


def _within_blocks(marks: list[Mark], blocks: list[tuple[int, int, bool]]) -> list[Mark]:
    """The marks that lie inside one paragraph (points anywhere): a mark over several paragraphs
    cannot nest in them, so it is left out and its words stay."""
    starts = [b[0] for b in blocks]
    kept = []
    for m in marks:
        i = bisect.bisect_right(starts, m.start) - 1
        if m.start == m.end or (i >= 0 and m.end <= blocks[i][1]):
            kept.append(m)
    return kept


def _body(text_el, doc: Document, ids: set[str]) -> list:
    """The body: paragraphs (sections under headings) with their marks; the notes without an anchor."""
    text = doc.text or ""
    marks = _apparatus_marks(doc) + _emphasis(text) + _mention_marks(doc, None, ids)
    anchored = set()
    for note in doc.notes or []:
        if note.anchor is not None and 0 <= note.anchor <= len(text):
            anchored.add(note.n)
            marks.append(Mark(note.anchor, note.anchor, "note", {"n": str(note.n), "place": "foot", "xml_id": f"fn{note.n}"},
                              rank=1, fill=_note_filler(doc, note.n, note.text, ids)))
    blocks = _blocks(doc, text)
    marks = _within_blocks(marks, blocks) + [Mark(s, e, "head" if h else "p", rank=0) for s, e, h in blocks]
    marks += _breaks(doc, text, blocks)
    tree = nest(marks)
    # the spaces between paragraphs are not content
    gaps = [(prev_end, s) for (_s0, prev_end, _h0), (s, _e, _h) in zip([(0, 0, False), *blocks], blocks, strict=False)]
    skips = sorted(skips_of(tree) + gaps + [(blocks[-1][1] if blocks else 0, len(text) + 1)])
    body = _el(text_el, "body")
    divs = [i for i, b in enumerate(blocks) if b[2]]
    if not blocks:
        _el(body, "p")
    elif not divs:
        emit(body, text, 0, len(text), tree, skips)
    else:
        _sections(body, text, blocks, divs, tree, skips)
    return [n for n in doc.notes or [] if n.n not in anchored]


def _sections(body, text: str, blocks, divs: list[int], tree: list[Mark], skips) -> None:
    """The paragraphs before the first heading, then one ``div`` per heading and what follows it."""
    bounds = [blocks[i][0] for i in divs] + [len(text) + 1]
    before = [m for m in tree if m.start < bounds[0]]
    emit(body, text, 0, bounds[0], before, skips)
    for k in range(len(divs)):
        lo, hi = bounds[k], bounds[k + 1]
        div = _el(body, "div", type="section")
        emit(div, text, lo, min(hi, len(text)), [m for m in tree if lo <= m.start < hi], skips)


def _back(text_el, doc: Document, unanchored) -> None:
    archival = [r for r in doc.archival_refs or [] if r.note is not None and r.raw]
    if not (doc.bibliography or unanchored or archival):
        return
    back = _el(text_el, "back")
    if unanchored:
        notes = _el(back, "div", type="notes")
        for note in unanchored:
            _el(notes, "note", inline.to_plain(note.text), n=str(note.n), place="end", xml_id=f"fn{note.n}")
    if doc.bibliography:
        lb = _el(_el(back, "div", type="bibliography"), "listBibl")
        for item in doc.bibliography:
            lb.append(bibl_item(item))
    if archival:
        lb = _el(_el(back, "div", type="archival-references"), "listBibl")
        for r in archival:
            bibl = _el(lb, "bibl", type="archival", corresp=f"#fn{r.note}")
            if r.archive:
                _el(bibl, "orgName", r.archive_name or r.archive, key=r.archive)
            _el(bibl, "idno", r.raw, type="signature")


def render(doc: Document) -> str:
    """The document as a TEI P5 file (header, standOff entity lists, text with its markup)."""
    root = etree.Element(tei("TEI"), nsmap={None: TEI_NS})
    lang = common.lang_code((doc.languages or ["en"])[0])
    root.set("{http://www.w3.org/XML/1998/namespace}lang", lang)
    entities = standoff(doc)
    ids = {xml_id(e.id) for e in doc.entities or [] if e.type in LISTS}
    header = _el(root, "teiHeader")
    fd = _el(header, "fileDesc")
    _title_stmt(fd, doc, ids)
    _publication_stmt(fd, doc)
    _source_desc(fd, doc)
    _profile(header, doc, ids)
    if entities is not None:
        root.append(entities)
    text_el = _el(root, "text")
    unanchored = _body(text_el, doc, ids)
    _back(text_el, doc, unanchored)
    return etree.tostring(root, pretty_print=True, xml_declaration=True, encoding="UTF-8").decode("utf-8")

