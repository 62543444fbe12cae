"""/api/timeline: dated documents, claims and events."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query

from opis.store import Store
from opis.web import lib
from opis.web.settings import get_store

DATE = r"^\d{4}(-\d{2}(-\d{2})?)?$"
router = APIRouter(tags=["timeline"])


@router.get("/timeline", summary="Dated items (kind, date, label, doc_id, span)")
def timeline(
    date_from: str | None = Query(None, pattern=DATE),
    date_to: str | None = Query(None, pattern=DATE),
    place: str | None = Query(None, description="place entity id"),
    person: str | None = Query(None, description="person entity id"),
    store: Store = Depends(get_store),
):
    return lib.timeline(store, date_from=date_from, date_to=date_to, place=place, person=person)
