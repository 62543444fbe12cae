"""Assemble the FastAPI app: settings, security, error handlers, API routers and page views."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from opis import __version__
from opis.files import FileStore
from opis.uploads import default_root, make_runner
from opis.web import api, errors, limits, security, views
from opis.web.db import StorePool
from opis.web.inflight import InFlight, limit_for
from opis.web.settings import DEFAULT_MAX_BODY, Settings

STATIC_DIR = Path(__file__).parent / "static"


def create_app(db_path: str, allow_write: bool = False, token: str | None = None,
               max_body: int | str = DEFAULT_MAX_BODY, files: str | None = None) -> FastAPI:
    """The app over the SQLite store at ``db_path`` (read-only unless ``allow_write`` and a token);
    request bodies over ``max_body`` bytes are refused with 413; uploaded originals kept in
    ``files`` (default ``<db>.files``)."""
    return build(Settings.make(db_path, allow_write=allow_write, token=token, max_body=max_body, files=files))


def app_from_env() -> FastAPI:
    """The app of one worker process of ``opis serve --workers N`` (settings from OPIS_* variables)."""
    return build(Settings.from_env())


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    runner = app.state.uploads
    if runner is not None:
        runner.start()
    yield
    if runner is not None:
        runner.stop()
    app.state.pool.close()


def build(settings: Settings) -> FastAPI:
    """The app for ``settings``: one pool of database connections, leased per request."""
    app = FastAPI(
        title="opis",
        version=__version__,
        description="REST API of the opis archive workbench: documents, search, entities, archives, "
        "claims, timeline and citation exports. The web pages use the same endpoints' library calls.",
        docs_url=None,  # served by opis.web.views.docs from local assets (no CDN)
        redoc_url=None,
        lifespan=_lifespan,
    )
    app.state.settings = settings
    app.state.pool = StorePool(settings.db_path, read_only=not settings.allow_write)
    # a writable server ingests uploaded files in the background, one at a time, or queues them for
    # the workers when a job queue is named (OPIS_QUEUE)
    app.state.uploads = (make_runner(settings.db_path, FileStore(settings.files or default_root(settings.db_path)))
                         if settings.allow_write else None)
    security.install(app, settings)
    in_flight = limit_for(settings.db_path, settings.workers)  # PostgreSQL: share its connections
    if in_flight is not None:
        app.add_middleware(InFlight, limit=in_flight)
    limits.install(app, settings)
    errors.install(app)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    for router in api.routers():
        app.include_router(router, prefix="/api")
    for router in views.routers():
        app.include_router(router)
    return app
