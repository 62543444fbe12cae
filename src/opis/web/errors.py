"""Errors as JSON with 4xx codes on /api, as an HTML page elsewhere.

Every failure is answered in the same shape, never as a bare ``Internal Server Error``:
``{"error": name, "detail": message, ...}`` on /api, the error page on the HTML pages. A
query error also gives the query and the position of the problem. An unexpected exception is
answered 500 in that shape (its traceback goes to the server log, not to the client).
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from opis.authority.curation import CorrectionError
from opis.errors import NotFound, OpisError, QuerySyntaxError, StoreError
from opis.web.security import CSP, HEADERS

log = logging.getLogger("opis.web")

STATUS = [(NotFound, 404, "not_found"), (QuerySyntaxError, 400, "query_syntax"),
          (CorrectionError, 422, "invalid_correction"),
          (StoreError, 503, "store_unavailable")]
RETRY = {503: {"Retry-After": "1"}}


def classify(exc: Exception) -> tuple[int, str]:
    """The HTTP status and error name of an opis error (400 bad_request when not listed)."""
    for cls, code, name in STATUS:
        if isinstance(exc, cls):
            return code, name
    return 400, "bad_request"


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/openapi.json"


def _answer(request: Request, code: int, name: str, detail, extra: dict | None = None):
    headers = RETRY.get(code)
    if _wants_json(request):
        return JSONResponse({"error": name, "detail": detail, **(extra or {})}, status_code=code, headers=headers)
    from opis.web.templating import render

    response = render(request, "error.html", {"code": code, "error": name, "detail": detail, **(extra or {})},
                      status_code=code)
    response.headers.update(headers or {})
    return response


def install(app: FastAPI) -> None:
    """Install the app's error handlers: opis errors, HTTP errors and unexpected failures answered as JSON or
    an HTML page."""
    @app.exception_handler(OpisError)
    async def opis_error(request: Request, exc: OpisError):
        code, name = classify(exc)
        extra = {}
        if isinstance(exc, QuerySyntaxError):
            extra = {"query": getattr(exc, "query", None), "position": getattr(exc, "position", None)}
        return _answer(request, code, name, str(exc), extra)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception):
        log.error("%s %s failed", request.method, request.url.path, exc_info=exc)
        response = _answer(request, 500, "internal_error",
                           f"the server failed on this request ({type(exc).__name__}); the error is in the server log")
        response.headers["Content-Security-Policy"] = CSP  # answered outside the headers middleware
        response.headers.update(HEADERS)
        return response

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException):
        name = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return _answer(request, exc.status_code, name, exc.detail)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError):
        detail = [{"loc": list(e.get("loc", [])), "msg": e.get("msg")} for e in exc.errors()]
        return _answer(request, 422, "invalid_parameters", detail)
