"""/api/archives: the archive → fond → opis → delo tree, and what cites a file, a page at a time."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query

from opis.archive import Archive
from opis.web.settings import get_archive

router = APIRouter(tags=["archives"])
MAX_LIMIT = 1000
MAX_OFFSET = 100_000


@router.get("/archives", summary="Children of a level of the archive tree, with counts")
def tree(
    archive: str | None = Query(None, max_length=200),
    fond: str | None = Query(None, max_length=200),
    opis: str | None = Query(None, max_length=200),
    limit: int = Query(MAX_LIMIT, ge=1, le=MAX_LIMIT),
    after: str | None = Query(None, max_length=200, description="the last child of the previous page"),
    arch: Archive = Depends(get_archive),
):
    """The children of one level of the archive → fond → opis → delo tree (no parameter: the archives), each
    with its counts of references and citing documents. A page of ``limit`` children after the child named
    ``after``."""
    return arch.archive_tree(archive, fond, opis, limit=limit, after=after)


@router.get("/archives/citing", summary="Documents and notes that cite an archival file")
def citing(
    archive: str = Query(..., max_length=200),
    fond: str | None = Query(None, max_length=200),
    opis: str | None = Query(None, max_length=200),
    delo: str | None = Query(None, max_length=200),
    limit: int = Query(MAX_LIMIT, ge=1, le=MAX_LIMIT),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
    arch: Archive = Depends(get_archive),
):
    """The documents and footnotes that cite an archive, fond, opis or delo, by file and then by the citing
    document's date; ``limit`` from ``offset``."""
    return arch.citing(archive, fond, opis, delo, limit=limit, offset=offset)
