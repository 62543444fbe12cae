"""Jinja2 templates (autoescape always on: document text is untrusted) and their filters.

Two more guards for untrusted text, on top of escaping (see :mod:`opis.display`):

* every value a template prints, in text or in an attribute, passes through
  :func:`opis.display.for_html` first (the environment's ``finalize``): control characters and
  the bidi embeddings, overrides and isolates are shown as escapes (``\\u202e``) instead of
  reordering the page;
* text from documents shown as content (titles, names, labels, metadata values) goes through
  the ``bdi`` filter, which also isolates its direction in a ``<bdi>`` element.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import ChainableUndefined, Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from opis.display import for_html, html_isolated
from opis.metadata.human_dates import human
from opis.web.labels import shorten
from opis.web.spans import render_text

TEMPLATE_DIR = Path(__file__).parent / "templates"

NAV = [
    ("/", "Documents"),
    ("/search", "Search"),
    ("/entities", "Entities"),
    ("/archives", "Archives"),
    ("/timeline", "Timeline"),
    ("/map", "Map"),
    ("/claims", "Claims"),
    ("/upload", "Upload"),
    ("/docs", "API"),
]


def entity_url(entity_id: str) -> str:
    """The web page URL of an entity."""
    return "/entities/" + quote(entity_id, safe=":")


def document_url(doc_id: str) -> str:
    """The web page URL of a document."""
    return "/documents/" + quote(doc_id, safe="")


def archive_url(archive: str | None = None, fond: str | None = None, opis: str | None = None, delo: str | None = None) -> str:
    """The archives page URL of a level of the archive tree."""
    params = {k: v for k, v in (("archive", archive), ("fond", fond), ("opis", opis), ("delo", delo)) if v}
    return "/archives" + ("?" + urlencode(params) if params else "")


def query_url(path: str, params: dict[str, Any], **changes: Any) -> str:
    """``path`` with the query parameters and ``changes`` merged, empty values dropped."""
    merged = {**params, **changes}
    merged = {k: v for k, v in merged.items() if v not in (None, "", 0) or k == "offset" and v}
    return path + ("?" + urlencode(merged, doseq=True) if merged else "")


def names(items: list[Any] | None) -> str:
    """The names of a list of agents (dicts or strings), joined with "; "."""
    out = []
    for item in items or []:
        out.append(item.get("name") if isinstance(item, dict) else str(item))
    return "; ".join(n for n in out if n)


def language(code: str | None) -> str:
    """The English name of a language code ("ru" → "Russian"); the code itself when unknown."""
    from opis.search.fields import LANG_NAMES

    return LANG_NAMES.get((code or "").split("-")[0].lower(), code or "")


def year(value: str | None) -> str:
    """The year of an ISO date; "" when unknown."""
    return (value or "")[:4]


def inline_html(text: str | None) -> Markup:
    """The ``inline`` filter: text with the source's emphasis (``*Ibid.*``) as ``<em>``, escaped,
    control and bidi characters shown as escapes."""
    from opis.inline import to_html

    return to_html(for_html(text) if text else text)


def inline_mark(text: str | None, surface: str | None) -> Markup:
    """The ``inline_mark`` filter: a snippet (lone marks at its edges dropped) with the source's
    emphasis as ``<em>`` and the first occurrence of ``surface`` in ``<mark>``."""
    from opis.inline import to_html

    text = for_html(text) if text else ""
    at = text.find(surface) if surface else -1
    return to_html(text, cut=True, highlight=(at, at + len(surface)) if at >= 0 and surface else None)


def shown(value: Any) -> Any:
    """The environment's ``finalize``: plain strings lose their control and bidi override
    characters (shown as escapes); markup built by opis (already made safe) passes as it is."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return for_html(value)
    return value


@cache
def environment() -> Environment:
    """The Jinja environment of the web pages (autoescaping, with the URL helpers and filters), made once."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=ChainableUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=shown,
    )
    env.globals.update(NAV=NAV, entity_url=entity_url, document_url=document_url, archive_url=archive_url,
                       query_url=query_url)
    env.filters.update(names=names, year=year, render_text=render_text, bdi=html_isolated, inline=inline_html,
                       inline_mark=inline_mark, human_date=human, short=shorten, language=language)
    return env


def render(request: Request, name: str, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    """Render a page template with the request, the signed-in identity and ``context``."""
    who = getattr(request.state, "identity", None)
    settings = getattr(request.app.state, "settings", None)
    ctx = {"request": request, "path": request.url.path, "title": None, "who": who,
           "server_writable": bool(settings and settings.allow_write), **context}
    html = environment().get_template(name).render(ctx)
    return HTMLResponse(html, status_code=status_code)
