"""``/upload``: send files or a folder to a writable server and follow each file's ingest."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from opis.archive import Archive
from opis.web.auth import identity
from opis.web.settings import get_archive
from opis.web.templating import render

router = APIRouter(include_in_schema=False)

RECENT = 50  # uploads listed on the page


@router.get("/upload")
def upload_page(request: Request, archive: Archive = Depends(get_archive)):
    """The upload page: whether uploading is possible and the recent uploads."""
    settings = request.app.state.settings
    who = identity(request)
    return render(request, "upload.html", {
        "title": "Upload",
        "writable": settings.allow_write,
        "accounts": archive.has_users(),
        "signed_in": who.via == "session" and who.user is not None,
        "may_upload": who.via == "session" and who.user is not None and who.user.can("editor"),
        "max_body": settings.max_body,
        "counts": archive.upload_counts(),
        "recent": archive.uploads(RECENT),
        "collections": archive.collections(),
    })
