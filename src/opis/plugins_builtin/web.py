"""The built-in REST API routers and page views (one module per resource or page)."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from opis.hookspecs import hookimpl

if TYPE_CHECKING:
    from fastapi import APIRouter

API_MODULES = ("documents", "search", "entities", "archives", "claims", "timeline", "exports", "corrections",
               "uploads", "suggest", "curation", "saved", "collections")
VIEW_MODULES = ("home", "search", "document", "entity", "entities", "archives", "timeline", "map", "claims", "upload", "account",
                "docs", "history", "saved", "collections")


@hookimpl
def register_api_routers() -> list[APIRouter]:
    """The routers of ``opis.web.api.*`` (a module's ``build_router()`` when it has one: its routes
    depend on the registered plugins, e.g. the export formats)."""
    return [_router(f"opis.web.api.{name}") for name in API_MODULES]


@hookimpl
def register_views() -> list[APIRouter]:
    """The routers of ``opis.web.views.*``."""
    return [_router(f"opis.web.views.{name}") for name in VIEW_MODULES]


def _router(module_name: str) -> APIRouter:
    module = importlib.import_module(module_name)
    build = getattr(module, "build_router", None)
    return build() if build is not None else module.router
