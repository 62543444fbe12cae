"""/api/saved: the caller's own saved searches (list, create, read, rename or change, delete),
what is new in each since the last visit, and the token of each one's Atom feed.

Any signed-in role may write its own (readers too: a session with the page's
``X-CSRF-Token``, or a personal API token); the server's own ``--token`` acts as the local owner
(the command line's). Another user's saved search answers 404, as one that does not exist.
The searches run through :func:`opis.web.lib.search`, the search page's own function.
"""

from __future__ import annotations

from functools import partial

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from opis.archive import Archive
from opis.web import lib
from opis.web.auth import identity
from opis.web.settings import get_archive

router = APIRouter(tags=["saved searches"])


class SavedIn(BaseModel):
    """A search to save: a name and a query of the search language."""

    name: str = Field(..., min_length=1, max_length=100, examples=["Tacheng crossings"])
    query: str = Field(..., min_length=1, max_length=1000, examples=["Tacheng date:1962"])
    exact: bool = False


class SavedPatch(BaseModel):
    """What to change in a saved search (what is left out stays)."""

    name: str | None = Field(None, min_length=1, max_length=100)
    query: str | None = Field(None, min_length=1, max_length=1000)
    exact: bool | None = None


def _owner(request: Request):
    """(allowed, user): the caller's account, None for the server's token; not allowed when anonymous."""
    who = identity(request)
    if who.via == "server":
        return True, None
    return who.user is not None, who.user


def _anonymous() -> JSONResponse:
    return JSONResponse({"error": "unauthorized", "detail": "sign in, or send 'Authorization: Bearer TOKEN'"},
                        status_code=401, headers={"WWW-Authenticate": "Bearer"})


@router.get("/saved", summary="Your saved searches")
def list_saved(request: Request, archive: Archive = Depends(get_archive)):
    """Your saved searches, by name, each with ``new``: documents matching it ingested since your last visit."""
    ok, user = _owner(request)
    if not ok:
        return _anonymous()
    return {"saved": [s.to_dict() for s in archive.saved_searches(user=user, run=partial(lib.search, archive))]}


@router.post("/saved", status_code=201, summary="Save a search")
def create_saved(body: SavedIn, request: Request, archive: Archive = Depends(get_archive)):
    """Save a query under a name (400 for a malformed query or a name you already use)."""
    ok, user = _owner(request)
    if not ok:
        return _anonymous()
    return archive.save_search(body.name, body.query, exact=body.exact, user=user).to_dict()


@router.get("/saved/{saved_id}", summary="A saved search with what is new in it")
def get_saved(saved_id: int, request: Request, limit: int = Query(10, ge=0, le=100),
              offset: int = Query(0, ge=0), archive: Archive = Depends(get_archive)):
    """The saved search, ``new`` (the search among the documents ingested since your last visit)
    and ``results`` (a page of every result). Reading does not move the last visit: POST
    ``/api/saved/{id}/visit`` does."""
    ok, user = _owner(request)
    if not ok:
        return _anonymous()
    s = archive.saved_search(saved_id, user=user)
    run = partial(lib.search, archive)
    new = archive.saved_new(saved_id, user=user, run=run)
    s.new = int(new.get("total") or 0)
    return {"saved": s.to_dict(), "new": new,
            "results": run(s.query, limit=limit, offset=offset, exact=s.exact)}


@router.post("/saved/{saved_id}/visit", summary="Mark a saved search seen")
def visit_saved(saved_id: int, request: Request, archive: Archive = Depends(get_archive)):
    """Note your visit now: what was ingested so far is no longer new."""
    ok, user = _owner(request)
    if not ok:
        return _anonymous()
    archive.visit_saved(saved_id, user=user)
    return archive.saved_search(saved_id, user=user).to_dict()


@router.patch("/saved/{saved_id}", summary="Rename or change a saved search")
def patch_saved(saved_id: int, body: SavedPatch, request: Request, archive: Archive = Depends(get_archive)):
    """Change the name, query or exactness of a saved search (its last visit stays)."""
    ok, user = _owner(request)
    if not ok:
        return _anonymous()
    return archive.update_saved(saved_id, user=user, name=body.name, query=body.query, exact=body.exact).to_dict()


@router.delete("/saved/{saved_id}", status_code=204, summary="Delete a saved search")
def delete_saved(saved_id: int, request: Request, archive: Archive = Depends(get_archive)):
    """Delete a saved search and its feed."""
    ok, user = _owner(request)
    if not ok:
        return _anonymous()
    archive.remove_saved(saved_id, user=user)
    return Response(status_code=204)


@router.post("/saved/{saved_id}/feed", status_code=201, summary="Make a feed token")
def make_feed(saved_id: int, request: Request, archive: Archive = Depends(get_archive)):
    """A new token for the saved search's Atom feed, and the feed's URL (shown once; an older token
    stops working)."""
    ok, user = _owner(request)
    if not ok:
        return _anonymous()
    token = archive.saved_feed_token(saved_id, user=user)
    return {"token": token, "url": f"{str(request.base_url).rstrip('/')}/saved/{saved_id}/feed.atom?token={token}"}


@router.delete("/saved/{saved_id}/feed", status_code=204, summary="Revoke the feed")
def revoke_feed(saved_id: int, request: Request, archive: Archive = Depends(get_archive)):
    """Revoke the saved search's feed: its URL stops working."""
    ok, user = _owner(request)
    if not ok:
        return _anonymous()
    archive.revoke_saved_feed(saved_id, user=user)
    return Response(status_code=204)
