"""/api/documents: list with paging and filters, one record, its text with spans."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query

from opis.archive import Archive
from opis.web.settings import get_archive
from opis.web.spans import render_text

router = APIRouter(tags=["documents"])


@router.get("/documents", summary="List documents by date")
def list_documents(
    limit: int = Query(50, ge=1, le=1000),
    offset: int = Query(0, ge=0, le=100_000, description="a page costs its depth: deeper, filter by date or type"),
    doc_type: str | None = Query(None, description="report, telegram, article ..."),
    date_from: str | None = Query(None, description="ISO date lower bound", pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$"),
    date_to: str | None = Query(None, description="ISO date upper bound", pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$"),
    archive: str | None = Query(None, description="archive code cited, e.g. GARF"),
    arch: Archive = Depends(get_archive),
):
    """A page of documents by date (undated last), ``limit`` from ``offset``, with the total the filters keep.
    Undated documents pass the date filters."""
    return arch.list(limit, offset, doc_type=doc_type, date_from=date_from, date_to=date_to, archive=archive).to_dict()


@router.get("/documents/{doc_id}", summary="One record (the JSON of `opis show --json`)")
def get_document(doc_id: str, archive: Archive = Depends(get_archive)):
    """The record of one document by id (or unique id prefix), as ``opis show --json`` prints it; 404 when
    unknown."""
    return archive.record(doc_id)


@router.get("/documents/{doc_id}/text", summary="The text with its spans (apparatus, mentions, notes) and safe HTML")
def get_text(doc_id: str, archive: Archive = Depends(get_archive)):
    """The document's text with its apparatus, mentions and notes (character offsets into ``text``), and the
    text as safe HTML."""
    rec = archive.record(doc_id)
    return {
        "id": rec["id"],
        "text": rec.get("text", ""),
        "apparatus": rec.get("apparatus", []),
        "mentions": rec.get("mentions", []),
        "notes": rec.get("notes", []),
        "html": str(render_text(rec)),
    }


@router.get("/documents/{doc_id}/related",
            summary="Documents telling the same story: close passages (any language), shared entities, dates")
def get_related(doc_id: str, limit: int = Query(10, ge=1, le=50), archive: Archive = Depends(get_archive)):
    """The documents related to this one, best first, each with its score, the similarity of the passage pair
    that links them (``passages.this`` / ``passages.that``: offsets and excerpts), the entities both mention and
    how far their dates overlap; 404 when the document is unknown."""
    from opis.web import lib

    return {"id": archive.resolve_id(doc_id), "related": lib.related(archive, doc_id, limit)}
