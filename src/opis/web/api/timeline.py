"""/api/timeline: dated documents, claims and events."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query

from opis.archive import Archive
from opis.web.settings import get_archive

DATE = r"^\d{4}(-\d{2}(-\d{2})?)?$"
LIMIT = 2001  # one past the timeline page's 2000 (the page says when there are more)
router = APIRouter(tags=["timeline"])


@router.get("/timeline", summary="Dated items (kind, date, label, doc_id, span)")
def timeline(
    date_from: str | None = Query(None, pattern=DATE),
    date_to: str | None = Query(None, pattern=DATE),
    place: str | None = Query(None, description="place entity id"),
    person: str | None = Query(None, description="person entity id"),
    archive: Archive = Depends(get_archive),
):
    return archive.timeline(date_from, date_to, place, person, limit=LIMIT)
