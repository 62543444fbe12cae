"""``/timeline``: documents, claims and events on a zoomable time axis, filterable by place/person."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request

from opis.archive import Archive
from opis.web.settings import get_archive
from opis.web.templating import render

router = APIRouter(include_in_schema=False)
DATE = r"^\d{4}(-\d{2}(-\d{2})?)?$"
MAX_ITEMS = 2000  # beyond this the page asks for a narrower date range, place or person


def by_year(items: list[dict]) -> list[tuple[str, list[dict]]]:
    groups: dict[str, list[dict]] = {}
    for item in sorted(items, key=lambda i: ((i.get("date") or {}).get("earliest") or "", i.get("label") or "")):
        groups.setdefault(((item.get("date") or {}).get("earliest") or "")[:4] or "undated", []).append(item)
    return list(groups.items())


@router.get("/timeline")
def timeline_page(request: Request, place: str | None = Query(None, max_length=200), person: str | None = Query(None, max_length=200),
                  date_from: str | None = Query(None, pattern=DATE), date_to: str | None = Query(None, pattern=DATE),
                  archive: Archive = Depends(get_archive)):
    notice = None
    # one past the page's limit: the page says when there are more
    items = archive.timeline(date_from, date_to, place or None, person or None, limit=MAX_ITEMS + 1)
    if len(items) > MAX_ITEMS:
        notice = (f"More than {MAX_ITEMS} dated items: showing the first {MAX_ITEMS}. "
                  "Narrow the range with From/To, or choose a place or person.")
        items = items[:MAX_ITEMS]
    docs = archive.titles(i["doc_id"] for i in items if i.get("doc_id"))
    return render(request, "timeline.html", {
        "title": "Timeline", "items": items, "groups": by_year(items), "notice": notice, "doc_titles": docs,
        "place": place or "", "person": person or "", "date_from": date_from or "", "date_to": date_to or "",
        "places": archive.entities("PLACE", limit=500), "people": archive.entities("PERSON", limit=500),
    })
