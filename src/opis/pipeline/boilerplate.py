"""Pipeline component 'boilerplate': drop web chrome left in the text.

The layout recognisers already cut the labelled blocks and rights statements of the pages they
know; this component applies the same line rules (``opis.readers.layouts.common``) to every
document, whatever reader or layout produced it, so texts from any source come out clean.
It runs first, before any component records spans into the text.
"""

from __future__ import annotations

from opis.model import Document
from opis.pipeline import component
from opis.readers.layouts.common import is_boilerplate_line, is_rights_paragraph, normalise_whitespace


def strip_boilerplate(text: str) -> str:
    pars = []
    for par in text.split("\n\n"):
        if is_rights_paragraph(par) and len(par) < 1500:
            continue
        lines = [ln for ln in par.split("\n") if not is_boilerplate_line(ln)]
        if any(ln.strip() for ln in lines):
            pars.append("\n".join(lines))
    return normalise_whitespace("\n\n".join(pars))


@component("boilerplate")
def boilerplate(doc: Document) -> Document:
    cleaned = strip_boilerplate(doc.text)
    if cleaned != doc.text:
        if doc.notes and any(n.anchor is not None for n in doc.notes):
            return doc  # anchors point into the text as the reader left it; keep them valid
        doc.text = cleaned
    return doc
