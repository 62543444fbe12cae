"""Standard security headers on every response, and the guard for writes (:mod:`opis.web.auth`)."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from opis.archive import Archive
from opis.web import auth
from opis.web.settings import Settings

CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
# Swagger UI sets inline styles; its page alone may use them (scripts stay 'self' only).
CSP_DOCS = CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")

HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}


def install(app: FastAPI, settings: Settings) -> None:
    """Install the middleware that identifies the client, refuses writes it may not make, answers HEAD like
    GET and adds the security headers."""
    @app.middleware("http")
    async def guard_and_headers(request: Request, call_next):
        head = request.method == "HEAD"
        if head:  # answer HEAD like GET, without the body
            request.scope["method"] = "GET"
        who = await auth.identify(request)
        request.state.identity = who
        denied = auth.write_denied(request, who)
        if denied is None and who.via == "token" and request.method not in auth.SAFE_METHODS:
            await run_in_threadpool(_note_token_use, request.app.state.pool, who.token)
        response = denied or await call_next(request)
        if head:
            async for _ in response.body_iterator:
                pass
            response = Response(b"", status_code=response.status_code, headers=dict(response.headers))
        response.headers["Content-Security-Policy"] = CSP_DOCS if request.url.path == "/docs" else CSP
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        return response


def _note_token_use(pool, token: str | None) -> None:
    if token:
        with pool.lease(read=False) as store:
            Archive.over(store).note_token_use(token)
