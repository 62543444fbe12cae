"""``opis collections``: who may see which documents (add, list, show, grant, revoke, assign, unassign)."""

from __future__ import annotations

import click

from opis.cli.options import db_option, echo_json, json_option, on_archive


def register(cli: click.Group) -> None:
    """Add the ``collections`` command group to the CLI."""
    cli.add_command(collections)


@click.group()
def collections() -> None:
    """Collections: every document is in one or more; a restricted one is seen only by the accounts
    granted it (and admins).

    Documents given no collection are in the default public collection, 'public'. A document is
    seen by a reader when any of its collections is; an entity only hidden documents mention is
    not shown at all.
    """


def _line(c) -> str:
    users = f"  granted: {', '.join(c.users)}" if c.users else ""
    return f"{c.name:<24} {c.visibility:<10} {c.documents:>8} documents  {c.title or ''}{users}"


@collections.command("add")
@click.argument("name")
@click.option("--title", default=None, help="A title to show (default: none).")
@click.option("--public", "visibility", flag_value="public", help="Everyone sees it.")
@click.option("--restricted", "visibility", flag_value="restricted", default=True,
              help="Only the accounts granted it, and admins, see it (the default).")
@db_option
def add(name, title, visibility, db):
    """Make a collection NAME (lower-case letters, digits, '.', '_', '-')."""
    c = on_archive(db, lambda a: a.add_collection(name, title, visibility))
    click.echo(f"added {c.name} ({c.visibility})")


@collections.command("list")
@db_option
@json_option
def list_cmd(db, as_json):
    """List the collections: visibility, documents, accounts granted."""
    found = on_archive(db, lambda a: a.collections())
    if as_json:
        echo_json([c.to_dict() for c in found])
        return
    for c in found:
        click.echo(_line(c))


@collections.command("show")
@click.argument("name")
@click.option("--limit", type=int, default=50, show_default=True, help="Document ids shown.")
@db_option
@json_option
def show(name, limit, db, as_json):
    """One collection and the ids of its first documents."""
    c, ids = on_archive(db, lambda a: (a.collection(name), a.collection_documents(name, limit)))
    if as_json:
        echo_json({**c.to_dict(), "document_ids": ids})
        return
    click.echo(_line(c))
    for i in ids:
        click.echo(f"  {i}")


@collections.command("grant")
@click.argument("name")
@click.argument("user")
@db_option
def grant(name, user, db):
    """Let the account USER see the collection NAME."""
    c = on_archive(db, lambda a: a.grant(name, user))
    click.echo(f"{user} may see {c.name}")


@collections.command("revoke")
@click.argument("name")
@click.argument("user")
@db_option
def revoke(name, user, db):
    """Take the access to the collection NAME from the account USER."""
    c = on_archive(db, lambda a: a.grant(name, user, allow=False))
    click.echo(f"{user} may no longer see {c.name}" + (" (it is public)" if c.visibility == "public" else ""))


@collections.command("visibility")
@click.argument("name")
@click.argument("visibility", type=click.Choice(("public", "restricted")))
@db_option
def visibility_cmd(name, visibility, db):
    """Make the collection NAME public or restricted (VISIBILITY)."""
    c = on_archive(db, lambda a: a.set_collection_visibility(name, visibility))
    click.echo(f"{c.name} is {c.visibility}")


@collections.command("assign")
@click.argument("name")
@click.argument("ids", nargs=-1, required=True)
@db_option
def assign(name, ids, db):
    """Put the documents IDS (ids or unique prefixes) in the collection NAME; documents only in the
    default public collection leave it."""
    n = on_archive(db, lambda a: a.assign(ids, [name]))
    click.echo(f"{n} documents put in {name}")


@collections.command("unassign")
@click.argument("name")
@click.argument("ids", nargs=-1, required=True)
@db_option
def unassign(name, ids, db):
    """Take the documents IDS out of the collection NAME (a document left in none goes back into the
    default public collection)."""
    n = on_archive(db, lambda a: a.assign(ids, [name], remove=True))
    click.echo(f"{n} documents taken out of {name}")
