"""TEI markup of a text from spans into it: elements around spans (names, apparatus, emphasis),
elements at points (footnotes, gaps) and characters left out (brackets, asterisks).

Spans are nested as XML requires: a span that crosses an earlier one (one starts inside the
other and ends outside it) is left out rather than producing broken markup — the words stay,
only that mark is lost. Pure functions over a text and offsets into it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from lxml import etree

TEI_NS = "http://www.tei-c.org/ns/1.0"
XML_NS = "http://www.w3.org/XML/1998/namespace"


def tei(tag: str) -> str:
    """The qualified name of a TEI element."""
    return f"{{{TEI_NS}}}{tag}"


def attrs_of(attrs: dict[str, str | None]) -> dict[str, str]:
    """Attributes without empty values, ``xml_id``/``xml_lang`` as ``xml:id``/``xml:lang``."""
    out = {}
    for k, v in attrs.items():
        if v is None or v == "":
            continue
        out[f"{{{XML_NS}}}{k[4:]}" if k.startswith("xml_") else k] = str(v)
    return out


@dataclass
class Mark:
    """An element over ``[start, end)`` of the text (``start == end``: at a point). ``fill`` builds
    the content of a point element (a footnote's text); ``rank`` orders marks over the same span
    (lower outside); ``skips`` are the characters the element stands for (the brackets of an
    editorial mark), left out of the text only when the mark is kept."""

    start: int
    end: int
    tag: str
    attrs: dict[str, str | None] = field(default_factory=dict)
    rank: int = 5
    fill: Callable[[etree._Element], None] | None = None
    skips: list[tuple[int, int]] = field(default_factory=list)  # characters the element replaces
    children: list[Mark] = field(default_factory=list)


def _contains(outer: Mark, m: Mark) -> bool:
    """True when ``m`` lies inside ``outer``: a span within it, a point inside it (or at the end
    of a block, rank 0: a footnote after a paragraph's last word)."""
    if outer.start == outer.end:
        return False
    if m.start == m.end:
        return outer.start <= m.start < outer.end or (m.start == outer.end and outer.rank == 0)
    return outer.start <= m.start and m.end <= outer.end


def nest(marks: list[Mark]) -> list[Mark]:
    """The marks as a forest (each mark's ``children`` inside it); a mark crossing one already
    placed is dropped. Returns the top-level marks in text order."""
    roots: list[Mark] = []
    stack: list[Mark] = []
    for m in sorted(marks, key=lambda m: (m.start, -m.end, m.rank)):
        m.children = []
        crossing = False
        while stack and not _contains(stack[-1], m):
            top = stack[-1]
            if top.end <= m.start or top.start == top.end:
                stack.pop()
            else:
                crossing = True
                break
        if crossing:
            continue
        (stack[-1].children if stack else roots).append(m)
        stack.append(m)
    return roots


def skips_of(tree: list[Mark]) -> list[tuple[int, int]]:
    """The skipped ranges of every mark kept in the nested ``tree``."""
    out: list[tuple[int, int]] = []
    for m in tree:
        out.extend(m.skips)
        out.extend(skips_of(m.children))
    return out


def _visible(text: str, lo: int, hi: int, skips: list[tuple[int, int]]) -> str:
    """``text[lo:hi]`` without the characters of the skipped ranges."""
    out, pos = [], lo
    for s, e in skips:
        if e <= pos or s >= hi:
            continue
        if s > pos:
            out.append(text[pos:s])
        pos = max(pos, e)
    if pos < hi:
        out.append(text[pos:hi])
    return "".join(out)


def _append_text(el: etree._Element, s: str) -> None:
    if not s:
        return
    if len(el):
        el[-1].tail = (el[-1].tail or "") + s
    else:
        el.text = (el.text or "") + s


def emit(parent: etree._Element, text: str, lo: int, hi: int, marks: list[Mark], skips: list[tuple[int, int]]) -> None:
    """Write ``text[lo:hi]`` into ``parent`` with the (nested) ``marks`` as elements, leaving
    out the skipped ranges."""
    pos = lo
    for m in marks:
        _append_text(parent, _visible(text, pos, m.start, skips))
        el = etree.SubElement(parent, tei(m.tag), attrs_of(m.attrs))
        if m.fill is not None:
            m.fill(el)
        else:
            emit(el, text, m.start, m.end, m.children, skips)
        pos = max(pos, m.end)
    _append_text(parent, _visible(text, pos, hi, skips))
