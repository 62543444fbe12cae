"""/api/timeline: dated documents, claims and events, a page at a time; /api/timeline/years: counts by year.

Pages follow a cursor: the answer is the list of items (as it always was), and when more follow,
a ``Link: <...&cursor=...>; rel="next"`` header (and ``X-Next-Cursor``) names the next page.
``offset`` (bounded) is kept for clients that page by position.
"""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse

from opis.archive import Archive
from opis.web.settings import get_archive

DATE = r"^\d{4}(-\d{2}(-\d{2})?)?$"
CURSOR = r"^[^|]{0,40}\|[^|]{0,40}\|\d\|[^|]{1,64}\|-?\d{1,12}\|-?\d{1,12}$"
LIMIT = 200  # the default page (more: follow the Link header, or ask up to MAX_LIMIT)
MAX_LIMIT = 2001
MAX_OFFSET = 10_000  # a page costs its depth: deeper, follow the cursor or narrow the dates
router = APIRouter(tags=["timeline"])


@router.get("/timeline", summary="Dated items (kind, date, label, doc_id, span), a page at a time")
def timeline(
    request: Request,
    date_from: str | None = Query(None, pattern=DATE),
    date_to: str | None = Query(None, pattern=DATE),
    place: str | None = Query(None, max_length=200, description="place entity id or name"),
    person: str | None = Query(None, max_length=200, description="person entity id or name"),
    limit: int = Query(LIMIT, ge=1, le=MAX_LIMIT),
    cursor: str | None = Query(None, max_length=300, pattern=CURSOR, description="the next page's cursor (Link header)"),
    offset: int = Query(0, ge=0, le=MAX_OFFSET, description="items to skip (instead of a cursor)"),
    archive: Archive = Depends(get_archive),
):
    """Dated items (documents, claims, events) in date order, ``limit`` at a time. The next page's cursor is
    in the ``Link`` header (rel="next") and ``X-Next-Cursor``; ``offset`` skips items instead."""
    if offset:
        return archive.timeline(date_from, date_to, place or None, person or None, limit=limit, offset=offset)
    page = archive.timeline_page(date_from, date_to, place or None, person or None, limit=limit, cursor=cursor)
    headers = {}
    if page["next"]:
        params = {k: v for k, v in request.query_params.items() if k != "cursor"}
        url = f"{request.url.path}?{urlencode({**params, 'cursor': page['next']})}"
        headers = {"Link": f'<{url}>; rel="next"', "X-Next-Cursor": page["next"]}
    return JSONResponse(page["items"], headers=headers)  # plain rows: written as they are, not through FastAPI's encoder


@router.get("/timeline/years", summary="Documents, claims and events per year (kept counts)")
def timeline_years(archive: Archive = Depends(get_archive)):
    """Documents, claims and events per year of their earliest date (``year`` null: undated), from counts kept
    with every write."""
    return archive.timeline_years()
