"""/api/claims: numeric claims, and claims about the same thing side by side (by page)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query

from opis.archive import Archive
from opis.web.settings import get_archive

DATE = r"^\d{4}(-\d{2}(-\d{2})?)?$"
MAX_PAGE = 500  # claims per request at most (listed, or compared)
COMPARE_PAGE = 200  # claims compared by default
router = APIRouter(tags=["claims"])


@router.get("/claims", summary="A page of claims, optionally about one entity and within dates")
def claims(
    about: str | None = Query(None, description="entity id, e.g. place:tacheng (or words)"),
    date_from: str | None = Query(None, pattern=DATE),
    date_to: str | None = Query(None, pattern=DATE),
    kind: str | None = Query(None, max_length=200, description="a kind as listed by /api/claims/kinds"),
    limit: int = Query(100, ge=1, le=MAX_PAGE),
    offset: int = Query(0, ge=0),
    archive: Archive = Depends(get_archive),
):
    """The numbers the documents state (what, when, where, who says so), oldest first, ``limit`` from
    ``offset``. ``about`` is an entity id or words; dates bound the claims' dates."""
    return archive.claims(about, date_from, date_to, kind=kind, limit=limit, offset=offset)


@router.get("/claims/kinds", summary="Kinds of claims with their counts, most first")
def kinds(limit: int = Query(200, ge=1, le=1000), archive: Archive = Depends(get_archive)):
    """The kinds of claims with the number of claims of each, most first, ``limit`` kinds at most."""
    return archive.claim_kinds(limit)


@router.get("/claims/compare", summary="Claims grouped by what they count, sources side by side, among a page of claims")
def compare(
    about: str | None = Query(None),
    date_from: str | None = Query(None, pattern=DATE),
    date_to: str | None = Query(None, pattern=DATE),
    kind: str | None = Query(None, max_length=200),
    limit: int = Query(COMPARE_PAGE, ge=1, le=MAX_PAGE, description="dated claims compared, in date order"),
    offset: int = Query(0, ge=0),
    archive: Archive = Depends(get_archive),
):
    """A page of claims (``limit`` from ``offset``, in date order), grouped by what they count, so that
    different sources' numbers for the same thing stand side by side."""
    return archive.claims(about, date_from, date_to, compare=True, kind=kind, limit=limit, offset=offset)
