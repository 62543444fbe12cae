"""``/claims``: claims about the same thing from different sources, side by side.

The comparison is made among one page of claims (``WINDOW`` dated claims in date order, of one
kind or of all), read by index; the kinds come from the kept per-kind counts."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request

from opis.archive import Archive
from opis.web.settings import get_archive
from opis.web.templating import render

router = APIRouter(include_in_schema=False)

WINDOW = 200  # dated claims compared per page


@router.get("/claims")
def claims_page(request: Request, about: str | None = Query(None, max_length=200),
                kind: str | None = Query(None, max_length=200), page: int = Query(1, ge=1, le=100_000),
                archive: Archive = Depends(get_archive)):
    """The claims page: claims grouped by what they count, a window at a time."""
    offset = (page - 1) * WINDOW
    groups = archive.claims(about or None, compare=True, kind=kind or None, limit=WINDOW, offset=offset)
    more = bool(archive.claims(about or None, kind=kind or None, limit=1, offset=offset + WINDOW))
    ids = {c.get("doc_id") for g in groups for c in g.get("claims", []) if isinstance(c, dict)}
    return render(request, "claims.html", {
        "title": "Claims", "groups": groups, "claims": None, "about": about or "", "kind": kind or "",
        "kinds": archive.claim_kinds(limit=40), "page": page, "first": offset + 1, "last": offset + WINDOW,
        "more": more, "params": {"about": about, "kind": kind, "page": page},
        "doc_titles": archive.titles(i for i in ids if i),
    })
