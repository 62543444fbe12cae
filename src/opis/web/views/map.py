"""``/map``: the places most documents discuss on an offline basemap; a table without JavaScript.

The page holds one page of the table (``TABLE_PAGE`` places, most discussed first, ``?page=N``
for the next); the map draws the ``MAX_POINTS`` most discussed places, which ``map.js`` reads
from ``/api/places`` as JSON (the table's rows when that cannot be read). Both are one range of
the kept per-place counts, so the page costs the same at any size of archive."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request

from opis.archive import Archive
from opis.web.settings import get_archive
from opis.web.templating import render

router = APIRouter(include_in_schema=False)

MAX_POINTS = 1000  # places drawn on the map (the most discussed first); all are at /api/places
TABLE_PAGE = 100  # places listed per page of the table


@router.get("/map")
def map_page(request: Request, page: int = Query(1, ge=1, le=10_000), archive: Archive = Depends(get_archive)):
    """The map page of the places the documents discuss."""
    places = archive.places(limit=TABLE_PAGE + 1, offset=(page - 1) * TABLE_PAGE)
    more = len(places) > TABLE_PAGE
    places = places[:TABLE_PAGE]
    total = len(places) if page == 1 and not more else archive.count_places()
    pages = max(1, -(-total // TABLE_PAGE))
    return render(request, "map.html", {
        "title": "Map", "places": places, "total": total, "page": page, "pages": pages,
        "first": (page - 1) * TABLE_PAGE + 1, "points": f"/api/places?limit={MAX_POINTS}", "max_points": MAX_POINTS,
        "params": {}})
