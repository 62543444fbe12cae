"""REST API routers, one module per resource; all mounted under /api (listed by the built-in
plugin :mod:`opis.plugins_builtin.web`; installed plugins add theirs through ``register_api_routers``)."""

from __future__ import annotations

from fastapi import APIRouter

from opis.plugins import get_plugin_manager


def routers() -> list[APIRouter]:
    """The API routers of every registered plugin, the built-ins first."""
    return [r for rs in reversed(get_plugin_manager().hook.register_api_routers()) for r in rs or ()]
