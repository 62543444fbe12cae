"""Assemble the FastAPI app: settings, security, error handlers, API routers and page views."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from opis import __version__
from opis.web import api, errors, security, views
from opis.web.settings import Settings

STATIC_DIR = Path(__file__).parent / "static"


def create_app(db_path: str, allow_write: bool = False, token: str | None = None) -> FastAPI:
    """The app over the SQLite store at ``db_path`` (read-only unless ``allow_write`` and a token)."""
    settings = Settings.make(db_path, allow_write=allow_write, token=token)
    app = FastAPI(
        title="opis",
        version=__version__,
        description="REST API of the opis archive workbench: documents, search, entities, archives, "
        "claims, timeline and citation exports. The web pages use the same endpoints' library calls.",
        docs_url=None,  # served by opis.web.views.docs from local assets (no CDN)
        redoc_url=None,
    )
    app.state.settings = settings
    security.install(app, settings)
    errors.install(app)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    for router in api.routers():
        app.include_router(router, prefix="/api")
    for router in views.routers():
        app.include_router(router)
    return app
