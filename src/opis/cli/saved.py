"""``opis saved``: saved searches of the local owner (add, list, show, feed, remove).

An embedded archive has no accounts: what is saved here belongs to its local owner, and the web
server's own ``--token`` acts as that owner too. Accounts save theirs on ``/saved`` and ``/api/saved``.
"""

from __future__ import annotations

import click

from opis.cli.options import db_option, echo_json, json_option, on_archive


def register(cli: click.Group) -> None:
    """Add the ``saved`` command group to the CLI."""
    cli.add_command(saved)


@click.group()
def saved() -> None:
    """Saved searches: what is new in them since you last looked, and an Atom feed for each."""


@saved.command("add")
@click.argument("name")
@click.argument("query")
@click.option("--exact", is_flag=True, help="Do not expand names to their variants.")
@db_option
@json_option
def add(name, query, exact, db, as_json):
    """Save QUERY (the search language of 'opis search') under NAME."""
    s = on_archive(db, lambda a: a.save_search(name, query, exact=exact))
    if as_json:
        echo_json(s.to_dict())
    else:
        click.echo(f"saved #{s.id} {s.name}: {s.query}")


@saved.command("list")
@db_option
@json_option
def list_(db, as_json):
    """The saved searches, each with how many matching documents were ingested since its last visit."""
    found = on_archive(db, lambda a: a.saved_searches())
    if as_json:
        echo_json([s.to_dict() for s in found])
        return
    if not found:
        click.echo("no saved searches (add one with: opis saved add NAME QUERY)")
    for s in found:
        feed = f"  feed {s.feed_prefix}…" if s.feed else ""
        click.echo(f"#{s.id}\t{s.name}\t{s.new} new\t{s.query}{feed}")


@saved.command("show")
@click.argument("saved_id", type=int)
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 1000), help="Results shown.")
@click.option("--keep", is_flag=True, help="Do not mark the results seen (what is new stays new).")
@db_option
@json_option
def show(saved_id, limit, keep, db, as_json):
    """The results of saved search SAVED_ID, the new ones marked with '*'; marks them seen."""

    def action(a):
        s = a.saved_search(saved_id)
        new = a.saved_new(saved_id, limit=1000)
        result = a.search(s.query, limit=limit, exact=s.exact).to_dict()
        if not keep:
            a.visit_saved(saved_id)
        return s, new, result

    s, new, result = on_archive(db, action)
    new_ids = {h["id"] for h in new["hits"]}
    if as_json:
        echo_json({"saved": s.to_dict(), "new": new, "results": result})
        return
    click.echo(f"{s.name}: {s.query} — {result['total']} results, {new['total']} new since {s.visited_at}")
    for hit in result["hits"]:
        mark = "*" if hit["id"] in new_ids else " "
        click.echo(f"{mark} {hit['id']}\t{hit.get('date') or ''}\t{hit.get('title') or ''}")
    shown = {h["id"] for h in result["hits"]}
    for hit in new["hits"]:
        if hit["id"] not in shown:
            click.echo(f"* {hit['id']}\t{hit.get('date') or ''}\t{hit.get('title') or ''}")


@saved.command("feed")
@click.argument("saved_id", type=int)
@click.option("--base", default="http://localhost:8000", show_default=True, help="The server's URL, for links.")
@click.option("--revoke", is_flag=True, help="Revoke the feed: its URL stops working.")
@click.option("--xml", "as_xml", is_flag=True, help="Print the Atom feed itself instead of making a URL.")
@db_option
def feed(saved_id, base, revoke, as_xml, db):
    """Make a new feed URL for saved search SAVED_ID (shown once; an older one stops working),
    --revoke it, or print the feed (--xml)."""
    from urllib.parse import urlsplit

    base = base.rstrip("/")
    if as_xml:
        click.echo(on_archive(db, lambda a: a.saved_feed_of(saved_id, base=base, host=urlsplit(base).hostname or ""))
                   , nl=False)
        return
    if revoke:
        on_archive(db, lambda a: a.revoke_saved_feed(saved_id))
        click.echo(f"feed of #{saved_id} revoked")
        return
    token = on_archive(db, lambda a: a.saved_feed_token(saved_id))
    click.echo(f"{base}/saved/{saved_id}/feed.atom?token={token}")


@saved.command("remove")
@click.argument("saved_id", type=int)
@db_option
def remove(saved_id, db):
    """Delete saved search SAVED_ID and its feed."""
    on_archive(db, lambda a: a.remove_saved(saved_id))
    click.echo(f"removed #{saved_id}")
