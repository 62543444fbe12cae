"""``/map``: every place with its mention count on an offline basemap; a table without JavaScript."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from opis.archive import Archive
from opis.web.settings import get_archive
from opis.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/map")
def map_page(request: Request, archive: Archive = Depends(get_archive)):
    places = sorted(archive.places(), key=lambda p: (-(p.get("count") or 0), p.get("label") or ""))
    return render(request, "map.html", {"title": "Map", "places": places})
