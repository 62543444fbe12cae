"""Who is asking: the session cookie, a personal API token, or the server's own token.

:func:`identify` runs once per request (before the handler) and reads the database only when
the request carries a session cookie or a bearer token. :func:`write_denied` is the one rule for
writes (every method but GET, HEAD and OPTIONS):

* a read-only server refuses every write (403 ``read_only``);
* the server's own ``--token`` (single-user mode) may write;
* otherwise the request must come from an enabled account with the ``editor`` role or higher
  (401 ``unauthorized`` without one, 403 ``forbidden`` for a reader), and a request
  authenticated by the session cookie must carry the session's form token in the
  ``X-CSRF-Token`` header (403 ``csrf``): a page on another site can make a browser send the
  cookie, never the token. Bearer tokens are not sent by browsers on their own, so they need none.

The account pages (``/login``, ``/logout``, ``/account``) and the saved-search pages (``/saved``)
check their own forms (see :mod:`opis.web.views.account`, :mod:`opis.web.views.saved`); a user's
own saved searches (``/api/saved``) may be written by any role, readers included.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from fastapi import Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from opis import accounts
from opis.accounts import User
from opis.archive import Archive

SESSION_COOKIE = "opis_session"
LOGIN_COOKIE = "opis_login"  # the login form's token (double submit: no session exists yet)
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
ACCOUNT_PAGES = ("/login", "/logout", "/account")  # they check their own forms
OWN_PAGES = "/saved"  # a user's own saved searches: the pages check their own forms (any role)
OWN_API = "/api/saved"  # ... and through the API any signed-in role writes its own


@dataclass(frozen=True)
class Identity:
    """Who sent a request: ``via`` is ``session``, ``token`` (a personal API token),
    ``server`` (the server's own token) or None (anonymous)."""

    user: User | None = None
    via: str | None = None
    csrf: str | None = None
    token: str | None = None

    @property
    def anonymous(self) -> bool:
        """Nobody identified."""
        return self.via is None


ANONYMOUS = Identity()


def bearer(request: Request) -> str:
    """The bearer token of the request, or ``""``."""
    auth = request.headers.get("authorization", "")
    return auth[7:].strip() if auth.lower().startswith("bearer ") else ""


def _lookup(pool, cookie: str | None, token: str) -> Identity:
    with pool.lease(read=True) as store:
        archive = Archive.over(store)
        if token:
            user = archive.token_user(token)
            return Identity(user, "token", token=token) if user else ANONYMOUS
        found = archive.session_user(cookie)
        return Identity(found[0], "session", csrf=found[1]) if found else ANONYMOUS


async def identify(request: Request) -> Identity:
    """Who sent ``request`` (see the module docstring); anonymous when nothing checks out."""
    settings = request.app.state.settings
    token = bearer(request)
    if token and settings.token and hmac.compare_digest(token.encode(), settings.token.encode()):
        return Identity(None, "server")
    cookie = request.cookies.get(SESSION_COOKIE)
    if not token and not cookie:
        return ANONYMOUS
    return await run_in_threadpool(_lookup, request.app.state.pool, cookie, token)


def _error(code: int, name: str, detail: str, **headers: str) -> JSONResponse:
    return JSONResponse({"error": name, "detail": detail}, code, headers=headers or None)


def write_denied(request: Request, who: Identity) -> Response | None:
    """None when the request may go on; else the 401/403 answer (see the module docstring)."""
    settings = request.app.state.settings
    if request.method in SAFE_METHODS:
        return None
    if not settings.allow_write:
        return _error(403, "read_only", "this server is read-only (start it with --allow-write)")
    path = request.url.path
    if path in ACCOUNT_PAGES or path.startswith("/account/") or path == OWN_PAGES or path.startswith(OWN_PAGES + "/"):
        return None
    if who.via == "server":
        return None
    if who.user is None:
        detail = ("send 'Authorization: Bearer TOKEN' (a personal token from /account, or the server's)"
                  if bearer(request) or not request.cookies.get(SESSION_COOKIE) else "your session has ended: sign in")
        return _error(401, "unauthorized", detail, **{"WWW-Authenticate": "Bearer"})
    if who.via == "session" and not accounts.csrf_ok(who.csrf, request.headers.get(CSRF_HEADER)):
        return _error(403, "csrf", "a request from a signed-in browser must carry the page's X-CSRF-Token")
    if path == OWN_API or path.startswith(OWN_API + "/"):
        return None if who.user.can("reader") else _error(403, "forbidden", f"{who.user.name} is disabled")
    if not who.user.can("editor"):
        return _error(403, "forbidden", f"{who.user.name} is a {who.user.role}: writing needs the editor role")
    return None


def identity(request: Request) -> Identity:
    """The request's identity (set by the middleware; anonymous when it did not run)."""
    return getattr(request.state, "identity", ANONYMOUS)
