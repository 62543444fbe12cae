"""/api/corrections: curator corrections (read; write only with --allow-write and the token)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from opis.store import Store
from opis.web.settings import get_store

router = APIRouter(tags=["corrections"])


class CorrectionIn(BaseModel):
    kind: str = Field(..., pattern=r"^[a-z]+\.[a-z_]+$", examples=["entity.link"])
    args: dict[str, Any] = Field(default_factory=dict)


@router.get("/corrections", summary="Curator corrections, re-applied after every re-ingest")
def list_corrections(store: Store = Depends(get_store)):
    return store.corrections()


@router.post("/corrections", status_code=201, summary="Add a correction (needs --allow-write and 'Authorization: Bearer TOKEN')")
def add_correction(body: CorrectionIn, store: Store = Depends(get_store)):
    return {"id": store.add_correction(body.kind, body.args)}
