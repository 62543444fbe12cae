"""Any other text: boilerplate lines removed, inline markup cleaned, page-broken paragraphs joined.

Footnotes in the markup the readers use (a marker ``<sup>n</sup>`` in the text and a paragraph
``<sup>n</sup> note text``, e.g. from a DOCX with footnotes) are split out as notes anchored at
their markers, as for articles; notes a format reader found (DOCX, ODT) count even when their
paragraph is empty. Headings (``## ...``) and other inline markup are cleaned in every format.
"""

from __future__ import annotations

from opis.readers.base import RawDocument, RawNote
from opis.readers.layouts.article import NOTE_RE, clean_body_and_notes
from opis.readers.layouts.common import (
    clean_inline,
    is_boilerplate_line,
    is_rights_paragraph,
    join_broken_paragraphs,
    normalise_whitespace,
    one_line,
    paragraphs,
)

LAYOUT = "plain"


def recognise(raw: RawDocument) -> RawDocument:
    """Read any text as a plain document: boilerplate lines dropped, rights kept as a field, notes split from
    the body."""
    kept: list[str] = []
    rights: list[str] = []
    for p in paragraphs(raw.text):
        if is_rights_paragraph(p.text) and len(p.text) < 1500:
            rights.append(one_line(p.text))
            continue
        lines = [ln for ln in p.text.splitlines() if not is_boilerplate_line(ln)]
        if lines:
            kept.append("\n".join(lines))
    if rights:
        raw.fields.setdefault("Rights", "\n".join(rights))
    raw.layout = raw.layout or LAYOUT
    known = {n.n: n.text for n in raw.notes}  # notes the format reader found (DOCX, ODT)
    if known or any(NOTE_RE.match(k) for k in kept):
        text, notes = clean_body_and_notes(kept, known)
        raw.text = text
        raw.notes = [RawNote(n=n, text=t, anchor=a) for n, t, a in notes]
        return raw
    kept = [clean_inline(k) for k in kept]  # every format: DOCX/ODT headings are '## ...' too
    raw.text = normalise_whitespace("\n\n".join(join_broken_paragraphs(kept)))
    return raw
