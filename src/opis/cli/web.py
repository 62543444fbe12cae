"""``opis serve``: the web UI and REST API over a database."""

from __future__ import annotations

import click

from opis.cli.options import db_option, fail


def register(cli: click.Group) -> None:
    cli.add_command(serve)


@click.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=int, default=8000, show_default=True, help="Port to listen on.")
@click.option("--allow-write", is_flag=True, help="Accept write requests (POST …) that carry the token.")
@click.option("--token", envvar="OPIS_TOKEN", default=None, help="Bearer token required for writes (env OPIS_TOKEN).")
def serve(db, host, port, allow_write, token):
    """Serve the web UI and REST API (read-only unless --allow-write --token T)."""
    import uvicorn

    from opis.errors import OpisError
    from opis.web import create_app

    try:
        app = create_app(db, allow_write=allow_write, token=token)
    except OpisError as exc:
        fail(str(exc))
    _warm_search_index(db)
    mode = "read-write (token required)" if allow_write else "read-only"
    click.echo(f"opis: serving {db} ({mode}) at http://{host}:{port}/  (API docs: http://{host}:{port}/docs)", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")


def _warm_search_index(db: str) -> None:
    """Bring the search index in step with the store now, not on the first visitor's search."""
    from opis.web import lib

    if not lib.available("opis.search", "get_backend"):
        return
    from opis.errors import OpisError
    from opis.search import get_backend
    from opis.store import Store

    with Store(db) as store:
        try:
            get_backend(store)
        except OpisError as exc:  # searching will say so; reading works regardless
            click.echo(f"Warning: search index not ready: {exc}", err=True)
