"""``/claims``: claims about the same thing from different sources, side by side."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request

from opis.archive import Archive
from opis.web.settings import get_archive
from opis.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/claims")
def claims_page(request: Request, about: str | None = Query(None, max_length=200),
                archive: Archive = Depends(get_archive)):
    groups = archive.claims(about or None, compare=True)
    ids = {c.get("doc_id") for g in groups for c in g.get("claims", []) if isinstance(c, dict)}
    return render(request, "claims.html", {
        "title": "Claims", "groups": groups, "claims": None, "about": about or "",
        "doc_titles": archive.titles(i for i in ids if i),
    })
