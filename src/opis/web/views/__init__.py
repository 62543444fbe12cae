"""Server-rendered pages, one module per page; each calls the same library functions as the API."""

from __future__ import annotations

import importlib

from fastapi import APIRouter

MODULES = ["home", "search", "document", "entity", "archives", "timeline", "map", "claims", "docs"]


def routers() -> list[APIRouter]:
    return [importlib.import_module(f"opis.web.views.{name}").router for name in MODULES]
