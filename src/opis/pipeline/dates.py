"""Pipeline component 'dates': dates stated in the text -> ``doc.dates`` (EDTF, bounds, text, span).

Days and months stated without a year take it from context (see ``opis.extract.dates_text``):
for a primary source the document's own date (``doc.date``, set by the metadata component);
for a secondary work (an article) the last year stated earlier in the text.
"""

from __future__ import annotations

from opis.extract.dates_text import find_dates
from opis.model import Document
from opis.pipeline import component

SECONDARY_TYPES = {"article", "book", "chapter", "review", "thesis"}


def is_secondary(doc: Document) -> bool:
    """Whether the document is secondary literature (an article, review ...) whose undated claims are not
    about its own date."""
    layout = doc.provenance.layout if doc.provenance else None
    return (doc.doc_type or "").lower() in SECONDARY_TYPES or layout == "article"


@component(
    "dates",
    requires=["text", "date"],
    assigns=["dates"],
)
def dates(doc: Document) -> Document:
    """Add the dates the text states, read against the document date, to those already found, in text order."""
    found = find_dates(doc.text, doc.date, prefer_document_year=not is_secondary(doc))
    known = {(d.start, d.end) for d in doc.dates}
    doc.dates.extend(d for d in found if (d.start, d.end) not in known)
    doc.dates.sort(key=lambda d: (d.start if d.start is not None else -1))
    return doc
