"""``/search?q=…``: results with highlighted snippets, facets, a date histogram and paging."""

from __future__ import annotations

import re

from fastapi import APIRouter, Depends, Query, Request

from opis.errors import QuerySyntaxError
from opis.store import Store
from opis.web import lib
from opis.web.settings import get_store
from opis.web.snippets import snippet_html
from opis.web.templating import render

router = APIRouter(include_in_schema=False)
PAGE = 10
YEAR = re.compile(r"^\d{4}$")


def histogram(facets: dict) -> list[tuple[str, int]]:
    """The year facet (whatever its name) as (year, count), sorted by year."""
    for name in ("year", "years", "date", "decade"):
        values = facets.get(name)
        if values and all(YEAR.match(str(v[0])) for v in values):
            return sorted((str(v[0]), int(v[1])) for v in values)
    return []


@router.get("/search")
def search_page(request: Request, q: str = Query("", max_length=1000), page: int = Query(1, ge=1, le=1000),
                exact: bool = Query(False), store: Store = Depends(get_store)):
    ctx = {"q": q, "page": page, "exact": exact, "result": None, "error": None, "hist": [], "pages": 1,
           "available": lib.search_available(), "params": {"q": q, "exact": "1" if exact else None}}
    if q.strip() and ctx["available"]:
        try:
            result = lib.search(store, q, limit=PAGE, offset=(page - 1) * PAGE, exact=exact)
        except QuerySyntaxError as exc:
            ctx["error"] = exc
        else:
            for hit in result.get("hits", []):
                hit["snippet_html"] = snippet_html(hit.get("snippet") or "")
            ctx.update(result=result, hist=histogram(result.get("facets") or {}),
                       pages=max(1, -(-int(result.get("total") or 0) // PAGE)))
    return render(request, "search.html", ctx, status_code=400 if ctx["error"] else 200)
