"""Pipeline component 'claims': quantities tied to what/when/where/who -> ``doc.claims``; dated
decrees and events -> ``doc.events``.

Runs after 'dates' (uses ``doc.dates``) and after 'entities'/'linking' (uses linked PLACE
mentions). The English spaCy pipeline is the one :mod:`opis.nlp` loads once for the whole ingest;
only its parsing components (``opis.nlp.PARSE``: tok2vec, tagger, parser, attribute ruler,
lemmatizer) run here, over the sentences that hold a quantity ('entities' runs its ``ner``).
"""

from __future__ import annotations

from opis.extract.claims import ClaimContext, extract_claims, skipped_regions
from opis.extract.dates_text import find_dates
from opis.extract.events import extract_events
from opis.model import Document
from opis.pipeline import component
from opis.pipeline.dates import is_secondary


def context_for(doc: Document) -> ClaimContext:
    """What claim extraction reads for a document: its dates, linked places outside notes, reference spans,
    document date and authors as source."""
    dates = doc.dates or find_dates(doc.text, doc.date, prefer_document_year=not is_secondary(doc))
    places = [m for m in doc.mentions if m.type == "PLACE" and m.entity_id and m.note is None and m.start is not None]
    refs = [(r.start, r.end) for r in doc.archival_refs if r.note is None and r.start is not None and r.end is not None]
    authors = [a.name for a in doc.authors if a.name and not any(c.isdigit() for c in a.name)]  # a name holds no digits
    return ClaimContext(
        text=doc.text,
        dates=dates,
        places=places,
        document_date=doc.date if doc.date and doc.date.edtf else None,
        inherit_document_date=not is_secondary(doc),
        source="; ".join(authors) or None,
        exclude=refs,
    )


def summary_claims(doc: Document, found: list) -> list:
    """Claims stated only in the record's summary (archive editors' words): no span in the text."""
    if not doc.summary:
        return []
    seen = {(c.value, c.qualifier) for c in found}
    ctx = ClaimContext(
        text=doc.summary,
        dates=find_dates(doc.summary, doc.date, prefer_document_year=not is_secondary(doc)),
        document_date=doc.date if doc.date and doc.date.edtf else None,
        inherit_document_date=not is_secondary(doc),
        source="record summary",
    )
    out = []
    for c in extract_claims(ctx):
        if (c.value, c.qualifier) in seen:
            continue
        c.start = c.end = None
        if c.quantity is not None:
            c.quantity.start = c.quantity.end = None
        out.append(c)
    return out


@component(
    "claims",
    requires=["text", "date", "dates", "mentions"],
    assigns=["claims", "events"],
)
def claims(doc: Document) -> Document:
    """Add the quantitative claims and dated events of the text (nothing for an empty text)."""
    if not doc.text.strip():
        return doc
    ctx = context_for(doc)
    found = extract_claims(ctx)
    doc.claims.extend(found)
    doc.claims.extend(summary_claims(doc, found))
    doc.events.extend(extract_events(doc.text, ctx.dates, ctx.exclude + skipped_regions(doc.text)))
    return doc
