"""Core commands: ingest, list, show, dump, eval."""

from __future__ import annotations

import contextlib
import json
import sys

import click

from opis.cli.options import db_option, echo_json, fail, json_option, open_db
from opis.display import for_terminal
from opis.errors import NotFound, OpisError


def register(cli: click.Group) -> None:
    """Add the ``ingest``, ``list``, ``show``, ``dump`` and ``eval`` commands to the CLI."""
    for cmd in (ingest, list_, show, dump, eval_):
        cli.add_command(cmd)


@click.command()
@click.argument("paths", nargs=-1, required=False)  # required, checked below (--queue may have taken the first)
@db_option
@json_option
@click.option("--max-bytes", type=int, default=200 * 1024 * 1024, show_default=True, help="Per-file size limit.")
@click.option("--timeout", type=float, default=600.0, show_default=True,
              help="Per-file time limit (s) for reading and extraction; the file's worker is killed at it.")
@click.option("--memory-limit", type=int, default=2048, show_default=True,
              help="Per-file memory cap (MB) of the worker process that reads and extracts a file.")
@click.option("--ocr-lang", default=None, help="Tesseract languages for scans, e.g. 'rus+eng' (default: detect).")
@click.option("--jobs", "-j", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Files read and extracted at once, each in its own worker process (one writer stores them).")
@click.option("--queue", "queue", is_flag=False, flag_value="", default=None, metavar="[URL]",
              help="Queue one job per file for 'opis worker' instead of ingesting here; the queue's PostgreSQL URL"
                   " (default: OPIS_QUEUE, else the store's database when it is PostgreSQL).")
@click.option("--files", envvar="OPIS_FILES", default=None, type=click.Path(file_okay=False),
              help="With --queue: the file store the queued files are kept in for the workers (env OPIS_FILES;"
                   " default: DB.files).")
@click.option("--collection", "collections", multiple=True, metavar="NAME",
              help="Put every document in this collection (repeatable; see 'opis collections'). Default: the"
                   " default public collection.")
def ingest(paths, db, as_json, max_bytes, timeout, memory_limit, ocr_lang, jobs, queue, files, collections):
    """Ingest files or directories (recursively) into the database.

    Prints one line per input (status, id, date, type, title); errors name the file and the
    problem, the batch goes on, and the exit code is 1 if any input failed. Each file is read
    under hard limits (--timeout, --memory-limit); a full disk ends the batch after its summary.
    With --queue, each file is kept in the file store and queued for 'opis worker' instead.
    """
    from opis.ingest import ingest_paths
    from opis.readers import ReadOptions

    tty = sys.stderr.isatty()
    options = ReadOptions(max_bytes=max_bytes, timeout=timeout, memory_mb=memory_limit or None, ocr_lang=ocr_lang,
                          progress=tty)
    if queue is not None:
        from opis.cli.jobs import enqueue, queue_arguments

        if collections:
            raise click.UsageError("--collection cannot be given with --queue yet: queue the files, then"
                                   " 'opis collections assign NAME ID...'")

        paths, queue = queue_arguments(paths, queue)
        if not paths:
            raise click.UsageError("Missing argument 'PATHS...'.")
        enqueue(paths, db, queue, files, options, as_json)
        return
    if not paths:
        raise click.UsageError("Missing argument 'PATHS...'.")
    store = open_db(db, must_exist=False)
    failed = 0
    counts: dict[str, int] = {}
    stopped = None
    cids = _collection_ids(store, collections)
    results = ingest_paths(store, paths, options, progress=tty and not as_json, jobs=jobs, collections=cids)
    if cids:
        from opis.store.collections import assigning

        results = assigning(store, results, cids)
    for r in results:
        counts[r.status] = counts.get(r.status, 0) + 1
        if as_json:
            click.echo(json.dumps(r.to_dict(), ensure_ascii=False))
        elif r.status == "skipped":
            stopped = r.error
        elif r.status == "error":
            click.echo(f"Error: {r.path}: {r.error}", err=True)
        else:
            click.echo(ingest_line(r))
        failed += r.status in ("error", "skipped")
    if not as_json:
        summary = ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
        try:
            stored = f"{store.count()} documents"
        except Exception as exc:  # noqa: BLE001 - the summary is printed whatever the store says
            stored = f"cannot count documents: {exc}"
        click.echo(f"{summary}{f' ({stopped})' if stopped else ''} -> {db} ({stored})", err=True)
    with contextlib.suppress(Exception):  # closing a store that failed to write must not hide the summary
        store.close()
    sys.exit(1 if failed else 0)


def _collection_ids(store, names) -> list[int]:
    """The ids of the collections named by --collection; exits naming one that does not exist."""
    from opis.errors import NotFound
    from opis.store.collections import ids_of

    try:
        return ids_of(store, names)
    except NotFound as exc:
        fail(f"{exc}; make it first with 'opis collections add NAME'")


def ingest_line(r) -> str:
    """One line per stored file: status, id, date, type, title (or the path when untitled).

    Titles and paths come from the files: shown through :func:`opis.display.for_terminal`, so
    control and bidi characters in them are printed as escapes and cannot act on the terminal.
    """
    if r.status == "unchanged":
        return f"{r.status:9} {r.id}  {for_terminal(r.path)}  (already stored)"
    label = for_terminal(r.title or r.path)
    line = f"{r.status:9} {r.id}  {r.date or '?':10}  {r.doc_type or '-':11} {_short(label, 90)}"
    stored = " · ".join(f"{k} {n}" for k, n in (r.counts or {}).items() if n)
    return line + (f"\n{'':28}{stored}" if stored else "")


def _short(s: str, width: int = 110) -> str:
    return s if len(s) <= width else s[: width - 1] + "…"


@click.command(name="list")
@db_option
@json_option
@click.option("--limit", type=int, default=None)
@click.option("--offset", type=int, default=0)
def list_(db, as_json, limit, offset):
    """List stored documents by date: id, date, type, title."""
    store = open_db(db)
    rows = store.list(limit=limit, offset=offset)
    if as_json:
        echo_json(rows)
        return
    if rows:
        click.echo(f"{'id':16}  {'date':10}  {'type':11} {'layout':14} title")
    for r in rows:
        click.echo(
            f"{r['id']}  {r['date_edtf'] or '?':10}  {for_terminal(r['doc_type'] or '-'):11} {r['layout'] or '-':14} "
            f"{_short(for_terminal(r['title'] or r['path']))}"
        )
    click.echo(f"{store.count()} documents in {db}", err=True)


@click.command()
@click.argument("ident")
@db_option
@json_option
def show(ident, db, as_json):
    """Show one record (full JSON with --json)."""
    store = open_db(db)
    try:
        rec = store.get_dict(ident)
    except NotFound as exc:
        fail(str(exc))
    if as_json:
        echo_json(rec)
        return
    from opis.model import Document
    from opis.render import record_summary

    click.echo(for_terminal(record_summary(Document.from_dict(rec)), multiline=True))


@click.command()
@db_option
@click.option("--all", "everything", is_flag=True,
              help="Also the curator corrections and the ingest log; each line is then"
                   ' {"record": ...}, {"correction": ...} or {"ingest_log": ...}.')
def dump(db, everything):
    """Print every stored record as JSON Lines (the full record).

    With --all, everything a backup holds that is not derived from the records too (derived
    tables and the search index are rebuilt from the records)."""
    store = open_db(db)
    try:
        for rec in store.iter_records():
            click.echo(json.dumps({"record": rec} if everything else rec, ensure_ascii=False))
        if everything:
            for row in store.corrections():
                click.echo(json.dumps({"correction": row}, ensure_ascii=False))
            for row in store.ingest_log():
                click.echo(json.dumps({"ingest_log": row}, ensure_ascii=False))
    except OpisError as exc:
        fail(str(exc))


@click.command(name="eval")
@click.argument("gold_dir", type=click.Path(exists=True, file_okay=False))
@db_option
@json_option
def eval_(gold_dir, db, as_json):
    """Score stored records against gold files: precision/recall/F1 per field."""
    from opis.evaluate import evaluate, format_report

    store = open_db(db)
    report = evaluate(store, gold_dir)
    if as_json:
        echo_json(report.to_dict())
    else:
        click.echo(format_report(report))
