"""``/documents/{id}``: metadata panel, abstract and keywords, text with headings, apparatus and linked
mentions, footnotes linked both ways, the reference list linked to the notes that cite it, Cite."""

from __future__ import annotations

import re

from fastapi import APIRouter, Depends, Query, Request

from opis.archive import Archive
from opis.export import exporters
from opis.model import Document
from opis.web import references
from opis.web.settings import get_archive
from opis.web.templating import render
from opis.web.views.history import curation_context

router = APIRouter(include_in_schema=False)


def citations(doc: Document) -> list[dict]:
    """Every citation format, rendered (``html``: the citation with the source's emphasis, for
    the formats that give one); data exports (GeoJSON, CSV) are left to the API."""
    out = []
    for fmt, exporter in exporters().items():
        if not exporter.citation:
            continue
        label = exporter.label or fmt
        html = None
        try:
            body = exporter.render(doc)
            html = exporter.render_html(doc) if exporter.render_html else None
        except Exception as exc:  # one failing format must not hide the others
            body = f"(could not export: {exc})"
        out.append({"format": fmt, "label": label, "body": body, "html": html})
    return out


@router.get("/documents/{doc_id}")
def document_page(request: Request, doc_id: str, archive: Archive = Depends(get_archive),
                  passage: str | None = Query(None, max_length=30, pattern=r"^\d+-\d+$")):
    """The page of one document; ``passage=START-END``: that passage of the text highlighted
    (the link of a hit found by meaning)."""
    doc = archive.get(doc_id)
    listed = {str(b.get("id")): b for b in doc.bibliography if b.get("id")}
    return render(request, "document.html", {
        "rec": doc, "title": doc.title, "cites": citations(doc), "original": archive.original(doc),
        "text_html": highlighted(doc, passage), "related": related_panel(archive, doc.id),
        "references": references.entries(doc.bibliography, doc.notes),
        "note_refs": lambda note: references.note_refs(note, listed),
        **curation_context(request, archive, doc.id, doc),
    })


def highlighted(doc: Document, passage: str | None):
    """The document's text as HTML with the passage ``START-END`` marked (``<mark id="passage">``),
    or None (the text is rendered as usual)."""
    m = re.fullmatch(r"(\d+)-(\d+)", passage or "")
    if not m or not 0 <= int(m.group(1)) < int(m.group(2)) <= len(doc.text or ""):
        return None
    from opis.web.spans import Span, layer_spans, render_spans

    spans, points = layer_spans(doc)
    mark = Span(int(m.group(1)), int(m.group(2)), "mark", (("id", "passage"), ("class", "passage")), order=-1)
    return render_spans(doc.text or "", [mark, *spans], points)


RELATED_PENDING = 200  # documents waiting for their passages' embeddings: more, and the panel waits


def related_panel(archive: Archive, doc_id: str) -> dict:
    """The related documents panel: ``{"items": [...], "pending": n}`` (the documents are
    looked for only when few documents wait for their passages' embeddings, so a page never
    waits for a whole archive to be embedded: ``opis reindex --vectors`` does that)."""
    from opis.search import vectors
    from opis.web import lib

    waiting = vectors.pending(archive.store)
    if waiting > RELATED_PENDING or (waiting and archive.store.readonly):
        return {"items": [], "pending": waiting}
    return {"items": lib.related(archive, doc_id, 8), "pending": 0}
