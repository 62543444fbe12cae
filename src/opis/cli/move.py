"""``opis copy --from SRC --to DST``: move an archive between SQLite and PostgreSQL keeping every
correction (:mod:`opis.move`)."""

from __future__ import annotations

import sys

import click

from opis.cli.options import echo_json, fail, json_option


def register(cli: click.Group) -> None:
    """Add the ``copy`` command to the CLI."""
    cli.add_command(copy_cmd)


@click.command("copy")
@click.option("--from", "source", required=True, help="The archive to copy: a SQLite file or a postgresql:// URL.")
@click.option("--to", "target", required=True, help="Where to copy it: a SQLite file or a postgresql:// URL (made if"
                                                    " missing; must be empty unless --force).")
@click.option("--force", is_flag=True, help="Replace whatever the target holds.")
@click.option("--files-from", type=click.Path(file_okay=False), default=None,
              help="The source's file store of uploaded originals (default: the source's own).")
@click.option("--files-to", type=click.Path(file_okay=False), default=None,
              help="The target's file store (default: the target's own).")
@click.option("--no-verify", is_flag=True, help="Skip comparing every record and 'opis check' at the end.")
@json_option
def copy_cmd(source, target, force, files_from, files_to, no_verify, as_json):
    """Copy an archive to another database, SQLite or PostgreSQL, either way: the records as
    stored, the change journal, corrections with their authors, the history, accounts and
    tokens, uploads and their files, saved searches; then rebuild the search index and verify
    (rows per table, every record, 'opis check'). Exit code 1 when the verification fails.
    An interrupted copy is started again by running the same command."""
    from opis.errors import OpisError
    from opis.move import copy_archive

    def progress(n: int) -> None:
        if not as_json:
            click.echo(f"  {n} documents copied", err=True)

    try:
        report = copy_archive(source, target, force=force, files_from=files_from, files_to=files_to,
                              verify=not no_verify, progress=progress)
    except OpisError as exc:
        fail(str(exc))
    if as_json:
        echo_json(report.to_dict())
    else:
        click.echo(report.format())
    sys.exit(0 if report.ok else 1)
