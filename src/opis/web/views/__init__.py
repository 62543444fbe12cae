"""Server-rendered pages, one module per page; each calls the same library functions as the API
(listed by the built-in plugin :mod:`opis.plugins_builtin.web`; installed plugins add theirs through
``register_views``)."""

from __future__ import annotations

from fastapi import APIRouter

from opis.plugins import get_plugin_manager


def routers() -> list[APIRouter]:
    """The page routers of every registered plugin, the built-ins first."""
    return [r for rs in reversed(get_plugin_manager().hook.register_views()) for r in rs or ()]
