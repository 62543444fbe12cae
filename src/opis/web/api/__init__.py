"""REST API routers, one module per resource; all mounted under /api."""

from __future__ import annotations

import importlib

from fastapi import APIRouter

MODULES = ["documents", "search", "entities", "archives", "claims", "timeline", "exports", "corrections"]


def routers() -> list[APIRouter]:
    return [importlib.import_module(f"opis.web.api.{name}").router for name in MODULES]
