"""Jinja2 templates (autoescape always on: document text is untrusted) and their filters."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import ChainableUndefined, Environment, FileSystemLoader, select_autoescape

from opis.web.spans import render_text

TEMPLATE_DIR = Path(__file__).parent / "templates"

NAV = [
    ("/", "Documents"),
    ("/search", "Search"),
    ("/archives", "Archives"),
    ("/timeline", "Timeline"),
    ("/map", "Map"),
    ("/claims", "Claims"),
    ("/docs", "API"),
]


def entity_url(entity_id: str) -> str:
    return "/entities/" + quote(entity_id, safe=":")


def document_url(doc_id: str) -> str:
    return "/documents/" + quote(doc_id, safe="")


def archive_url(archive: str | None = None, fond: str | None = None, opis: str | None = None, delo: str | None = None) -> str:
    params = {k: v for k, v in (("archive", archive), ("fond", fond), ("opis", opis), ("delo", delo)) if v}
    return "/archives" + ("?" + urlencode(params) if params else "")


def query_url(path: str, params: dict[str, Any], **changes: Any) -> str:
    merged = {**params, **changes}
    merged = {k: v for k, v in merged.items() if v not in (None, "", 0) or k == "offset" and v}
    return path + ("?" + urlencode(merged, doseq=True) if merged else "")


def names(items: list[Any] | None) -> str:
    out = []
    for item in items or []:
        out.append(item.get("name") if isinstance(item, dict) else str(item))
    return "; ".join(n for n in out if n)


def year(value: str | None) -> str:
    return (value or "")[:4]


@cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=ChainableUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(NAV=NAV, entity_url=entity_url, document_url=document_url, archive_url=archive_url,
                       query_url=query_url)
    env.filters.update(names=names, year=year, render_text=render_text)
    return env


def render(request: Request, name: str, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    ctx = {"request": request, "path": request.url.path, "title": None, **context}
    html = environment().get_template(name).render(ctx)
    return HTMLResponse(html, status_code=status_code)
