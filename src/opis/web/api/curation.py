"""/api/curation/...: curators correct documents, entities, mentions and claims; /api/history:
what was changed, by whom, before and after.

Every action is a correction (:meth:`opis.Archive.correct`): checked first (a refused one is
answered 422 with the reason), applied at once to the documents it concerns, re-applied after
every re-ingest, recorded in the history and undoable. ``?preview=true`` runs the same function
on copies and answers what it would change, storing nothing. Writing needs an account with the
editor role (its session with the page's ``X-CSRF-Token``, or its API token), see
:mod:`opis.web.auth`; reading the history needs the editor role too.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from opis.archive import Archive
from opis.audit import to_csv
from opis.web.auth import identity
from opis.web.settings import get_archive

router = APIRouter(tags=["curation"])

PREVIEW = Query(False, description="Only say what the action would change (documents, values before and "
                                   "after); nothing is stored.")


class Span(BaseModel):
    """A span of a document's text (or of its footnote ``note``)."""

    doc_id: str = Field(..., description="the document's id (or a unique prefix)")
    start: int = Field(..., ge=0)
    end: int = Field(..., ge=1)
    note: int | None = Field(None, description="the footnote the span is in; null: the main text")


class FieldIn(BaseModel):
    """A metadata field's new value (text; lists joined with "; ", signatures one per line; empty clears)."""

    field: str = Field(..., examples=["date"])
    value: str | None = Field(None, examples=["1945-09-05"])


class MergeIn(BaseModel):
    """The entity that is the same as this one (its mentions move here)."""

    other: str = Field(..., examples=["person~barmin"])


class SplitIn(BaseModel):
    """The mentions that are of another entity, and that entity's label."""

    label: str = Field(..., min_length=1)
    mentions: list[Span] = Field(..., min_length=1)


class RenameIn(BaseModel):
    """The entity's new preferred label (the old one stays a variant)."""

    label: str = Field(..., min_length=1)


class AuthorityIn(BaseModel):
    """The authority entry this entity is."""

    authority: str = Field(..., examples=["place:tacheng"])


class RetypeIn(Span):
    """A mention and its type."""

    type: Literal["PERSON", "PLACE", "ORG", "UNIT"]


class ClaimIn(Span):
    """A claim (the span of its number) and the corrected values (at least one)."""

    value: float | str | None = None
    date: str | None = Field(None, description="EDTF, e.g. 1945-09-05")
    place: str | None = Field(None, description="a place's entity id")


def _author(request: Request) -> str | None:
    who = identity(request)
    return who.user.name if who.user else None


def _run(request: Request, archive: Archive, kind: str, args: dict[str, Any], preview: bool) -> dict[str, Any]:
    if preview:
        return archive.preview(kind, args).to_dict()
    done = archive.correct(kind, args, author=_author(request))
    return {"kind": kind, "args": done.args, "preview": False, "documents": done.documents, "changes": done.changes,
            "audit_id": done.audit_id, "correction_id": done.id, "stale": [], "action": "correct"}


def _span(body: Span) -> dict[str, Any]:
    return {"doc_id": body.doc_id, "start": body.start, "end": body.end, "note": body.note}


@router.post("/curation/documents/{doc_id}/field", summary="Correct a metadata field of a document")
def set_field(request: Request, doc_id: str, body: FieldIn, preview: bool = PREVIEW,
              archive: Archive = Depends(get_archive)):
    """Set a metadata field (title, date, doc_type, classification, archival_refs …) of the document."""
    return _run(request, archive, "document.set", {"doc_id": doc_id, "field": body.field, "value": body.value}, preview)


@router.post("/curation/entities/{entity_id}/merge", summary="Merge another entity into this one")
def merge(request: Request, entity_id: str, body: MergeIn, preview: bool = PREVIEW,
          archive: Archive = Depends(get_archive)):
    """The entity ``other`` is the same as this one: its mentions point here, its names become variants."""
    return _run(request, archive, "entity.merge", {"into": entity_id, "other": body.other}, preview)


@router.post("/curation/entities/{entity_id}/split", summary="Split mentions off into a new entity")
def split(request: Request, entity_id: str, body: SplitIn, preview: bool = PREVIEW,
          archive: Archive = Depends(get_archive)):
    """The given mentions of this entity are of another one, labelled ``label`` (its id is made from it)."""
    return _run(request, archive, "entity.split",
                {"entity": entity_id, "label": body.label, "mentions": [_span(m) for m in body.mentions]}, preview)


@router.post("/curation/entities/{entity_id}/rename", summary="Rename an entity")
def rename(request: Request, entity_id: str, body: RenameIn, preview: bool = PREVIEW,
           archive: Archive = Depends(get_archive)):
    """Give the entity a new preferred label."""
    return _run(request, archive, "entity.rename", {"id": entity_id, "label": body.label}, preview)


@router.post("/curation/entities/{entity_id}/authority", summary="Link an entity to an authority entry")
def link_authority(request: Request, entity_id: str, body: AuthorityIn, preview: bool = PREVIEW,
                   archive: Archive = Depends(get_archive)):
    """The entity is the authority entry ``authority``: its mentions point there."""
    return _run(request, archive, "entity.authority", {"id": entity_id, "authority": body.authority}, preview)


@router.post("/curation/entities/{entity_id}/reject", summary="Mark an entity as not an entity")
def reject_entity(request: Request, entity_id: str, preview: bool = PREVIEW, archive: Archive = Depends(get_archive)):
    """The entity is a false positive: its mentions are removed, claims placed at it lose the place."""
    return _run(request, archive, "entity.reject", {"id": entity_id}, preview)


@router.post("/curation/mentions/reject", summary="Reject a mention")
def reject_mention(request: Request, body: Span, preview: bool = PREVIEW, archive: Archive = Depends(get_archive)):
    """The span is not a mention of any entity."""
    return _run(request, archive, "entity.unlink", _span(body), preview)


@router.post("/curation/mentions/retype", summary="Change the type of a mention")
def retype_mention(request: Request, body: RetypeIn, preview: bool = PREVIEW,
                   archive: Archive = Depends(get_archive)):
    """The mention is of another type (PERSON, PLACE, ORG, UNIT)."""
    return _run(request, archive, "mention.retype", {**_span(body), "type": body.type}, preview)


@router.post("/curation/claims/reject", summary="Reject a claim")
def reject_claim(request: Request, body: Span, preview: bool = PREVIEW, archive: Archive = Depends(get_archive)):
    """The number at the span is not a claim."""
    return _run(request, archive, "claim.reject", _span(body), preview)


@router.post("/curation/claims/correct", summary="Correct a claim's value, date or place")
def correct_claim(request: Request, body: ClaimIn, preview: bool = PREVIEW, archive: Archive = Depends(get_archive)):
    """Set the claim's value, date (EDTF) or place (an entity id)."""
    args = {**_span(body), **{k: v for k, v in (("value", body.value), ("date", body.date), ("place", body.place))
                              if v not in (None, "")}}
    return _run(request, archive, "claim.correct", args, preview)


@router.post("/curation/undo/{audit_id}", summary="Undo a change of the history")
def undo(request: Request, audit_id: int, preview: bool = PREVIEW, archive: Archive = Depends(get_archive)):
    """Undo the change: its correction is removed and the documents it changed restored (the change
    is recorded in the history too)."""
    return archive.undo(audit_id, author=_author(request), preview=preview).to_dict()


# --- history -----------------------------------------------------------------------------------
def may_read_history(request: Request, archive: Archive) -> bool:
    """Editors and admins read the history; anyone in single-user mode (no accounts)."""
    who = identity(request)
    if who.via == "server":
        return True
    if who.user is not None:
        return who.user.can("editor")
    return not archive.has_users()


def history_denied(request: Request, archive: Archive) -> JSONResponse | None:
    """None when the request may read the history; else 401 (anonymous) or 403 (a reader)."""
    if may_read_history(request, archive):
        return None
    if identity(request).user is None:
        return JSONResponse({"error": "unauthorized", "detail": "sign in: the history is for editors"}, 401)
    return JSONResponse({"error": "forbidden", "detail": "the history is for editors"}, 403)


@router.get("/history", summary="The history of changes (JSON or CSV)")
def history(request: Request, subject: str | None = None, author: str | None = None, kind: str | None = None,
            since: str | None = Query(None, description="ISO date"), until: str | None = Query(None, description="ISO date, inclusive"),
            limit: int = Query(100, ge=1, le=10_000), offset: int = Query(0, ge=0),
            format: Literal["json", "csv"] = "json", archive: Archive = Depends(get_archive)):
    """Changes newest first: about a document or entity (``subject``), by ``author`` (``-``: the
    command line), of a ``kind`` (``entity.merge``) or family (``entity``), between dates."""
    denied = history_denied(request, archive)
    if denied is not None:
        return denied
    try:
        rows = [r.to_dict() for r in archive.history(subject, author, kind, since, until, limit, offset)]
    except ValueError as exc:
        return JSONResponse({"error": "invalid_parameters", "detail": str(exc)}, 422)
    if format == "csv":
        return Response(to_csv(rows), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="history.csv"'})
    return rows


@router.get("/history/{audit_id}", summary="One change of the history")
def history_entry(request: Request, audit_id: int, archive: Archive = Depends(get_archive)):
    """One change: who, when, what, before and after."""
    denied = history_denied(request, archive)
    if denied is not None:
        return denied
    return archive.history_entry(audit_id).to_dict()
