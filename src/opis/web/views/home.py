"""``/``: the documents, by date, with paging and a type filter (types and totals from kept counts)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request

from opis.archive import Archive
from opis.web.settings import get_archive
from opis.web.templating import render

router = APIRouter(include_in_schema=False)
PAGE = 50
MAX_PAGE = 2000  # a page costs its depth (an index walk of (page - 1) * PAGE entries): 100,000 at most


@router.get("/")
def home(request: Request, doc_type: str | None = Query(None, max_length=100), page: int = Query(1, ge=1, le=MAX_PAGE),
         archive: Archive = Depends(get_archive)):
    """The home page: documents by date, a page at a time, optionally of one type."""
    listing = archive.list(PAGE, (page - 1) * PAGE, doc_type=doc_type or None).to_dict()
    types = archive.document_type_counts()
    return render(request, "home.html", {
        "listing": listing, "types": [t["doc_type"] for t in types if t["doc_type"]], "type_counts": types,
        "doc_type": doc_type or "", "page": page, "pages": min(MAX_PAGE, max(1, -(-listing["total"] // PAGE))),
        "params": {"doc_type": doc_type},
    })
