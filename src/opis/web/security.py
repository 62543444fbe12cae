"""Standard security headers on every response, and the read-only guard for writes."""

from __future__ import annotations

import hmac

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

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

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def write_denied(settings: Settings, request: Request) -> JSONResponse | None:
    """None when the request may go on; else the 403/401 answer."""
    if request.method in SAFE_METHODS:
        return None
    if not settings.allow_write:
        return JSONResponse({"error": "read_only", "detail": "this server is read-only (start it with --allow-write --token T)"}, 403)
    auth = request.headers.get("authorization", "")
    given = auth[7:] if auth.lower().startswith("bearer ") else ""
    if not (settings.token and hmac.compare_digest(given.encode(), settings.token.encode())):
        return JSONResponse({"error": "unauthorized", "detail": "send 'Authorization: Bearer TOKEN'"}, 401,
                            headers={"WWW-Authenticate": "Bearer"})
    return None


def install(app: FastAPI, settings: Settings) -> None:
    @app.middleware("http")
    async def guard_and_headers(request: Request, call_next):
        head = request.method == "HEAD"
        if head:  # answer HEAD like GET, without the body
            request.scope["method"] = "GET"
        response = write_denied(settings, request) or await call_next(request)
        if head:
            async for _ in response.body_iterator:
                pass
            response = Response(b"", status_code=response.status_code, headers=dict(response.headers))
        response.headers["Content-Security-Policy"] = CSP_DOCS if request.url.path == "/docs" else CSP
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        return response
