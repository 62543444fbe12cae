"""Curation commands: ``opis correct`` (any correction, with ``--preview``), ``opis history``
(the audit trail, as text, JSON or CSV) and ``opis undo``.

Every command is a few lines over :meth:`opis.Archive.correct`, :meth:`opis.Archive.preview`,
:meth:`opis.Archive.history` and :meth:`opis.Archive.undo`; changes made here are recorded with
no author (the command line), or with the account named by ``--as``.
"""

from __future__ import annotations

import json

import click

from opis.cli.options import db_option, echo_json, fail, json_option, open_archive
from opis.errors import OpisError


def register(cli: click.Group) -> None:
    """Add the ``correct``, ``history`` and ``undo`` commands to the CLI."""
    cli.add_command(correct)
    cli.add_command(history)
    cli.add_command(undo)


def _print_outcome(out, as_json: bool) -> None:
    if as_json:
        echo_json(out.to_dict())
        return
    verb = "would change" if out.preview else "changed"
    what = f"undo of {out.kind}" if out.action == "undo" else out.kind
    click.echo(f"{what}: {verb} {len(out.changes)} values in {len(out.documents)} documents"
               + (f" (history #{out.audit_id})" if out.audit_id else ""))
    for c in out.changes:
        click.echo(f"  {c.doc_id[:12]} {c.what} {c.label}: {c.before or '—'} -> {c.after or '—'}")
    for doc_id in out.stale:
        click.echo(f"  {doc_id[:12]}: re-ingested since; its next ingest drops the correction")


@click.command()
@click.argument("kind")
@click.argument("args")
@click.option("--preview", is_flag=True, help="Only show what the correction would change; store nothing.")
@click.option("--as", "author", metavar="NAME", help="Record the change as made by this account.")
@db_option
@json_option
def correct(kind, args, preview, author, db, as_json):
    """Make a correction of KIND (entity.merge, entity.split, mention.retype, claim.correct,
    document.set …) with ARGS, a JSON object, e.g.
    opis correct document.set '{"doc_id": "51c4", "field": "date", "value": "1945-09-05"}'."""
    try:
        parsed = json.loads(args)
    except json.JSONDecodeError as exc:
        fail(f"ARGS is not JSON: {exc}")
    with open_archive(db) as archive:
        try:
            if author:
                archive.user(author)
            if preview:
                out = archive.preview(kind, parsed)
            else:
                from opis.audit import Outcome

                done = archive.correct(kind, parsed, author=author)
                out = Outcome(kind, done.args, done.documents, preview=False, audit_id=done.audit_id,
                              correction_id=done.id)
                out.changes = [_change(c) for c in done.changes]
        except OpisError as exc:
            fail(str(exc))
    _print_outcome(out, as_json)


def _change(c: dict):
    from opis.audit import Change

    return Change(c["doc_id"], c["what"], c["label"], c["before"], c["after"])


@click.command()
@click.option("--subject", metavar="ID", help="Only changes about this document or entity (its full id).")
@click.option("--author", metavar="NAME", help="Only changes by this account ('-': the command line).")
@click.option("--kind", help="Only changes of this kind (entity.merge) or family (entity, claim, document).")
@click.option("--since", metavar="DATE", help="Only changes on or after this ISO date.")
@click.option("--until", metavar="DATE", help="Only changes on or before this ISO date.")
@click.option("--limit", type=int, default=50, show_default=True, help="How many changes, newest first.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "csv"]), default="text", show_default=True,
              help="Print the changes as text, JSON or CSV.")
@db_option
def history(subject, author, kind, since, until, limit, fmt, db):
    """The changes curators made: who, when, what, before and after, newest first."""
    with open_archive(db, readonly=True) as archive:
        try:
            rows = archive.history(subject, author, kind, since, until, limit=limit)
        except ValueError as exc:
            fail(f"--since/--until: {exc}")
    if fmt == "json":
        echo_json([r.to_dict() for r in rows])
        return
    if fmt == "csv":
        from opis.audit import to_csv

        click.echo(to_csv([r.to_dict() for r in rows]), nl=False)
        return
    for r in rows:
        what = f"undo of #{r.undoes} " if r.action == "undo" else ""
        undone = f" (undone by #{r.undone_by})" if r.undone_by else ""
        click.echo(f"#{r.id} {r.at} {r.author or '(command line)'}: {what}{r.kind}{undone}")
        for key, old in list(r.before.items())[:10]:
            click.echo(f"    {key}: {old if old is not None else '—'} -> "
                       f"{r.after.get(key) if r.after.get(key) is not None else '—'}")


@click.command()
@click.argument("audit_id", type=int)
@click.option("--preview", is_flag=True, help="Only show what undoing would change; store nothing.")
@click.option("--as", "author", metavar="NAME", help="Record the undo as made by this account.")
@db_option
@json_option
def undo(audit_id, preview, author, db, as_json):
    """Undo change AUDIT_ID of the history (see 'opis history'): its correction is removed and the
    documents it changed are restored; later corrections stay."""
    with open_archive(db) as archive:
        try:
            if author:
                archive.user(author)
            out = archive.undo(audit_id, author=author, preview=preview)
        except OpisError as exc:
            fail(str(exc))
    _print_outcome(out, as_json)
