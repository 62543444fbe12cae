"""``/map``: every place with its mention count on an offline basemap; a table without JavaScript."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from opis.store import Store
from opis.web import lib
from opis.web.settings import get_store
from opis.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/map")
def map_page(request: Request, store: Store = Depends(get_store)):
    try:
        places, available = lib.places_with_counts(store), True
    except lib.Unavailable:
        places, available = [], False
    places = sorted(places, key=lambda p: (-(p.get("count") or 0), p.get("label") or ""))
    return render(request, "map.html", {"title": "Map", "places": places, "available": available})
