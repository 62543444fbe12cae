"""``/search?q=…``: results with highlighted snippets, facets, a date histogram and paging."""

from __future__ import annotations

import re

from fastapi import APIRouter, Depends, Query, Request

from opis.archive import Archive
from opis.errors import QuerySyntaxError
from opis.web import lib
from opis.web.settings import get_archive
from opis.web.snippets import snippet_html
from opis.web.templating import query_url, render

router = APIRouter(include_in_schema=False)
PAGE = 10
YEAR = re.compile(r"^\d{4}$")
DECADE = re.compile(r"^(\d{3})0s?$")
# facet name -> filter field of the query language (opis.search.query)
FACET_FILTER = {"place": "place", "person": "person", "org": "org", "archive": "archive", "language": "lang",
                "classification": "class", "doc_type": "type"}
FACET_TITLES = {"doc_type": "Type", "org": "Organisations and units", "place": "Places", "person": "People",
                "archive": "Archives", "language": "Languages", "classification": "Classification",
                "year": "Years", "decade": "Decades"}


def facet_filter(name: str, label: str) -> str | None:
    """The query clause that narrows a search to one facet value."""
    if name == "year" and YEAR.match(label):
        return f"date:{label}"
    if name == "decade" and (m := DECADE.match(label)):
        return f"date:{m.group(1)}0..{m.group(1)}9"
    field = FACET_FILTER.get(name)
    if not field:
        return None
    return f'{field}:"{label}"' if not re.fullmatch(r"[\w.-]+", label) else f"{field}:{label}"


def facet_links(q: str, facets: dict) -> list[dict]:
    """The facets as link lists that add a filter to the query (15 labels each; years left to the histogram)."""
    out = []
    for name, values in facets.items():
        items = []
        for label, count in values[:15]:
            clause = facet_filter(name, str(label))
            href = query_url("/search", {"q": f"{q} {clause}"}) if clause and clause not in q else None
            items.append({"label": label, "count": count, "href": href})
        if items and name != "year":  # years are drawn as the histogram
            out.append({"name": name, "title": FACET_TITLES.get(name, name.replace("_", " ").capitalize()), "items": items})
    return out


def histogram(q: str, facets: dict) -> list[dict]:
    """The year facet as bars (year, count, link narrowing the search to that year)."""
    values = facets.get("year") or []
    counts = {int(v[0]): int(v[1]) for v in values if YEAR.match(str(v[0]))}
    if not counts:
        return []
    years = range(min(counts), max(counts) + 1) if max(counts) - min(counts) <= 150 else sorted(counts)
    return [{"year": str(y), "count": counts.get(y, 0), "href": query_url("/search", {"q": f"{q} date:{y}"})}
            for y in years]


@router.get("/search")
def search_page(request: Request, q: str = Query("", max_length=1000), page: int = Query(1, ge=1, le=1000),
                exact: bool = Query(False), meaning: bool = Query(False), archive: Archive = Depends(get_archive)):
    """The search page: hits, facets and the year histogram of a query; ``meaning``: words and
    meaning fused (hybrid), each hit with its passage."""
    ctx = {"q": q, "page": page, "exact": exact, "meaning": meaning, "result": None, "error": None, "hist": [],
           "facets": [], "pages": 1, "words_pending": False,
           "params": {"q": q, "exact": "1" if exact else None, "meaning": "1" if meaning else None}}
    if q.strip():
        try:
            result = lib.search(archive, q, limit=PAGE, offset=(page - 1) * PAGE, exact=exact,
                                mode="hybrid" if meaning else "words")
        except QuerySyntaxError as exc:
            ctx["error"] = exc
        else:
            for hit in result.get("hits", []):
                hit["snippet_html"] = snippet_html(hit.get("snippet") or "")
            facets = result.get("facets") or {}
            ctx.update(result=result, hist=histogram(q, facets), facets=facet_links(q, facets),
                       pages=max(1, -(-int(result.get("total") or 0) // PAGE)),
                       words_pending="*" in q and archive.words_pending())
    return render(request, "search.html", ctx, status_code=400 if ctx["error"] else 200)
