"""/api/timeline: dated documents, claims and events, a page at a time; /api/timeline/years: counts by year."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query

from opis.archive import Archive
from opis.web.settings import get_archive

DATE = r"^\d{4}(-\d{2}(-\d{2})?)?$"
LIMIT = 2001  # the default page: one past the timeline page's former 2000 (kept for old clients)
MAX_LIMIT = 2001
MAX_OFFSET = 10_000  # a page costs its depth: deeper than this, narrow the dates, place or person
router = APIRouter(tags=["timeline"])


@router.get("/timeline", summary="Dated items (kind, date, label, doc_id, span), a page at a time")
def timeline(
    date_from: str | None = Query(None, pattern=DATE),
    date_to: str | None = Query(None, pattern=DATE),
    place: str | None = Query(None, max_length=200, description="place entity id or name"),
    person: str | None = Query(None, max_length=200, description="person entity id or name"),
    limit: int = Query(LIMIT, ge=1, le=MAX_LIMIT),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
    archive: Archive = Depends(get_archive),
):
    return archive.timeline(date_from, date_to, place or None, person or None, limit=limit, offset=offset)


@router.get("/timeline/years", summary="Documents, claims and events per year (kept counts)")
def timeline_years(archive: Archive = Depends(get_archive)):
    return archive.timeline_years()
