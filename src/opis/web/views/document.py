"""``/documents/{id}``: metadata panel, abstract and keywords, text with headings, apparatus and linked
mentions, footnotes linked both ways, the reference list linked to the notes that cite it, Cite."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

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
def document_page(request: Request, doc_id: str, archive: Archive = Depends(get_archive)):
    """The page of one document."""
    doc = archive.get(doc_id)
    listed = {str(b.get("id")): b for b in doc.bibliography if b.get("id")}
    return render(request, "document.html", {
        "rec": doc, "title": doc.title, "cites": citations(doc), "original": archive.original(doc),
        "references": references.entries(doc.bibliography, doc.notes),
        "note_refs": lambda note: references.note_refs(note, listed),
        **curation_context(request, archive, doc.id, doc),
    })
