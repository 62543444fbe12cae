"""Errors as JSON with 4xx codes on /api, as an HTML page elsewhere."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from opis.errors import NotFound, OpisError, QuerySyntaxError
from opis.web.lib import Unavailable

STATUS = [(NotFound, 404, "not_found"), (QuerySyntaxError, 400, "query_syntax"), (Unavailable, 501, "unavailable")]


def classify(exc: Exception) -> tuple[int, str]:
    for cls, code, name in STATUS:
        if isinstance(exc, cls):
            return code, name
    return 400, "bad_request"


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/openapi.json"


def _answer(request: Request, code: int, name: str, detail, extra: dict | None = None):
    if _wants_json(request):
        return JSONResponse({"error": name, "detail": detail, **(extra or {})}, status_code=code)
    from opis.web.templating import render

    return render(request, "error.html", {"code": code, "error": name, "detail": detail}, status_code=code)


def install(app: FastAPI) -> None:
    @app.exception_handler(OpisError)
    async def opis_error(request: Request, exc: OpisError):
        code, name = classify(exc)
        extra = {}
        if isinstance(exc, QuerySyntaxError):
            extra = {"query": exc.query, "position": exc.position}
        return _answer(request, code, name, str(exc), extra)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException):
        name = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return _answer(request, exc.status_code, name, exc.detail)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError):
        detail = [{"loc": list(e.get("loc", [])), "msg": e.get("msg")} for e in exc.errors()]
        return _answer(request, 422, "invalid_parameters", detail)
