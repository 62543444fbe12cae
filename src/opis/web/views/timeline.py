"""``/timeline``: the years at a glance (kept counts), then a page of documents, claims and events
on a zoomable time axis, filterable by dates and by place/person (searchable fields), paged by
a cursor so that every page costs the same whatever the size of the archive."""

from __future__ import annotations

import re
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request

from opis.archive import Archive
from opis.metadata.human_dates import sort_key, year_of
from opis.web.api.timeline import CURSOR
from opis.web.settings import get_archive
from opis.web.templating import render

router = APIRouter(include_in_schema=False)
DATE = r"^(\d{4}(-\d{2}(-\d{2})?)?)?$"  # (empty: the form's field left blank)
PAGE = 100  # items per page


ACCORDING = re.compile(r"\s*\(according to ([^()]*)\)$")


def _date(item: dict) -> dict:
    return item.get("date") or {}


def _hoist_reporter(group: dict) -> None:
    """When every claim of a document's group in a year is "(according to X)" of one X, say X
    once under the document's title and show each claim's label without it (``shown``)."""
    claims = [e for e in group["entries"] if e.get("kind") == "claim"]
    found = {m.group(1) if (m := ACCORDING.search(e.get("label") or "")) else None for e in claims}
    if len(claims) > 1 and len(found) == 1 and None not in found:
        group["according_to"] = found.pop()
        for e in claims:
            e["shown"] = ACCORDING.sub("", e.get("label") or "")


def by_year(items: list[dict]) -> list[dict]:
    """The page's items grouped by the year the source states (an approximate "1925~" under
    1925, whatever its widened search bounds), then by document, each in date order:
    ``[{"year", "documents": [{"doc_id", "title", "entries", "according_to"?}]}]`` (``year``
    "undated" last); an entry's ``shown`` is its label without the group's reporting party."""
    ordered = sorted(enumerate(items), key=lambda p: (sort_key(_date(p[1]).get("edtf"), _date(p[1]).get("earliest")), p[0]))
    years: dict[str, dict[str, dict]] = {}
    for _, item in ordered:
        year = year_of(_date(item).get("edtf"), _date(item).get("earliest")) or "undated"
        docs = years.setdefault(year, {})
        doc_id = item.get("doc_id") or ""
        group = docs.setdefault(doc_id, {"doc_id": doc_id, "title": item.get("title"), "entries": []})
        if item.get("kind") == "document":
            group["title"] = group["title"] or item.get("label")
        group["entries"].append(dict(item))
    for docs in years.values():
        for group in docs.values():
            _hoist_reporter(group)
    order = sorted(years, key=lambda y: (y == "undated", y))
    return [{"year": y, "documents": list(years[y].values())} for y in order]


def overview(years: list[dict], params: dict | None = None) -> list[dict]:
    """The dated years with their counts, a bar width (percent of the busiest year) and the link
    to the year (``href``: the timeline with ``params`` narrowed to that year; made here once per
    year, the page shows it twice)."""
    dated = [y for y in years if y["year"]]
    top = max((y["documents"] + y["claims"] + y["events"] for y in dated), default=0) or 1
    keep = {k: v for k, v in (params or {}).items() if v not in (None, "") and k not in ("date_from", "date_to")}
    base = "/timeline?" + (urlencode(keep) + "&" if keep else "")
    return [{**y, "total": (t := y["documents"] + y["claims"] + y["events"]), "width": max(1, round(100 * t / top)),
             "href": f"{base}date_from={y['year']}&date_to={y['year']}"}
            for y in dated]


@router.get("/timeline")
def timeline_page(request: Request, place: str | None = Query(None, max_length=200), person: str | None = Query(None, max_length=200),
                  date_from: str | None = Query(None, pattern=DATE), date_to: str | None = Query(None, pattern=DATE),
                  cursor: str | None = Query(None, max_length=300, pattern=CURSOR), archive: Archive = Depends(get_archive)):
    """The timeline page: dated items by year, a page at a time by cursor."""
    date_from, date_to = date_from or None, date_to or None
    page = archive.timeline_page(date_from, date_to, place or None, person or None, limit=PAGE, cursor=cursor or None)
    items = page["items"]
    notice = None
    if page["examined_to"] and len(items) < PAGE:
        notice = (f"Searched up to {page['examined_to']}: this page stops there so that it stays fast. "
                  "Choose “Later” to go on, or narrow the range with From/To.")
    params = {"place": place, "person": person, "date_from": date_from, "date_to": date_to}
    return render(request, "timeline.html", {
        "title": "Timeline", "items": items, "groups": by_year(items), "notice": notice,
        "years": overview(archive.timeline_years(), params), "cursor": cursor or "", "next_cursor": page["next"],
        "params": params, "place": place or "", "person": person or "", "date_from": date_from or "",
        "date_to": date_to or "",
    })
