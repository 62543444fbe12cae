"""Entity commands: ``opis entities``, ``opis entity show|merge|rename|link|unlink``.

Corrections go through :meth:`opis.Archive.correct`, which checks them, stores them
(re-applied after every re-ingest) and applies them to the stored records at once.
"""

from __future__ import annotations

import re

import click

from opis.cli.options import db_option, echo_json, fail, json_option, open_archive
from opis.errors import OpisError

TYPES = ["PERSON", "PLACE", "ORG", "UNIT"]
_SPAN = re.compile(r"^(?P<doc>[0-9A-Za-z_-]+):(?:n(?P<note>\d+):)?(?P<start>\d+)-(?P<end>\d+)$")


def register(cli: click.Group) -> None:
    """Add the ``entities`` and ``entity`` commands to the CLI."""
    cli.add_command(entities_cmd)
    cli.add_command(entity)


@click.command(name="entities")
@click.option("--type", "type_", type=click.Choice(TYPES, case_sensitive=False), help="Only this type.")
@click.option("--limit", type=int, default=100, show_default=True)
@click.option("--offset", type=int, default=0)
@db_option
@json_option
def entities_cmd(type_, limit, offset, db, as_json):
    """List people, places, organisations and units with their document counts."""
    with open_archive(db) as archive:
        rows = archive.entities(type_, limit=limit, offset=offset)
    if as_json:
        echo_json(rows)
        return
    for r in rows:
        click.echo(f"{r['id']:40} {r['type']:6} {r['documents']:4} docs {r['mentions']:5} mentions  {r['label']}")


@click.group()
def entity() -> None:
    """Show one entity or correct entities (merge, rename, link, unlink)."""


@entity.command()
@click.argument("entity_id")
@db_option
@json_option
def show(entity_id, db, as_json):
    """An entity's variants, documents, mentions in context and co-occurring entities."""
    with open_archive(db) as archive:
        try:
            ent = archive.entity(entity_id)
        except OpisError as exc:
            fail(str(exc))
        ent["mention_list"] = archive.mentions(entity_id)
        ent["cooccurring"] = archive.cooccurring(entity_id)
    if as_json:
        echo_json(ent)
        return
    click.echo(f"{ent['label']}  [{ent['type']}]  {ent['id']}")
    if ent.get("lat") is not None:
        click.echo(f"  coordinates: {ent['lat']:.4f}, {ent['lon']:.4f}")
    for key in ("country", "wikidata", "geonames"):
        if ent.get(key):
            click.echo(f"  {key}: {ent[key]}")
    names = [v["name"] for v in ent["variants"] if v["name"] != ent["label"]]
    if names:
        click.echo("  variants: " + "; ".join(names))
    click.echo(f"  {ent['documents']} documents, {ent['mentions']} mentions")
    for d in ent["document_list"]:
        click.echo(f"    {d['doc_id']}  {d['date'] or '?':10}  {d['title'] or ''}")
    if ent["mention_list"]:
        click.echo("  mentions:")
        for m in ent["mention_list"]:
            where = f"{m['doc_id']}:{'n' + str(m['note']) + ':' if m['note'] is not None else ''}{m['start']}-{m['end']}"
            click.echo(f"    {where}  {m['context'] or m['surface']}")
    if ent["cooccurring"]:
        click.echo("  co-occurring: " + "; ".join(f"{c['label']} ({c['documents']})" for c in ent["cooccurring"]))


def _span(value: str) -> dict:
    """DOC_ID:START-END (or DOC_ID:nNOTE:START-END) as the arguments of a span correction."""
    m = _SPAN.match(value)
    if not m:
        fail(f"{value}: expected DOC_ID:START-END (or DOC_ID:nNOTE:START-END for a footnote)")
    return {"doc_id": m.group("doc"), "start": int(m.group("start")), "end": int(m.group("end")),
            "note": int(m.group("note")) if m.group("note") else None}


def _correct(db: str, kind: str, args: dict):
    """Check, store and apply a correction (:meth:`opis.Archive.correct`); one error line when refused."""
    with open_archive(db) as archive:
        try:
            return archive.correct(kind, args)
        except OpisError as exc:
            fail(str(exc))


@entity.command()
@click.argument("into")
@click.argument("other")
@db_option
def merge(into, other, db):
    """Merge entity OTHER into entity INTO (OTHER's mentions and names go to INTO)."""
    done = _correct(db, "entity.merge", {"into": into, "other": other})
    click.echo(f"merged {other} into {into} ({len(done.documents)} documents updated)")


@entity.command()
@click.argument("entity_id")
@click.argument("label")
@db_option
def rename(entity_id, label, db):
    """Give an entity a new preferred label (the old one stays a variant)."""
    done = _correct(db, "entity.rename", {"id": entity_id, "label": label})
    click.echo(f"renamed {entity_id} to {label!r} ({len(done.documents)} documents updated)")


@entity.command()
@click.argument("span")
@click.argument("entity_id")
@db_option
def link(span, entity_id, db):
    """Link the words at SPAN (DOC_ID:START-END) to ENTITY_ID (an authority or collection id)."""
    done = _correct(db, "entity.link", {**_span(span), "entity": entity_id})
    click.echo(f"linked {done.args['surface']!r} at {span} to {entity_id}")


@entity.command()
@click.argument("span")
@db_option
def unlink(span, db):
    """Say that the words at SPAN (DOC_ID:START-END) are not a mention of any entity."""
    done = _correct(db, "entity.unlink", _span(span))
    click.echo(f"unlinked {done.args['surface']!r} at {span}")
