"""``/history``: the log of every change curators made, with filters (who, kind, dates), CSV and
JSON exports and undo; and the history panel and curation forms of the document and entity pages
(:func:`curation_context`)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request

from opis.archive import Archive
from opis.authority.curation import DOCUMENT_FIELDS, KINDS, field_text
from opis.web.api.curation import may_read_history
from opis.web.auth import identity
from opis.web.settings import get_archive
from opis.web.templating import render

router = APIRouter(include_in_schema=False)

PANEL = 20  # changes shown in a page's history panel
PAGE = 50  # changes per page of the log


def may_curate(request: Request, archive: Archive) -> bool:
    """Whether the page shows the curation forms: a writable server, and a signed-in editor or
    no accounts at all (single-user mode: the forms then send the server's token, typed once)."""
    who = identity(request)
    if not request.app.state.settings.allow_write:
        return False
    if who.user is not None:
        return who.via == "session" and who.user.can("editor")
    return not archive.has_users()


def curation_context(request: Request, archive: Archive, subject: str, doc: Any = None) -> dict[str, Any]:
    """What the curation partials of a document or entity page need: whether to show the forms,
    the page's history (for those who may read it) and, for a document, its editable fields."""
    curate = may_curate(request, archive)
    single = not archive.has_users()
    shown = may_read_history(request, archive) and (curate or single)
    out: dict[str, Any] = {"may_curate": curate, "single_user": single, "history": [], "history_shown": shown,
                           "history_subject": subject}
    if shown:
        out["history"] = archive.history(subject=subject, limit=PANEL)
    if doc is not None and out["may_curate"]:
        out["doc_fields"] = {name: field_text(doc, name) for name in DOCUMENT_FIELDS}
    return out


@router.get("/history")
def history_page(request: Request, author: str | None = None, kind: str | None = None, since: str | None = None,
                 until: str | None = None, subject: str | None = None, page: int = Query(1, ge=1, le=100_000),
                 archive: Archive = Depends(get_archive)):
    """The log of changes, newest first, with filters."""
    allowed = may_read_history(request, archive)
    params = {k: v for k, v in (("author", author), ("kind", kind), ("since", since), ("until", until),
                                ("subject", subject)) if v}
    rows, error = [], None
    if allowed:
        try:
            rows = archive.history(subject, author, kind, since, until, limit=PAGE + 1, offset=(page - 1) * PAGE)
        except ValueError:
            error = "Dates are ISO dates, e.g. 2026-12-05."
    return render(request, "history.html", {
        "title": "History of changes", "allowed": allowed, "rows": rows[:PAGE], "more": len(rows) > PAGE,
        "page": page, "params": params, "authors": archive.history_authors() if allowed else [],
        "kinds": KINDS, "error": error, "may_curate": may_curate(request, archive),
        "single_user": not archive.has_users(),
    }, status_code=200 if allowed else (401 if identity(request).user is None else 403))
