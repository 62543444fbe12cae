"""``/``: the documents, by date, with paging and a type filter."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request

from opis.archive import Archive
from opis.web.settings import get_archive
from opis.web.templating import render

router = APIRouter(include_in_schema=False)
PAGE = 50


@router.get("/")
def home(request: Request, doc_type: str | None = Query(None, max_length=100), page: int = Query(1, ge=1, le=100000),
         archive: Archive = Depends(get_archive)):
    listing = archive.list(PAGE, (page - 1) * PAGE, doc_type=doc_type or None).to_dict()
    return render(request, "home.html", {
        "listing": listing, "types": archive.document_types(), "doc_type": doc_type or "", "page": page,
        "pages": max(1, -(-listing["total"] // PAGE)), "params": {"doc_type": doc_type},
    })
