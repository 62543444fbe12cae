"""``/collections``: the collections, who may see each, and forms to make and grant them (admins)
and to put documents in them (editors); the forms call ``/api/collections`` (see
:mod:`opis.web.api.collections`)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from opis.archive import Archive
from opis.web.api.collections import may
from opis.web.auth import identity
from opis.web.settings import get_archive
from opis.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/collections")
def collections_page(request: Request, archive: Archive = Depends(get_archive)):
    """The collections page (editors and admins; 401/403 for others)."""
    allowed = may(request, archive, "editor")
    admin = may(request, archive, "admin")
    writable = request.app.state.settings.allow_write
    return render(request, "collections.html", {
        "title": "Collections", "allowed": allowed, "admin": admin and writable, "editor": allowed and writable,
        "collections": archive.collections() if allowed else [],
        "users": [u.name for u in archive.users() if not u.disabled] if admin else [],
        "single_user": not archive.has_users(),
    }, status_code=200 if allowed else (401 if identity(request).user is None else 403))
