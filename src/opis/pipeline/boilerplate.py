"""Pipeline component 'boilerplate': drop web chrome left in the text.

The layout recognisers already cut the labelled blocks and rights statements of the pages they
know; this component applies the same rules (``opis.readers.layouts.common``) to every document,
whatever reader or layout produced it. It only removes whole lines and paragraphs, and moves
every offset that readers recorded (page spans, footnote anchors) with the text.
"""

from __future__ import annotations

import bisect
import re

from opis.model import Document
from opis.pipeline import component
from opis.readers.layouts.common import is_boilerplate_line, is_rights_paragraph, paragraphs


def boilerplate_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) spans of ``text`` to remove: boilerplate lines and rights paragraphs, each with
    the blank space that follows it."""
    spans: list[tuple[int, int]] = []
    for par in paragraphs(text):
        if is_rights_paragraph(par.text) and len(par.text) < 1500:
            spans.append((par.start, par.start + len(par.text)))
            continue
        for m in re.finditer(r"[^\n]*", par.text):
            if m.group(0) and is_boilerplate_line(m.group(0)):
                spans.append((par.start + m.start(), par.start + m.end()))
    out = []
    for start, end in spans:
        while end < len(text) and text[end] in " \t\n":
            end += 1
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(end, out[-1][1]))
        else:
            out.append((start, end))
    return out


def remove_spans(text: str, spans: list[tuple[int, int]]):
    """The text without ``spans`` and a function mapping old offsets to new ones."""
    pieces, pos = [], 0
    for start, end in spans:
        pieces.append(text[pos:start])
        pos = end
    pieces.append(text[pos:])
    starts = [s for s, _ in spans]
    removed_before = []
    total = 0
    for s, e in spans:
        removed_before.append(total)
        total += e - s

    def move(offset: int) -> int:
        i = bisect.bisect_right(starts, offset) - 1
        if i < 0:
            return offset
        s, e = spans[i]
        if offset < e:  # inside a removed span: to where it was
            return s - removed_before[i]
        return offset - removed_before[i] - (e - s)

    return "".join(pieces), move


@component(
    "boilerplate",
    requires=["text", "notes", "page_info", "headings"],
    assigns=["text", "notes", "page_info", "headings"],
)
def boilerplate(doc: Document) -> Document:
    """Remove the site boilerplate from the text, moving note anchors, page offsets and heading
    spans to match (a heading inside removed text goes with it)."""
    spans = boilerplate_spans(doc.text)
    if not spans:
        return doc
    old = doc.text
    doc.text, move = remove_spans(doc.text, spans)
    doc.text = doc.text.rstrip()
    for note in doc.notes:
        if note.anchor is not None:
            note.anchor = min(move(note.anchor), len(doc.text))
    for page in doc.page_info:
        page.start, page.end = move(page.start), min(move(page.end), len(doc.text))
    kept = []
    for h in doc.headings:
        start, end = move(h.start), min(move(h.end), len(doc.text))
        if doc.text[start:end] == old[h.start:h.end]:  # untouched by the removal
            h.start, h.end = start, end
            kept.append(h)
    doc.headings = kept
    return doc
