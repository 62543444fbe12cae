"""``/entities``: the people, places, organisations and units the documents mention, by type, with
their document and mention counts (kept aggregates), filtered by the first letters of a name,
sorted by documents, mentions or name, a page at a time."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request

from opis.archive import Archive
from opis.web.settings import get_archive
from opis.web.templating import render

router = APIRouter(include_in_schema=False)

PAGE = 50
MAX_PAGE = 2000  # a page costs its depth (an index walk of (page - 1) * PAGE entries)
TYPES = [("PERSON", "People"), ("PLACE", "Places"), ("ORG", "Organisations"), ("UNIT", "Units")]
SORTS = [("documents", "most documents"), ("mentions", "most mentions"), ("name", "name")]


@router.get("/entities")
def entities_page(request: Request, type: str | None = Query(None, pattern="^(?i:person|place|org|unit)?$"),
                  q: str | None = Query(None, max_length=100), sort: str = Query("documents", pattern="^(documents|mentions|name)$"),
                  page: int = Query(1, ge=1, le=MAX_PAGE), archive: Archive = Depends(get_archive)):
    """The entity index: all types or one (``type``), ``q`` the first letters of a name."""
    type_ = (type or "").upper() or None
    q = " ".join((q or "").split()) or None
    rows = archive.entity_index(type_, sort, limit=PAGE + 1, offset=(page - 1) * PAGE, q=q)
    counts = archive.entity_type_counts()
    label = dict(TYPES).get(type_ or "", "People, places, organisations and units")
    return render(request, "entities.html", {
        "title": label if type_ else "Entities", "heading": label, "rows": rows[:PAGE], "more": len(rows) > PAGE,
        "type": type_ or "", "q": q or "", "sort": sort, "page": page, "first": (page - 1) * PAGE + 1,
        "types": TYPES, "sorts": SORTS, "counts": counts, "total": sum(counts.values()),
        "params": {"type": (type_ or "").lower() or None, "q": q, "sort": None if sort == "documents" else sort,
                   "page": page},
    })
