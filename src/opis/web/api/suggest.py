"""/api/suggest: entities by the first letters of a name (filter fields, curation forms)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query

from opis.archive import Archive
from opis.store.suggest import MAX_LIMIT
from opis.web.settings import get_archive

router = APIRouter(tags=["entities"])
TYPES = "^(PERSON|PLACE|ORG|UNIT)$"


@router.get("/suggest", summary="Entities whose label or a variant begins with q")
def suggest(
    q: str = Query(..., min_length=1, max_length=100, description="the first letters of a name"),
    type: str | None = Query(None, pattern=TYPES, description="PERSON, PLACE, ORG or UNIT"),
    limit: int = Query(10, ge=1, le=MAX_LIMIT),
    archive: Archive = Depends(get_archive),
):
    """Entities whose label or a variant begins with ``q`` (id, type, label and the name that matched), exact
    names first, for search-as-you-type."""
    return archive.suggest(q, type, limit)
