"""/api/collections: list collections (editors and admins), make them and grant them (admins), put
documents in them (editors). See :mod:`opis.collections`.

Writes pass the server's write guard first (:mod:`opis.web.auth`: a writable server, an editor or
more, the CSRF header for a browser session); making a collection, changing its visibility and
granting it need an admin besides. In single-user mode (no accounts) and with the server's own
token everything is allowed.
"""

from __future__ import annotations

from fastapi import APIRouter, Body, Depends, Path, Request
from fastapi.responses import JSONResponse

from opis.archive import Archive
from opis.web.auth import identity
from opis.web.settings import get_archive

router = APIRouter(tags=["collections"])

NAME = Path(pattern=r"^[a-z0-9][a-z0-9._-]{0,63}$", description="the collection's name")


def may(request: Request, archive: Archive, role: str) -> bool:
    """Whether the request may act with ``role`` (``editor``, ``admin``) on collections."""
    who = identity(request)
    if who.via == "server":
        return True
    if who.user is not None:
        return who.user.can(role)
    return not archive.has_users()


def denied(request: Request, archive: Archive, role: str) -> JSONResponse | None:
    """None when the request may act with ``role``; else 401 (anonymous) or 403."""
    if may(request, archive, role):
        return None
    if identity(request).user is None:
        return JSONResponse({"error": "unauthorized", "detail": f"sign in as an {role}"}, 401,
                            headers={"WWW-Authenticate": "Bearer"})
    return JSONResponse({"error": "forbidden", "detail": f"this needs the {role} role"}, 403)


@router.get("/collections", summary="Collections with their visibility, documents and the accounts granted them")
def list_collections(request: Request, archive: Archive = Depends(get_archive)):
    """Every collection (editors and admins; 401/403 otherwise)."""
    return denied(request, archive, "editor") or [c.to_dict() for c in archive.collections()]


@router.post("/collections", status_code=201, summary="Make a collection (admins)")
def add_collection(request: Request, name: str = Body(..., pattern=r"^[a-z0-9][a-z0-9._-]{0,63}$"),
                   title: str | None = Body(None, max_length=200),
                   visibility: str = Body("restricted", pattern="^(public|restricted)$"),
                   archive: Archive = Depends(get_archive)):
    """Make a collection: 201 with it; 409 when the name is taken."""
    from opis.collections import CollectionError

    no = denied(request, archive, "admin")
    if no:
        return no
    try:
        return JSONResponse(archive.add_collection(name, title, visibility).to_dict(), 201)
    except CollectionError as exc:
        return JSONResponse({"error": "conflict", "detail": exc.message}, 409)


@router.post("/collections/{name}/visibility", summary="Make a collection public or restricted (admins)")
def set_visibility(request: Request, name: str = NAME,
                   visibility: str = Body(..., embed=True, pattern="^(public|restricted)$"),
                   archive: Archive = Depends(get_archive)):
    """The collection as it is now; 404 for an unknown one."""
    return denied(request, archive, "admin") or archive.set_collection_visibility(name, visibility).to_dict()


@router.post("/collections/{name}/grant", summary="Let an account see a collection (admins)")
def grant(request: Request, name: str = NAME, user: str = Body(..., embed=True, max_length=200),
          archive: Archive = Depends(get_archive)):
    """The collection with the accounts granted it; 404 for an unknown collection or account."""
    return denied(request, archive, "admin") or archive.grant(name, user).to_dict()


@router.post("/collections/{name}/revoke", summary="Take an account's access to a collection (admins)")
def revoke(request: Request, name: str = NAME, user: str = Body(..., embed=True, max_length=200),
           archive: Archive = Depends(get_archive)):
    """The collection with the accounts granted it; 404 for an unknown collection or account."""
    return denied(request, archive, "admin") or archive.grant(name, user, allow=False).to_dict()


@router.post("/collections/{name}/assign", summary="Put documents in a collection (editors)")
def assign(request: Request, name: str = NAME,
           ids: list[str] = Body(..., embed=True, min_length=1, max_length=10_000),
           archive: Archive = Depends(get_archive)):
    """``{"changed": n}``: how many documents changed collections; 404 for an unknown collection or
    document."""
    return denied(request, archive, "editor") or {"changed": archive.assign(ids, [name])}


@router.post("/collections/{name}/unassign", summary="Take documents out of a collection (editors)")
def unassign(request: Request, name: str = NAME,
             ids: list[str] = Body(..., embed=True, min_length=1, max_length=10_000),
             archive: Archive = Depends(get_archive)):
    """``{"changed": n}``; a document left in no collection goes back into the default public one."""
    return denied(request, archive, "editor") or {"changed": archive.assign(ids, [name], remove=True)}
