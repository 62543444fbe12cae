"""CLI commands for archival references: ``opis refs parse``, ``opis archives``, ``opis export``."""

from __future__ import annotations

import json
from typing import Any

import click

from opis.cli.options import db_option, echo_json, fail, json_option, open_archive
from opis.errors import OpisError
from opis.export import exporters
from opis.inline import to_plain


def register(cli: click.Group) -> None:
    """Add the ``refs``, ``archives`` and ``export`` commands to the CLI."""
    cli.add_command(refs)
    cli.add_command(archives)
    cli.add_command(export_command())


def ref_json(ref) -> dict[str, Any]:
    """One parsed reference as printed by ``opis refs parse --json`` (extra parts at the top level)."""
    d = {
        "raw": ref.raw, "kind": ref.kind, "archive": ref.archive, "archive_name": ref.archive_name,
        "known_archive": ref.known_archive, "fond": ref.fond, "opis": ref.opis, "delo": ref.delo,
        "folios": list(ref.folios),
    }
    if ref.pages:
        d["pages"] = ref.pages
    if ref.ibid:
        d["ibid"] = True
    for k, v in ref.extra.items():
        d.setdefault(k, v)
    return d


@click.group()
def refs() -> None:
    """Archival signatures and citations."""


@refs.command("parse")
@click.argument("strings", nargs=-1, required=True)
@json_option
def refs_parse(strings, as_json):
    """Parse signature strings: one result per string, in order (one JSON object per line with --json).

    Strings are parsed as one sequence, so "Ibid." and abbreviations defined in an earlier string
    ("(hereafter – GA RF)") apply to the later ones. A single "-" reads one string per line from
    standard input (e.g. a file of footnotes).
    """
    if strings == ("-",):
        strings = tuple(ln.strip() for ln in click.get_text_stream("stdin").read().splitlines() if ln.strip())
    from opis.model import Note
    from opis.refs.footnotes import annotate_notes

    notes = [Note(n=i + 1, text=s) for i, s in enumerate(strings)]
    annotate_notes(notes)
    for note in notes:
        items: list[dict[str, Any]] = [ref_json(r) for r in note.archival_refs]
        for cit in note.citations:
            items.append({"raw": cit.get("raw", note.text), "kind": "book", **{k: v for k, v in cit.items() if k != "raw"}})
        if not items:
            items = [{"raw": note.text, "kind": "unparsed", "archive": None, "archive_name": None, "fond": None,
                      "opis": None, "delo": None, "folios": []}]
        for item in items:
            if as_json:
                click.echo(json.dumps(item, ensure_ascii=False))
            else:
                click.echo(_line(item))


def _line(d: dict[str, Any]) -> str:
    if d["kind"] == "unparsed":
        return f"unparsed   {d['raw']}"
    if d["kind"] == "book":
        who = "; ".join(a.get("family", "") for a in d.get("author", []))
        return f"{d.get('type', 'book'):10} {who}: {d.get('title', '')}" + (f", {d['locator']}" if d.get("locator") else "")
    if d["kind"] == "published":
        return f"published  {d.get('title')} {d.get('year')}, no. {d.get('number')}" + (f", {d['pages']}" if d.get("pages") else "")
    parts = [f"{k}={d[k]}" for k in ("archive", "fond", "opis", "delo") if d.get(k)]
    if d.get("folios"):
        parts.append("folios=" + ",".join(d["folios"]))
    extra = {k: v for k, v in d.items() if k not in ("raw", "kind", "archive", "archive_name", "known_archive", "fond",
                                                     "opis", "delo", "folios", "ibid", "pages")}
    parts += [f"{k}={v}" for k, v in extra.items()]
    flag = "" if d.get("known_archive") else " (archive not in authority)"
    return "archival   " + " ".join(parts) + flag


@click.command()
@click.argument("archive", required=False)
@click.argument("fond", required=False)
@click.argument("opis", required=False)
@click.option("--delo", default=None, help="With ARCHIVE FOND OPIS: list what cites this delo.")
@click.option("--citing", "show_citing", is_flag=True, help="List the documents/notes citing the given level.")
@db_option
@json_option
def archives(archive, fond, opis, delo, show_citing, db, as_json):
    """Browse the archive tree: archives -> fonds -> opisi -> dela, with counts.

    `opis archives`, `opis archives GARF`, `opis archives RGASPI 17 --citing` (which documents cite
    RGASPI f. 17?). Archive codes may be any alias (GA RF, ГА РФ, RTsKhIDNI).
    """
    arch = open_archive(db)
    try:
        if show_citing or delo:
            if not archive:
                fail("--citing needs an ARCHIVE")
            rows = arch.citing(archive, fond, opis, delo)
            if as_json:
                echo_json(rows)
            else:
                for r in rows:
                    where = f"note {r['note']}" if r["note"] is not None else "document"
                    click.echo(f"{r['doc_id']}  {where:8}  {to_plain(r['raw'])}  — {to_plain(r['title'] or '')}")
            return
        rows = arch.archive_tree(archive, fond, opis)
        if as_json:
            echo_json(rows)
            return
        if not rows:
            click.echo("no archival references stored at this level", err=True)
        for r in rows:
            level = r["level"]
            label = r[level] if r[level] is not None else "(none)"
            name = f"  {r['name']}" if r.get("name") else ("  (not in authority)" if level == "archive" else "")
            click.echo(f"{level:7} {label:20} {r['refs']:4} refs {r['documents']:3} docs{name}")
    finally:
        arch.close()


def export_command() -> click.Command:
    """``opis export``, offering the export formats registered when the command is built."""
    names = tuple(exporters())

    @click.command(name="export")
    @click.argument("ident", required=False)
    @click.option("--format", "fmt", default="chicago", show_default=True, type=click.Choice(names),
                  help="The export format (docs: Exports).")
    @click.option("--out", "out", type=click.Path(file_okay=False), default=None,
                  help="Write the export into this folder (one file per table for csv) and print the paths.")
    @click.option("--table", default=None,
                  help="With csv on standard output: the table to print (documents, entities or claims; default documents).")
    @db_option
    def export_cmd(ident, fmt, out, table, db):
        with open_archive(db) as archive:
            try:
                files = _export_files(archive, ident, fmt, out is not None)
            except OpisError as exc:
                fail(str(exc))
            if out is not None:
                for path in _write(files, out):
                    click.echo(path)
                return
            if len(files) > 1:
                name = f"{table or 'documents'}.csv"
                if name not in files:
                    fail(f"no table {table!r} in the {fmt} export (choose from {', '.join(n.split('.')[0] for n in files)})")
                click.echo(files[name].rstrip("\r\n"))
            else:
                click.echo(next(iter(files.values())).rstrip("\n"))

    many = [n for n, e in exporters().items() if e.render_all is not None]
    export_cmd.help = (f"Export a record's citation or record ({', '.join(names)}; json is JSON-LD); without "
                       f"IDENT, every document ({', '.join(many)}).")
    return export_cmd


def _export_files(archive, ident: str | None, fmt: str, to_folder: bool) -> dict[str, str]:
    """The export as ``{file name: text}``: one document's (by IDENT) or every document's."""
    exporter = exporters()[fmt]
    if ident is None:
        return archive.export_all(fmt)
    if exporter.render_all is not None and (not exporter.citation or to_folder):
        return archive.export_all(fmt, [ident])
    doc_id = archive.resolve_id(ident)
    return {f"{doc_id}.{exporter.extension}": archive.export(doc_id, fmt)}


def _write(files: dict[str, str], folder: str) -> list[str]:
    """Write each file into ``folder`` (made if missing); the paths written."""
    from pathlib import Path

    where = Path(folder)
    where.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in files.items():
        path = where / name
        path.write_text(text, encoding="utf-8", newline="")
        paths.append(str(path))
    return paths
