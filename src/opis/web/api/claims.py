"""/api/claims: numeric claims, and claims about the same thing side by side."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query

from opis.archive import Archive
from opis.web.settings import get_archive

DATE = r"^\d{4}(-\d{2}(-\d{2})?)?$"
router = APIRouter(tags=["claims"])


@router.get("/claims", summary="Claims, optionally about one entity and within dates")
def claims(
    about: str | None = Query(None, description="entity id, e.g. place:tacheng"),
    date_from: str | None = Query(None, pattern=DATE),
    date_to: str | None = Query(None, pattern=DATE),
    archive: Archive = Depends(get_archive),
):
    return archive.claims(about, date_from, date_to)


@router.get("/claims/compare", summary="Claims grouped by what they count, sources side by side")
def compare(
    about: str | None = Query(None),
    date_from: str | None = Query(None, pattern=DATE),
    date_to: str | None = Query(None, pattern=DATE),
    archive: Archive = Depends(get_archive),
):
    return archive.claims(about, date_from, date_to, compare=True)
