"""Database care: ``opis check``, ``opis backup PATH`` and ``opis restore PATH``."""

from __future__ import annotations

import sys

import click

from opis.cli.options import db_option, echo_json, fail, json_option, open_archive
from opis.errors import OpisError


def register(cli: click.Group) -> None:
    """Add the ``check``, ``backup`` and ``restore`` commands to the CLI."""
    for cmd in (check, backup_cmd, restore_cmd):
        cli.add_command(cmd)


def _must_exist(db: str) -> None:
    from opis.store.engine import exists

    if not exists(db):
        fail(f"{db}: no such database")


@click.command()
@db_option
@json_option
@click.option("--quick", is_flag=True, help="PRAGMA quick_check, the records and the text only (not the derived tables).")
def check(db, as_json, quick):
    """Check the database: file integrity, foreign keys, every record readable, derived tables
    and the search index in agreement with the records. Reads only; exit code 0 when sound,
    1 when problems were found.
    """
    _must_exist(db)
    try:
        with open_archive(db, readonly=True, verify=False) as archive:
            report = archive.check(quick=quick)
    except OpisError as exc:
        fail(str(exc))
    if as_json:
        echo_json(report.to_dict())
    else:
        click.echo(report.format())
    sys.exit(0 if report.ok else 1)


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False))
@db_option
@click.option("--force", is_flag=True, help="Overwrite PATH if it exists.")
def backup_cmd(path, db, force):
    """Copy the database to PATH: a consistent copy of everything stored (records, corrections,
    the ingest log), safe while other processes write. The search index is rebuilt from it."""
    _must_exist(db)
    try:
        with open_archive(db, readonly=True) as archive:
            res = archive.backup(path, overwrite=force)
    except OpisError as exc:
        fail(str(exc))
    click.echo(f"backed up {res.documents} documents to {res.path} ({res.bytes / 1e6:.1f} MB, {res.seconds:.2f} s)")


@click.command("restore")
@click.argument("path", type=click.Path(dir_okay=False))
@db_option
def restore_cmd(path, db):
    """Replace the database with the backup PATH: the backup is checked first (a damaged one
    is refused), the current database is kept aside as DB.before-restore-TIME."""
    from opis.archive import Archive

    try:
        res = Archive.restore_database(db, path)
    except OpisError as exc:
        fail(str(exc))
    aside = f"; the previous database is kept as {res.kept_aside}" if res.kept_aside else ""
    click.echo(f"restored {res.documents} documents from {res.source} into {res.path} ({res.seconds:.2f} s){aside}")
