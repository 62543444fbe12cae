"""``opis claims`` (list or compare what sources say, with numbers) and ``opis timeline``."""

from __future__ import annotations

import click

from opis.cli.options import db_option, echo_json, fail, json_option, open_archive
from opis.errors import OpisError


def register(cli: click.Group) -> None:
    """Add the ``claims`` and ``timeline`` commands to the CLI."""
    cli.add_command(claims)
    cli.add_command(timeline)


def _value(c: dict) -> str:
    v = c["value"]
    s = f"{v:,}" if isinstance(v, int) else str(v)
    if c.get("unit"):
        s += f" {c['unit']}"
        if c.get("normalized_value") is not None:
            s += f" (= {c['normalized_value']:g} {c['normalized_unit']})"
    if c.get("qualifier"):
        s = f"{c['qualifier']} {s}"
    return s


def _claim_line(c: dict) -> str:
    date = c["date"]["edtf"] or "?"
    src = f"  [{c['reported_by']}]" if c.get("reported_by") else ""
    place = f" @ {c['place_label']}" if c.get("place_label") else ""
    where = "summary" if c["start"] is None else c["start"]
    return f"{date:24} {_value(c):28} {c['what']}{place}{src}  <{c['doc_id'][:10]}:{where}>"


@click.command()
@db_option
@json_option
@click.option("--about", default=None, help="Words the claim is about, e.g. 'people crossed' (synonyms included).")
@click.option("--from", "date_from", default=None, help="Only claims about dates from this (EDTF or text: 1930, 1962-04).")
@click.option("--to", "date_to", default=None, help="Only claims about dates up to this.")
@click.option("--place", default=None, help="Place id or name (e.g. place:tacheng).")
@click.option("--compare", is_flag=True, help="Group claims about the same thing, overlapping in time and place, side by side.")
@click.option("--slack", type=int, default=31, show_default=True, help="Days of slack when lining up dates (--compare).")
def claims(db, as_json, about, date_from, date_to, place, compare, slack):
    """Numbers the documents state: what, when, where, who says so."""
    archive = open_archive(db)
    try:
        if compare:
            groups = archive.claims(about, date_from, date_to, place, compare=True, slack_days=slack)
            if as_json:
                echo_json(groups)
                return
            if not groups:
                click.echo("No claims from two or more sources line up.", err=True)
            for g in groups:
                click.echo(f"== {g['kind']}: {g['what']}  ({g['date']['earliest']} .. {g['date']['latest']})")
                for c in g["claims"]:
                    click.echo(f"   {_claim_line(c)}")
                    click.echo(f"      source: {c['title'] or c['doc_id']}")
                click.echo("")
            return
        rows = archive.claims(about, date_from, date_to, place)
    except OpisError as exc:
        fail(str(exc))
    finally:
        archive.close()
    if as_json:
        echo_json(rows)
        return
    for c in rows:
        click.echo(_claim_line(c))


@click.command()
@db_option
@json_option
@click.option("--from", "date_from", default=None, help="From this date (EDTF or text).")
@click.option("--to", "date_to", default=None, help="Up to this date.")
@click.option("--place", default=None, help="Only items about this place (id or name).")
@click.option("--person", default=None, help="Only items about this person (id or name).")
@click.option("--kind", "kinds", multiple=True, type=click.Choice(["document", "claim", "event"]), help="Item kinds (default all).")
@click.option("--limit", type=int, default=2000, show_default=True, help="At most this many items (0: all).")
def timeline(db, as_json, date_from, date_to, place, person, kinds, limit):
    """Document dates, dated claims and events in one chronological list."""
    with open_archive(db) as archive:
        try:
            items = archive.timeline(date_from, date_to, place, person, kinds=tuple(kinds) or ("document", "claim", "event"),
                                     limit=limit or None)
        except OpisError as exc:
            fail(str(exc))
    if as_json:
        echo_json(items)
        return
    for i in items:
        where = f"{i['doc_id'][:10]}" + (f":{i['start']}" if i["start"] is not None else "")
        label = i["label"] if len(i["label"]) <= 150 else i["label"][:147] + "..."
        click.echo(f"{i['date']['edtf'] or '?':24} {i['kind']:8} {label}  <{where}>")
