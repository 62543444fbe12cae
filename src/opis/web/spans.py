"""Render a document's text with its layers (apparatus, mentions, note anchors) as safe HTML.

One pure function, :func:`render_text`, turns the text and its spans into HTML. Every piece of
document text is escaped; spans may overlap or cross (a crossing span is closed and re-opened
so the HTML stays well formed) and a link never nests inside another link.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from html import escape
from typing import Any

from markupsafe import Markup

from opis.display import for_html
from opis.model import Document

APPARATUS_LABELS = {
    "sic": "sic: as in the original",
    "gloss": "editorial gloss (modern or standard name)",
    "insertion": "editorial insertion",
    "handwritten": "handwritten in the original",
    "note": "note on the original",
    "marginal": "marginal note",
    "illegible": "illegible in the original",
    "omission": "omitted by the editor",
}


@dataclass(frozen=True)
class Span:
    """One layer over ``text[start:end]``: rendered as ``<tag attrs>…</tag>``."""

    start: int
    end: int
    tag: str
    attrs: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    order: int = 0  # tie-break between spans with the same start and end (lower = outer)

    @property
    def is_link(self) -> bool:
        """Whether the span renders as a link."""
        return self.tag == "a"


def _attr_html(attrs: Iterable[tuple[str, str]]) -> str:
    return "".join(f' {name}="{escape(str(value), quote=True)}"' for name, value in attrs)


def _open(span: Span, inside_link: bool) -> str:
    if span.is_link and inside_link:  # <a> cannot nest: keep the look, drop the link
        attrs = [(k, v) for k, v in span.attrs if k != "href"]
        return f"<span{_attr_html(attrs)}>"
    return f"<{span.tag}{_attr_html(span.attrs)}>"


def _close(span: Span, inside_link: bool) -> str:
    return "</span>" if span.is_link and inside_link else f"</{span.tag}>"


def render_spans(text: str, spans: Iterable[Span], points: Mapping[int, list[str]] | None = None) -> Markup:
    """Escape ``text`` and wrap each span; ``points`` are HTML snippets inserted at offsets."""
    n = len(text)
    valid = sorted(
        (s for s in spans if isinstance(s.start, int) and isinstance(s.end, int) and 0 <= s.start < s.end <= n),
        key=lambda s: (s.start, -s.end, s.order),
    )
    points = points or {}
    bounds = sorted({0, n, *(s.start for s in valid), *(s.end for s in valid), *(p for p in points if 0 <= p <= n)})
    starts: dict[int, list[Span]] = {}
    for s in valid:
        starts.setdefault(s.start, []).append(s)
    out: list[str] = []
    stack: list[tuple[Span, bool]] = []  # (span, opened inside a link)

    def link_open() -> bool:
        return any(sp.is_link and not inner for sp, inner in stack)

    prev = 0
    for pos in bounds:
        if pos > prev:
            out.append(escape(for_html(text[prev:pos]), quote=False))  # sliced first: spans keep their offsets
        prev = pos
        # close every span ending here; spans above it on the stack are closed and re-opened
        if any(sp.end == pos for sp, _ in stack):
            reopen: list[Span] = []
            while any(sp.end == pos for sp, _ in stack):
                sp, inner = stack.pop()
                out.append(_close(sp, inner))
                if sp.end != pos:
                    reopen.append(sp)
            for sp in reversed(reopen):
                inner = link_open()
                out.append(_open(sp, inner))
                stack.append((sp, inner))
        for snippet in points.get(pos, ()):
            out.append(snippet)
        for sp in starts.get(pos, ()):
            inner = link_open()
            out.append(_open(sp, inner))
            stack.append((sp, inner))
    while stack:
        sp, inner = stack.pop()
        out.append(_close(sp, inner))
    return Markup("".join(out))


def _entity_href(entity_id: str) -> str:
    from urllib.parse import quote

    return "/entities/" + quote(entity_id, safe=":")


HEADING_MAX = 120  # characters: a longer paragraph is body text
_SENTENCE_END = (".", ",", ";", ":", "!", "?", "»", "”", '"', ")", "]")


def heading_spans(doc: Document) -> list[Span]:
    """The section headings of the text as ``<h3>``–``<h6>`` spans.

    The record's own headings (``doc.headings``, kept by the reader from the source's markup) come
    first: the highest level the text uses is ``<h3>`` (the page's sections are ``<h2>``), each
    level below one step smaller. Only a record without headings (plain text, a PDF) falls back
    to :func:`guessed_heading_spans`."""
    text = doc.text or ""
    kept = [h for h in doc.headings or [] if 0 <= h.start < h.end <= len(text)]
    if not kept:
        return guessed_heading_spans(doc)
    top = min(h.level for h in kept)
    return [
        Span(h.start, h.end, f"h{min(3 + h.level - top, 6)}", (("class", "doc-heading"),), order=-3)
        for h in kept
    ]


def guessed_heading_spans(doc: Document) -> list[Span]:
    """Headings of an article whose record keeps none, found as they show in its text: a
    paragraph of its own, short, starting with a capital letter and not ending like a sentence.
    Only for articles (layout or type): archival records have short lines of another kind
    (classification, addressees, dates)."""
    layout = doc.provenance.layout if doc.provenance else None
    if "article" not in (layout, doc.doc_type):
        return []
    text, out, pos = doc.text or "", [], 0
    for para in text.split("\n\n"):
        start, body = pos, para.strip()
        pos += len(para) + 2
        if not body or len(body) > HEADING_MAX or "\n" in body or not body[0].isupper() or body.endswith(_SENTENCE_END):
            continue
        lead = start + para.index(body)
        out.append(Span(lead, lead + len(body), "h3", (("class", "doc-heading"),), order=-3))
    return out


def layer_spans(
    doc: Document,
    entity_href: Callable[[str], str] = _entity_href,
) -> tuple[list[Span], dict[int, list[str]]]:
    """The spans of a document's apparatus, mentions and note anchors over ``doc.text``."""
    text = doc.text or ""
    spans: list[Span] = heading_spans(doc)
    points: dict[int, list[str]] = {}
    for app in doc.apparatus or []:
        kind = str(app.kind or "note")
        label = APPARATUS_LABELS.get(kind, kind)
        spans.append(Span(app.start, app.end, "span", (("class", f"app app-{kind}"), ("title", label)), order=1))
        if app.target_start is not None and app.target_end is not None:
            spans.append(Span(app.target_start, app.target_end, "span", (("class", f"app-target app-target-{kind}"),), order=2))
    for m in doc.mentions or []:
        if m.note is not None or m.start is None:
            continue  # spans inside footnote text, not the body; metadata-only names have no span
        mtype = str(m.type or "").lower()
        cls = f"mention mention-{mtype}"
        if m.entity_id:
            attrs = (("class", cls), ("href", entity_href(m.entity_id)), ("data-entity", m.entity_id))
            spans.append(Span(m.start, m.end, "a", attrs, order=0))
        elif mtype in ("person", "place", "org", "unit"):
            spans.append(Span(m.start, m.end, "span", (("class", cls),), order=0))
    for note in doc.notes or []:
        anchor = note.anchor
        if anchor is None or not 0 <= anchor <= len(text):
            continue
        num = str(note.n)
        attrs = (("href", f"#fn-{num}"), ("id", f"fnref-{num}"), ("class", "fnref"), ("aria-label", f"footnote {num}"))
        if text[anchor:anchor + len(num)] == num:  # the marker is in the text: link it
            spans.append(Span(anchor, anchor + len(num), "sup", (), order=-2))
            spans.append(Span(anchor, anchor + len(num), "a", attrs, order=-1))
        else:
            points.setdefault(anchor, []).append(f"<sup><a{_attr_html(attrs)}>{escape(num)}</a></sup>")
    return spans, points


def render_text(doc: Document | Mapping[str, Any]) -> Markup:
    """The document's text as HTML with apparatus, linked mentions and footnote references (a
    record JSON is read into a Document first)."""
    if not isinstance(doc, Document):
        doc = Document.from_dict({"id": "", **doc})
    spans, points = layer_spans(doc)
    return render_spans(doc.text or "", spans, points)


def render_plain(text: str, spans: Iterable[Span] = ()) -> Markup:
    """The text escaped as HTML, with the spans wrapped."""
    return render_spans(text or "", spans)
