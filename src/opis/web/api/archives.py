"""/api/archives: the archive → fond → opis → delo tree, and what cites a file."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query

from opis.store import Store
from opis.web import lib
from opis.web.settings import get_store

router = APIRouter(tags=["archives"])


@router.get("/archives", summary="Children of a level of the archive tree, with counts")
def tree(
    archive: str | None = Query(None, max_length=200),
    fond: str | None = Query(None, max_length=200),
    opis: str | None = Query(None, max_length=200),
    store: Store = Depends(get_store),
):
    return lib.archive_tree(store, archive=archive, fond=fond, opis=opis)


@router.get("/archives/citing", summary="Documents and notes that cite an archival file")
def citing(
    archive: str = Query(..., max_length=200),
    fond: str | None = Query(None, max_length=200),
    opis: str | None = Query(None, max_length=200),
    delo: str | None = Query(None, max_length=200),
    store: Store = Depends(get_store),
):
    return lib.citing(store, archive, fond=fond, opis=opis, delo=delo)
