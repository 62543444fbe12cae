"""``/archives``: archive → fond → opis → delo, with the documents and notes citing each file."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request

from opis.archive import Archive
from opis.web.settings import get_archive
from opis.web.templating import render

router = APIRouter(include_in_schema=False)
LEVELS = ["archive", "fond", "opis", "delo"]


@router.get("/archives")
def archives_page(request: Request, archive: str | None = Query(None, max_length=200),
                  fond: str | None = Query(None, max_length=200), opis: str | None = Query(None, max_length=200),
                  delo: str | None = Query(None, max_length=200), arch: Archive = Depends(get_archive)):
    path = {"archive": archive, "fond": fond, "opis": opis, "delo": delo}
    ctx = {"path": path, "level": None, "children": None, "citing": None,
           "info": arch.archive_info(archive) if archive else None}
    if not delo:
        ctx["children"] = arch.archive_tree(archive, fond if archive else None, opis if archive and fond else None)
        depth = sum(1 for k in LEVELS[:3] if path[k])
        ctx["level"] = LEVELS[min(depth, 3)]
    if archive:
        ctx["citing"] = arch.citing(archive, fond, opis, delo)
    ctx["crumbs"] = [(k, path[k]) for k in LEVELS if path[k]]
    return render(request, "archives.html", {"title": "Archives", **ctx})
