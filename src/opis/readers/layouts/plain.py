"""Any other text: boilerplate lines removed, inline markup cleaned, page-broken paragraphs joined."""

from __future__ import annotations

from opis.readers.base import RawDocument
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
    if raw.format in ("markdown", "text", "html"):
        kept = [clean_inline(k) for k in kept]
    raw.text = normalise_whitespace("\n\n".join(join_broken_paragraphs(kept)))
    raw.layout = raw.layout if raw.layout not in (None, "") else LAYOUT
    return raw
