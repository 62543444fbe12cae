"""``/map``: the places most documents discuss on an offline basemap; a table without JavaScript.

The points are read from the kept per-place counts (one index range), at most ``MAX_POINTS``."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from opis.archive import Archive
from opis.web.settings import get_archive
from opis.web.templating import render

router = APIRouter(include_in_schema=False)

MAX_POINTS = 1000  # places drawn and listed (the most discussed first); all are at /api/places


@router.get("/map")
def map_page(request: Request, archive: Archive = Depends(get_archive)):
    """The map page of the places the documents discuss."""
    places = archive.places(limit=MAX_POINTS)
    total = len(places) if len(places) < MAX_POINTS else archive.count_places()
    return render(request, "map.html", {"title": "Map", "places": places, "total": total})
