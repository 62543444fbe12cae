"""Entity commands: ``opis entities``, ``opis entity show|merge|rename|link|unlink``.

Corrections are stored with ``Store.add_correction`` (re-applied after every re-ingest) and
applied to the stored records at once.
"""

from __future__ import annotations

import re

import click

from opis.cli.options import db_option, echo_json, fail, json_option, open_db
from opis.errors import NotFound, OpisError

TYPES = ["PERSON", "PLACE", "ORG", "UNIT"]
_SPAN = re.compile(r"^(?P<doc>[0-9A-Za-z_-]+):(?:n(?P<note>\d+):)?(?P<start>\d+)-(?P<end>\d+)$")


def register(cli: click.Group) -> None:
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
    from opis.store.entities import list_entities

    store = open_db(db)
    rows = list_entities(store, type_, limit=limit, offset=offset)
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
    from opis.store.entities import cooccurring, entity_mentions, get_entity

    store = open_db(db)
    try:
        ent = get_entity(store, entity_id)
    except NotFound as exc:
        fail(str(exc))
    ent["mention_list"] = entity_mentions(store, entity_id)
    ent["cooccurring"] = cooccurring(store, entity_id)
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


def _span(store, value: str) -> dict:
    m = _SPAN.match(value)
    if not m:
        fail(f"{value}: expected DOC_ID:START-END (or DOC_ID:nNOTE:START-END for a footnote)")
    try:
        doc = store.get(m.group("doc"))
    except NotFound as exc:
        fail(str(exc))
    start, end = int(m.group("start")), int(m.group("end"))
    note = int(m.group("note")) if m.group("note") else None
    text = doc.text if note is None else next((n.text for n in doc.notes if n.n == note), None)
    if text is None:
        fail(f"{value}: document {doc.id} has no footnote {note}")
    if end <= start or end > len(text):
        fail(f"{value}: span outside the text of document {doc.id} ({len(text)} characters)")
    return {"doc_id": doc.id, "start": start, "end": end, "note": note, "surface": text[start:end],
            "path": doc.provenance.path if doc.provenance else None}


def _correct(store, kind: str, args: dict, doc_ids: list[str]) -> int:
    """Store a correction and apply it to the stored records it concerns."""
    from opis.authority import curation

    try:
        curation.validate(kind, args)
    except OpisError as exc:
        fail(str(exc))
    cid = store.add_correction(kind, args)
    corr = [{"id": cid, "kind": kind, "args": args}]
    for doc_id in doc_ids:
        doc = store.get(doc_id)
        curation.apply(doc, corr)
        store.write(doc)
    return len(doc_ids)


def _known(store, entity_id: str) -> None:
    from opis import authority

    row = store.conn.execute("SELECT 1 FROM entities WHERE id = ?", (entity_id,)).fetchone()
    if row is None and authority.get(entity_id) is None:
        fail(f"no entity with id {entity_id!r} (see 'opis entities')")


@entity.command()
@click.argument("into")
@click.argument("other")
@db_option
def merge(into, other, db):
    """Merge entity OTHER into entity INTO (OTHER's mentions and names go to INTO)."""
    from opis.store.entities import affected_documents

    store = open_db(db)
    _known(store, into)
    _known(store, other)
    n = _correct(store, "entity.merge", {"into": into, "other": other}, affected_documents(store, [other]))
    click.echo(f"merged {other} into {into} ({n} documents updated)")


@entity.command()
@click.argument("entity_id")
@click.argument("label")
@db_option
def rename(entity_id, label, db):
    """Give an entity a new preferred label (the old one stays a variant)."""
    from opis.store.entities import affected_documents

    store = open_db(db)
    _known(store, entity_id)
    n = _correct(store, "entity.rename", {"id": entity_id, "label": label}, affected_documents(store, [entity_id]))
    click.echo(f"renamed {entity_id} to {label!r} ({n} documents updated)")


@entity.command()
@click.argument("span")
@click.argument("entity_id")
@db_option
def link(span, entity_id, db):
    """Link the words at SPAN (DOC_ID:START-END) to ENTITY_ID (an authority or collection id)."""
    store = open_db(db)
    _known(store, entity_id)
    args = _span(store, span)
    args["entity"] = entity_id
    _correct(store, "entity.link", args, [args["doc_id"]])
    click.echo(f"linked {args['surface']!r} at {span} to {entity_id}")


@entity.command()
@click.argument("span")
@db_option
def unlink(span, db):
    """Say that the words at SPAN (DOC_ID:START-END) are not a mention of any entity."""
    store = open_db(db)
    args = _span(store, span)
    _correct(store, "entity.unlink", args, [args["doc_id"]])
    click.echo(f"unlinked {args['surface']!r} at {span}")
