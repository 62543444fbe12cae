"""``/claims``: claims about the same thing from different sources, side by side, and every claim
that matches the filters, each a page at a time.

``about`` is what the API and the CLI take: an entity id (``place:xinjiang``) or words; the page
passes it on as it is, so that page and API answer alike, and when the words are an entity's
name it offers that entity. The comparison is made among one window of claims (``WINDOW`` dated
claims in date order, of one kind or of all), read by index; the kinds come from the kept
per-kind counts."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request

from opis.archive import Archive
from opis.web.settings import get_archive
from opis.web.templating import render

router = APIRouter(include_in_schema=False)

WINDOW = 200  # dated claims compared per page of comparisons
LIST = 50  # claims listed per page


def named_entity(archive: Archive, about: str) -> dict | None:
    """The entity whose name ``about`` is (exactly, ignoring case), when ``about`` is words."""
    if not about or ":" in about:
        return None
    folded = about.casefold()
    for e in archive.suggest(about, limit=5):
        if folded in (str(e.get("name") or "").casefold(), str(e.get("label") or "").casefold()):
            return e
    return None


@router.get("/claims")
def claims_page(request: Request, about: str | None = Query(None, max_length=200),
                kind: str | None = Query(None, max_length=200), page: int = Query(1, ge=1, le=100_000),
                lpage: int = Query(1, ge=1, le=100_000), archive: Archive = Depends(get_archive)):
    """The claims page: comparison groups (``page``: the window) and the claims listed (``lpage``)."""
    about, kind = about or None, kind or None
    offset = (page - 1) * WINDOW
    groups = archive.claims(about, compare=True, kind=kind, limit=WINDOW, offset=offset)
    more = bool(archive.claims(about, kind=kind, limit=1, offset=offset + WINDOW))
    listed = archive.claims(about, kind=kind, limit=LIST + 1, offset=(lpage - 1) * LIST)
    ids = {c.get("doc_id") for g in groups for c in g.get("claims", []) if isinstance(c, dict)}
    ids |= {c.get("doc_id") for c in listed}
    return render(request, "claims.html", {
        "title": "Claims", "groups": groups, "claims": listed[:LIST], "about": about or "", "kind": kind or "",
        "kinds": archive.claim_kinds(limit=200), "page": page, "first": offset + 1, "last": offset + WINDOW,
        "more": more, "lpage": lpage, "lfirst": (lpage - 1) * LIST + 1, "more_listed": len(listed) > LIST,
        "entity": named_entity(archive, about or ""),
        "params": {"about": about, "kind": kind, "page": page, "lpage": lpage},
        "doc_titles": archive.titles(i for i in ids if i),
    })
