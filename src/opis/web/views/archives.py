"""``/archives``: archive → fond → opis → delo, with the documents and notes citing each file,
a page at a time (counts kept with every write; children by keyset, citations by offset)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request

from opis.archive import Archive
from opis.web.settings import get_archive
from opis.web.templating import render

router = APIRouter(include_in_schema=False)
LEVELS = ["archive", "fond", "opis", "delo"]
CHILDREN = 200  # children per page
CITING = 100  # citations per page
MAX_OFFSET = 100_000


@router.get("/archives")
def archives_page(request: Request, archive: str | None = Query(None, max_length=200),
                  fond: str | None = Query(None, max_length=200), opis: str | None = Query(None, max_length=200),
                  delo: str | None = Query(None, max_length=200), after: str | None = Query(None, max_length=200),
                  offset: int = Query(0, ge=0, le=MAX_OFFSET), arch: Archive = Depends(get_archive)):
    """The archives page: a level of the archive tree, or the documents citing a delo."""
    path = {"archive": archive, "fond": fond, "opis": opis, "delo": delo}
    ctx = {"path": path, "level": None, "children": None, "citing": None, "next_after": None,
           "next_offset": None, "info": arch.archive_info(archive) if archive else None}
    if not delo:
        children = arch.archive_tree(archive, fond if archive else None, opis if archive and fond else None,
                                     limit=CHILDREN + 1, after=after)
        depth = sum(1 for k in LEVELS[:3] if path[k])
        ctx["level"] = LEVELS[min(depth, 3)]
        if len(children) > CHILDREN:
            children = children[:CHILDREN]
            ctx["next_after"] = children[-1][ctx["level"]]
        ctx["children"] = children
    if archive:
        citing = arch.citing(archive, fond, opis, delo, limit=CITING + 1, offset=offset)
        if len(citing) > CITING and offset + CITING <= MAX_OFFSET:
            ctx["next_offset"] = offset + CITING
        ctx["citing"] = citing[:CITING]
    ctx["crumbs"] = [(k, path[k]) for k in LEVELS if path[k]]
    return render(request, "archives.html", {"title": "Archives", "offset": offset, "after": after, "citing_page": CITING,
                                             **ctx})
