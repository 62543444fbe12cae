"""/api/search: the query language, facets, snippets (opis.search)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query

from opis.archive import Archive
from opis.web import lib
from opis.web.settings import get_archive

router = APIRouter(tags=["search"])


@router.get("/search", summary="Search documents (variant expansion, facets, snippets)")
def search(
    q: str = Query(..., min_length=1, max_length=1000, description="query, e.g. Tacheng AND date:1945"),
    limit: int = Query(10, ge=1, le=100),
    offset: int = Query(0, ge=0, le=100000),
    exact: bool = Query(False, description="no variant expansion or stemming"),
    mode: str = Query("words", pattern="^(words|meaning|hybrid)$",
                      description='words; meaning (passages close in meaning, any language); hybrid (both fused);'
                                  ' a ~"..." in q makes words hybrid'),
    archive: Archive = Depends(get_archive),
):
    """Search the documents: hits with snippets, the total, facet counts and the variant names the query was
    expanded with; ``limit`` from ``offset``. A malformed query answers 400 with the position of the error.
    Found by meaning, a hit names its best ``passage`` (offsets in the text, similarity)."""
    return lib.search(archive, q, limit=limit, offset=offset, exact=exact, mode=mode)
