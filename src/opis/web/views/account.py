"""``/login``, ``/logout`` and ``/account``: signing in and out, changing one's password, and
one's personal API tokens.

Every form carries a token: the login form a random one also set in a short-lived cookie
(double submit, as no session exists yet), the others the session's form token. A login always
starts a new session id, so an id planted in a browser before the login is never used after it.
"""

from __future__ import annotations

import secrets
import time
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from opis.accounts import AccountError, LoginRefused, TooManyAttempts
from opis.archive import Archive
from opis.errors import NotFound
from opis.web.auth import LOGIN_COOKIE, SESSION_COOKIE, identity
from opis.web.settings import get_archive
from opis.web.templating import render

router = APIRouter(include_in_schema=False)

LOGIN_FORM_SECONDS = 3600


def _safe_next(target: str | None) -> str:
    """A local path to go to after signing in (never another site)."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def _login_page(request: Request, next_url: str, error: str | None = None, code: int = 200,
                name: str = "") -> Response:
    form_token = secrets.token_urlsafe(32)
    response = render(request, "login.html", {"title": "Sign in", "next": next_url, "error": error,
                                              "form_token": form_token, "name": name}, status_code=code)
    response.set_cookie(LOGIN_COOKIE, form_token, max_age=LOGIN_FORM_SECONDS, httponly=True, samesite="strict",
                        secure=_secure(request), path="/login")
    return response


@router.get("/login")
def login_form(request: Request, next: str | None = None):
    """The sign-in page."""
    return _login_page(request, _safe_next(next))


@router.post("/login")
def login(request: Request, name: str = Form("", max_length=64), password: str = Form("", max_length=1024),
          csrf: str = Form("", max_length=100), next: str = Form("/", max_length=2000),
          archive: Archive = Depends(get_archive)):
    """Sign in from the form: a session cookie and a redirect to ``next``, or the form again with the reason
    (403, 401, 429)."""
    target = _safe_next(next)
    expected = request.cookies.get(LOGIN_COOKIE)
    if not (expected and csrf and secrets.compare_digest(expected, csrf)):
        return _login_page(request, target, "The form had expired: please sign in again.", 403, name)
    addr = request.client.host if request.client else None
    try:
        session = archive.login(name, password, addr)
    except TooManyAttempts as exc:
        response = _login_page(request, target, f"{exc.message}.", 429, name)
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    except LoginRefused as exc:
        return _login_page(request, target, f"Not signed in: {exc.message}.", 401, name)
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(SESSION_COOKIE, session.token, max_age=int(session.expires_at - time.time()),
                        httponly=True, samesite="lax", secure=_secure(request), path="/")
    response.delete_cookie(LOGIN_COOKIE, path="/login")
    return response


def _session_form_ok(request: Request, csrf: str) -> bool:
    who = identity(request)
    return who.via == "session" and bool(who.csrf) and secrets.compare_digest(who.csrf or "", csrf or "")


@router.post("/logout")
def logout(request: Request, csrf: str = Form("", max_length=100), archive: Archive = Depends(get_archive)):
    """Sign out: end the session, drop its cookie and go to the home page."""
    if not _session_form_ok(request, csrf):
        return render(request, "error.html", {"title": "Not signed out", "code": 403, "error": "csrf",
                                              "detail": "The form had expired: reload the page and sign out again."},
                      status_code=403)
    archive.logout(request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def _account_page(request: Request, archive: Archive, message: str | None = None, error: str | None = None,
                  new_token: str | None = None, code: int = 200) -> Response:
    who = identity(request)
    if who.via != "session" or who.user is None:
        return RedirectResponse("/login?next=/account", status_code=303)
    return render(request, "account.html", {
        "title": "Your account", "user": who.user, "tokens": archive.tokens(who.user.name),
        "message": message, "error": error, "new_token": new_token}, status_code=code)


@router.get("/account")
def account(request: Request, archive: Archive = Depends(get_archive)):
    """The account page of the signed-in user: password and API tokens."""
    return _account_page(request, archive)


@router.post("/account/password")
def change_password(request: Request, current: str = Form("", max_length=1024), new: str = Form("", max_length=1024),
                    again: str = Form("", max_length=1024), csrf: str = Form("", max_length=100),
                    archive: Archive = Depends(get_archive)):
    """Change the password; every session ends, so the user signs in again."""
    who = identity(request)
    if not _session_form_ok(request, csrf) or who.user is None:
        return _account_page(request, archive, error="The form had expired: try again.", code=403)
    if new != again:
        return _account_page(request, archive, error="The new password and its repetition differ.", code=400)
    try:
        archive.change_password(who.user, current, new)
    except (AccountError, LoginRefused) as exc:
        return _account_page(request, archive, error=f"Password not changed: {exc.message}.", code=400)
    response = RedirectResponse("/login?next=/account", status_code=303)  # every session ended: sign in again
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.post("/account/tokens")
def new_token(request: Request, label: str = Form("api", max_length=100), csrf: str = Form("", max_length=100),
              archive: Archive = Depends(get_archive)):
    """Make a new API token and show it once."""
    who = identity(request)
    if not _session_form_ok(request, csrf) or who.user is None:
        return _account_page(request, archive, error="The form had expired: try again.", code=403)
    token, _row = archive.create_token(who.user.name, label.strip() or "api")
    return _account_page(request, archive, message="New token made. Copy it now: it is not shown again.",
                         new_token=token)


@router.post("/account/tokens/{token_id}/revoke")
def revoke(request: Request, token_id: int, csrf: str = Form("", max_length=100),
           archive: Archive = Depends(get_archive)):
    """Revoke one of the user's API tokens."""
    who = identity(request)
    if not _session_form_ok(request, csrf) or who.user is None:
        return _account_page(request, archive, error="The form had expired: try again.", code=403)
    try:
        archive.revoke_token(who.user.name, token_id)
    except NotFound as exc:
        return _account_page(request, archive, error=exc.message, code=404)
    return _account_page(request, archive, message=f"Token {token_id} revoked.")
