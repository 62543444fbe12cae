"""``/claims``: claims about the same thing from different sources, side by side."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request

from opis.store import Store
from opis.web import lib
from opis.web.settings import get_store
from opis.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/claims")
def claims_page(request: Request, about: str | None = Query(None, max_length=200), store: Store = Depends(get_store)):
    groups, claims, available = None, None, True
    try:
        groups = lib.compare_claims(store, about=about or None)
    except lib.Unavailable:
        try:
            claims = lib.list_claims(store, about=about or None)
        except lib.Unavailable:
            available = False
    ids = {c.get("doc_id") for g in groups or [] for c in g.get("claims", []) if isinstance(c, dict)}
    ids |= {c.get("doc_id") for c in claims or []}
    return render(request, "claims.html", {
        "title": "Claims", "groups": groups, "claims": claims, "available": available, "about": about or "",
        "doc_titles": lib.titles(store, sorted(i for i in ids if i)),
    })
