"""Options and output helpers shared by every command."""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from opis.errors import OpisError
from opis.store import DEFAULT_DB, Store


def _set_index(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    if value:
        import os

        os.environ["OPIS_INDEX"] = value  # (read by the PostgreSQL store: opis.store.postgres_store)


_db = click.option(
    "--db", "db", default=DEFAULT_DB, show_default=True, envvar="OPIS_DB",
    help="SQLite database file, or a PostgreSQL URL (postgresql://user@host/name).")
_index = click.option(
    "--index", type=click.Path(file_okay=False), expose_value=False, callback=_set_index, is_eager=True,
    help="With a PostgreSQL --db: this machine's search index folder (default: OPIS_INDEX, else"
         " ~/.cache/opis/index/<server-database-hash>).")


def db_option(f):
    """The ``--db`` option (a SQLite file or a PostgreSQL URL, ``OPIS_DB``) and ``--index`` (the
    search index replica of a PostgreSQL database, ``OPIS_INDEX``)."""
    return _db(_index(f))
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON.")


def open_db(db: str, must_exist: bool = True) -> Store:
    """Open the store at ``db``; exits with an error when it does not exist (``must_exist``) or cannot be
    opened."""
    from opis.store.engine import exists

    if must_exist and not exists(db):
        fail(f"{db}: no such database (run 'opis ingest PATH --db {db}' first)")
    try:
        return Store(db)
    except OpisError as exc:
        fail(str(exc))


def open_archive(db: str, must_exist: bool = True, readonly: bool = False, verify: bool | None = None):
    """The :class:`opis.Archive` at ``db``; a missing or unopenable database is one error line."""
    from opis.archive import Archive
    from opis.store.engine import exists

    if must_exist and not exists(db):
        fail(f"{db}: no such database (run 'opis ingest PATH --db {db}' first)")
    try:
        return Archive(db, readonly=readonly, verify=verify)
    except OpisError as exc:
        fail(str(exc))


def on_archive(db: str, action):
    """``action(archive)`` on the archive at ``db``, closed after; an :class:`~opis.errors.OpisError`
    it raises is one error line."""
    archive = open_archive(db)
    try:
        return action(archive)
    except OpisError as exc:
        fail(str(exc))
    finally:
        archive.close()


def echo_json(data: Any, indent: int | None = 2) -> None:
    """Print data as JSON (non-ASCII kept, unknown types as strings)."""
    click.echo(json.dumps(data, ensure_ascii=False, indent=indent, default=str))


def fail(message: str, code: int = 1) -> None:
    """Print "Error: message" to stderr and exit with ``code``."""
    click.echo(f"Error: {message}", err=True)
    sys.exit(code)
