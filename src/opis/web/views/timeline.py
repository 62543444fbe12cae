"""``/timeline``: the years at a glance (kept counts), then a page of documents, claims and events
on a zoomable time axis, filterable by dates and by place/person (searchable fields)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request

from opis.archive import Archive
from opis.web.settings import get_archive
from opis.web.templating import render

router = APIRouter(include_in_schema=False)
DATE = r"^\d{4}(-\d{2}(-\d{2})?)?$"
PAGE = 100  # items per page
MAX_OFFSET = 10_000  # a page costs its depth: deeper, the page asks for a narrower range


def by_year(items: list[dict]) -> list[tuple[str, list[dict]]]:
    """The page's items grouped under the year of their earliest date, in timeline order."""
    groups: dict[str, list[dict]] = {}
    for item in items:
        groups.setdefault(((item.get("date") or {}).get("earliest") or "")[:4] or "undated", []).append(item)
    return list(groups.items())


def overview(years: list[dict]) -> list[dict]:
    """The dated years with their counts and a bar width (percent of the busiest year)."""
    dated = [y for y in years if y["year"]]
    top = max((y["documents"] + y["claims"] + y["events"] for y in dated), default=0) or 1
    return [{**y, "total": (t := y["documents"] + y["claims"] + y["events"]), "width": max(1, round(100 * t / top))}
            for y in dated]


@router.get("/timeline")
def timeline_page(request: Request, place: str | None = Query(None, max_length=200), person: str | None = Query(None, max_length=200),
                  date_from: str | None = Query(None, pattern=DATE), date_to: str | None = Query(None, pattern=DATE),
                  offset: int = Query(0, ge=0, le=MAX_OFFSET), archive: Archive = Depends(get_archive)):
    # one past the page: the page says when there are more
    items = archive.timeline(date_from, date_to, place or None, person or None, limit=PAGE + 1, offset=offset)
    more = len(items) > PAGE
    items = items[:PAGE]
    notice = None
    if more and offset + PAGE > MAX_OFFSET:
        more = False
        notice = "More items follow: narrow the range with From/To (a year of the overview), or choose a place or person."
    params = {"place": place, "person": person, "date_from": date_from, "date_to": date_to}
    return render(request, "timeline.html", {
        "title": "Timeline", "items": items, "groups": by_year(items), "notice": notice,
        "years": overview(archive.timeline_years()), "offset": offset, "page_size": PAGE,
        "next_offset": offset + PAGE if more else None, "prev_offset": max(0, offset - PAGE) if offset else None,
        "params": params, "place": place or "", "person": person or "", "date_from": date_from or "",
        "date_to": date_to or "",
    })
