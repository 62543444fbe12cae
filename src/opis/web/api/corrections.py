"""/api/corrections: curator corrections (read; write only with --allow-write and the token).

A correction is checked by :meth:`opis.Archive.correct` before anything is stored (a refused
one is answered 422 with the reason), and applied at once to the documents it concerns."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from opis.archive import Archive
from opis.web.auth import identity
from opis.web.settings import get_archive

router = APIRouter(tags=["corrections"])


class CorrectionIn(BaseModel):
    """A correction to add: its kind (e.g. ``entity.link``, ``entity.merge``) and the arguments that kind
    needs."""

    kind: str = Field(..., pattern=r"^[a-z]+\.[a-z_]+$", examples=["entity.link"])
    args: dict[str, Any] = Field(default_factory=dict)


@router.get("/corrections", summary="Curator corrections, re-applied after every re-ingest")
def list_corrections(archive: Archive = Depends(get_archive)):
    """Every stored correction, oldest first: id, kind, arguments and when it was made."""
    return archive.corrections()


@router.post("/corrections", status_code=201,
             summary="Add a correction (needs --allow-write and 'Authorization: Bearer TOKEN'); 422 when refused")
def add_correction(request: Request, body: CorrectionIn, archive: Archive = Depends(get_archive)):
    """Store a correction and apply it at once to the documents it concerns, with the account that
    sent it as its author. It is checked first: a refused correction (unknown kind, missing or
    wrong arguments) answers 422 and nothing is stored."""
    who = identity(request)
    return archive.correct(body.kind, body.args, author=who.user.name if who.user else None).to_dict()
