"""/api/archives: the archive → fond → opis → delo tree, and what cites a file."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query

from opis.archive import Archive
from opis.web.settings import get_archive

router = APIRouter(tags=["archives"])


@router.get("/archives", summary="Children of a level of the archive tree, with counts")
def tree(
    archive: str | None = Query(None, max_length=200),
    fond: str | None = Query(None, max_length=200),
    opis: str | None = Query(None, max_length=200),
    arch: Archive = Depends(get_archive),
):
    return arch.archive_tree(archive, fond, opis)


@router.get("/archives/citing", summary="Documents and notes that cite an archival file")
def citing(
    archive: str = Query(..., max_length=200),
    fond: str | None = Query(None, max_length=200),
    opis: str | None = Query(None, max_length=200),
    delo: str | None = Query(None, max_length=200),
    arch: Archive = Depends(get_archive),
):
    return arch.citing(archive, fond, opis, delo)
