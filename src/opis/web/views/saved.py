"""``/saved``: a signed-in user's saved searches (any role, readers too), what is new in each
since their last visit, and the Atom feed of each (``/saved/{id}/feed.atom?token=…``).

The forms carry the session's form token and are checked here (the write guard leaves
``/saved`` to this module, as it does the account pages): a session user writes only their own
saved searches. Searches run through the search page's own function (:func:`opis.web.lib.search`).
Opening a saved search notes the visit in a write of its own, after the page's data is read.
The feed needs no session: its token (shown once, stored as a digest) is the key.
"""

from __future__ import annotations

import secrets
from functools import partial

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from opis.archive import Archive
from opis.errors import NotFound, OpisError, QuerySyntaxError
from opis.web import lib
from opis.web.auth import identity
from opis.web.settings import get_archive
from opis.web.snippets import snippet_html
from opis.web.templating import render

router = APIRouter(include_in_schema=False)
PAGE = 10
FEED_TYPE = "application/atom+xml; charset=utf-8"


def _user(request: Request):
    """The signed-in session user, or None."""
    who = identity(request)
    return who.user if who.via == "session" else None


def _form_ok(request: Request, csrf: str) -> bool:
    who = identity(request)
    return who.via == "session" and who.user is not None and bool(who.csrf) \
        and secrets.compare_digest(who.csrf or "", csrf or "")


def _expired(request: Request) -> Response:
    return render(request, "error.html", {"title": "Not saved", "code": 403, "error": "csrf",
                                          "detail": "The form had expired (or you are not signed in): reload the"
                                                    " page and try again."}, status_code=403)


def _sign_in(request: Request) -> Response:
    return RedirectResponse(f"/login?next={request.url.path}", status_code=303)


def _list_page(request: Request, archive: Archive, message: str | None = None, error: str | None = None,
               code: int = 200) -> Response:
    user = _user(request)
    if user is None:
        return _sign_in(request)
    found = archive.saved_searches(user=user, run=partial(lib.search, archive))
    return render(request, "saved.html", {"title": "Saved searches", "saved": found, "message": message,
                                          "error": error}, status_code=code)


@router.get("/saved")
def saved_list(request: Request, archive: Archive = Depends(get_archive)):
    """The signed-in user's saved searches, each with how many documents are new in it."""
    return _list_page(request, archive)


@router.post("/saved")
def save(request: Request, name: str = Form("", max_length=200), q: str = Form("", max_length=1000),
         exact: str = Form("", max_length=5), csrf: str = Form("", max_length=100),
         archive: Archive = Depends(get_archive)):
    """Save the search of the search page's form under a name; go to it."""
    if not _form_ok(request, csrf):
        return _expired(request)
    try:
        s = archive.save_search(name, q, exact=bool(exact), user=_user(request))
    except QuerySyntaxError as exc:
        return _list_page(request, archive, error=f"Not saved: {exc.message}", code=400)
    except OpisError as exc:
        return _list_page(request, archive, error=f"Not saved: {exc.message}.", code=400)
    return RedirectResponse(f"/saved/{s.id}", status_code=303)


@router.get("/saved/{saved_id}")
def saved_one(request: Request, saved_id: int, page: int = Query(1, ge=1, le=1000),
              archive: Archive = Depends(get_archive)):
    """One saved search: what is new since the last visit first, then every result (new ones
    marked); the visit is noted (a writable server)."""
    user = _user(request)
    if user is None:
        return _sign_in(request)
    return _one_page(request, archive, saved_id, page, visit=True)


def _one_page(request: Request, archive: Archive, saved_id: int, page: int = 1, feed_url: str | None = None,
              message: str | None = None, visit: bool = False) -> Response:
    user = _user(request)
    s = archive.saved_search(saved_id, user=user)
    run = partial(lib.search, archive)
    new = archive.saved_new(saved_id, user=user, run=run)
    result = run(s.query, limit=PAGE, offset=(page - 1) * PAGE, exact=s.exact)
    new_ids = {h["id"] for h in new["hits"]}
    for hit in [*new["hits"], *result["hits"]]:
        hit["snippet_html"] = snippet_html(hit.get("snippet") or "")
        hit["new"] = hit["id"] in new_ids
    ctx = {"title": s.name, "s": s, "new": new, "result": result, "page": page, "feed_url": feed_url,
           "message": message, "pages": max(1, -(-int(result.get("total") or 0) // PAGE)),
           "params": {}}
    response = render(request, "saved_one.html", ctx)
    if visit and request.app.state.settings.allow_write:
        with request.app.state.pool.lease(read=False) as store:
            Archive.over(store).visit_saved(saved_id, user=user)
    return response


@router.post("/saved/{saved_id}/delete")
def delete(request: Request, saved_id: int, csrf: str = Form("", max_length=100),
           archive: Archive = Depends(get_archive)):
    """Delete one of the user's saved searches."""
    if not _form_ok(request, csrf):
        return _expired(request)
    s = archive.saved_search(saved_id, user=_user(request))
    archive.remove_saved(saved_id, user=_user(request))
    return _list_page(request, archive, message=f"Deleted the saved search {s.name}.")


@router.post("/saved/{saved_id}/feed")
def new_feed(request: Request, saved_id: int, csrf: str = Form("", max_length=100),
             archive: Archive = Depends(get_archive)):
    """Make a new feed URL (shown once; an older one stops working)."""
    if not _form_ok(request, csrf):
        return _expired(request)
    token = archive.saved_feed_token(saved_id, user=_user(request))
    url = f"{str(request.base_url).rstrip('/')}/saved/{saved_id}/feed.atom?token={token}"
    return _one_page(request, archive, saved_id, feed_url=url,
                     message="New feed address made. Copy it into your feed reader now: it is not shown again.")


@router.post("/saved/{saved_id}/feed/revoke")
def revoke_feed(request: Request, saved_id: int, csrf: str = Form("", max_length=100),
                archive: Archive = Depends(get_archive)):
    """Revoke the feed: its address stops working."""
    if not _form_ok(request, csrf):
        return _expired(request)
    archive.revoke_saved_feed(saved_id, user=_user(request))
    return _one_page(request, archive, saved_id, message="Feed revoked: its address no longer works.")


@router.get("/saved/{saved_id}/feed.atom")
def feed(request: Request, saved_id: int, token: str = Query("", max_length=200),
         archive: Archive = Depends(get_archive)):
    """The Atom feed of a saved search, for whoever holds its token (404 otherwise)."""
    try:
        xml = archive.saved_feed(saved_id, token, base=str(request.base_url), host=request.url.hostname or "",
                                 run=partial(lib.search, archive))
    except NotFound:
        return Response("no such feed\n", status_code=404, media_type="text/plain; charset=utf-8")
    return Response(xml, media_type=FEED_TYPE, headers={"Cache-Control": "private, max-age=300"})
