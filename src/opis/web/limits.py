"""The request body limit: a body over ``Settings.max_body`` bytes is answered 413 with JSON.

Enforced while the body is read, not after: a declared ``Content-Length`` over the limit is
refused before a byte is read, and a body without one (chunked) is counted as it arrives and
refused at the first chunk that passes the limit, so no more than the limit (plus one chunk)
is ever held in memory, and nothing of a refused body is stored.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import FastAPI

from opis.web.security import CSP, HEADERS
from opis.web.settings import Settings

Scope = dict[str, Any]


class BodyTooLarge(Exception):
    """Raised into the app by ``receive`` when the body passes the limit."""


def refusal(limit: int, code: int = 413, detail: str | None = None) -> tuple[dict, bytes]:
    """The ``http.response.start`` message and body of a refused request."""
    body = json.dumps({
        "error": "payload_too_large" if code == 413 else "bad_request",
        "detail": detail or f"the request body is larger than this server's limit of {limit} bytes "
                            "(opis serve --max-body)",
        "limit": limit,
    }).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
               (b"connection", b"close"), (b"content-security-policy", CSP.encode())]
    headers += [(k.lower().encode(), v.encode()) for k, v in HEADERS.items()]
    return {"type": "http.response.start", "status": code, "headers": headers}, body


class BodyLimit:
    """ASGI middleware: refuse request bodies over ``limit`` bytes with 413."""

    def __init__(self, app: Any, limit: int):
        self.app = app
        self.limit = limit

    async def _refuse(self, send: Any, code: int = 413, detail: str | None = None) -> None:
        start, body = refusal(self.limit, code, detail)
        await send(start)
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None:
            try:
                size = int(declared)
            except ValueError:
                await self._refuse(send, 400, "Content-Length is not a number")
                return
            if size > self.limit:
                await self._refuse(send)
                return
        received = 0
        exceeded = started = False

        async def counted_receive() -> dict:
            nonlocal received, exceeded
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    exceeded = True
                    raise BodyTooLarge
            return message

        async def guarded_send(message: dict) -> None:
            nonlocal started
            if exceeded and not started:  # the app's answer to a refused body is replaced by 413
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted_receive, guarded_send)
        except Exception:
            if not exceeded:
                raise
        if exceeded and not started:
            await self._refuse(send)


def install(app: FastAPI, settings: Settings) -> None:
    """Refuse bodies over ``settings.max_body`` (outermost of the app's own middleware)."""
    app.add_middleware(BodyLimit, limit=settings.max_body)
