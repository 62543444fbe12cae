"""``opis serve``: the web UI and REST API over a database."""

from __future__ import annotations

import os

import click

from opis.cli.options import db_option, fail

MAX_IN_FLIGHT = 1024  # connections a worker process serves at once; beyond: 503 (uvicorn limit_concurrency)


def register(cli: click.Group) -> None:
    """Add the ``serve`` command to the CLI."""
    cli.add_command(serve)


@click.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=int, default=8000, show_default=True, help="Port to listen on.")
@click.option("--allow-write", is_flag=True, help="Accept write requests (POST …) that carry the token.")
@click.option("--token", envvar="OPIS_TOKEN", default=None, help="Bearer token required for writes (env OPIS_TOKEN).")
@click.option("--max-body", envvar="OPIS_MAX_BODY", default="20MB", show_default=True,
              help="Largest request body accepted, e.g. 20MB, 512KB (env OPIS_MAX_BODY); larger: 413.")
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Server processes (each with its own pool of database connections).")
@click.option("--files", envvar="OPIS_FILES", default=None, type=click.Path(file_okay=False),
              help="Folder of uploaded originals, kept by content (env OPIS_FILES; default: DB.files beside the database).")
def serve(db, host, port, allow_write, token, max_body, workers, files):
    """Serve the web UI and REST API (read-only unless --allow-write --token T)."""
    import uvicorn

    from opis.errors import OpisError
    from opis.web.app import build
    from opis.web.nodelay import HTTP
    from opis.web.settings import Settings

    try:
        settings = Settings.make(db, allow_write=allow_write, token=token, max_body=max_body, files=files,
                                 workers=workers)
    except OpisError as exc:
        fail(str(exc))
    _warm_search_index(db)
    mode = "read-write (token required)" if allow_write else "read-only"
    click.echo(f"opis: serving {db} ({mode}, {workers} worker{'s' if workers > 1 else ''}, bodies up to "
               f"{settings.max_body} bytes) at http://{host}:{port}/  (API docs: http://{host}:{port}/docs)", err=True)
    if workers == 1:
        uvicorn.run(build(settings), host=host, port=port, log_level="warning", limit_concurrency=MAX_IN_FLIGHT,
                    http=HTTP)
        return
    os.environ.update(settings.to_env())  # each worker process builds its app from these
    uvicorn.run("opis.web.app:app_from_env", factory=True, workers=workers, host=host, port=port,
                log_level="warning", limit_concurrency=MAX_IN_FLIGHT, http=HTTP)


def _warm_search_index(db: str) -> None:
    """Bring the search index in step with the store now, not on the first visitor's search."""
    from opis.archive import Archive
    from opis.errors import OpisError

    with Archive(db) as archive:
        try:
            archive.warm_search()
        except OpisError as exc:  # searching will say so; reading works regardless
            click.echo(f"Warning: search index not ready: {exc}", err=True)
