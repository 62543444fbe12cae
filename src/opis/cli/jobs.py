"""The ingest queue's commands: ``opis worker`` runs jobs, ``opis jobs`` follows them (and
``opis jobs retry ID``); ``opis ingest --queue`` (in :mod:`opis.cli.core`) enqueues through
:func:`enqueue`."""

from __future__ import annotations

import sys

import click

from opis.cli.options import db_option, echo_json, fail, json_option
from opis.display import for_terminal
from opis.errors import OpisError

queue_option = click.option(
    "--queue", "queue", envvar="OPIS_QUEUE", default=None, metavar="URL",
    help="PostgreSQL URL of the job queue (env OPIS_QUEUE; default: the store's database when it is PostgreSQL).")
files_option = click.option(
    "--files", envvar="OPIS_FILES", default=None, type=click.Path(file_okay=False),
    help="Folder of the file store every worker reads the files from (env OPIS_FILES; default: DB.files).")


def register(cli: click.Group) -> None:
    """Add the ``worker`` and ``jobs`` commands to the CLI."""
    cli.add_command(worker)
    cli.add_command(jobs)


def resolve_queue(queue: str | None, db: str) -> str:
    """The queue URL of a command, or exit with one line saying how to give one."""
    from opis.queue import queue_url

    try:
        url = queue_url(queue, db)
    except OpisError as exc:
        fail(str(exc))
    if url is None:
        fail("no job queue: pass --queue postgresql://… (or set OPIS_QUEUE), or use a PostgreSQL store (--db)")
    return url


def queue_arguments(paths: tuple[str, ...], queue: str) -> tuple[tuple[str, ...], str | None]:
    """``opis ingest --queue [URL] PATH…``: the value after ``--queue`` is the queue's URL only
    when it is a PostgreSQL URL; otherwise it is the first path (and the queue is the default:
    OPIS_QUEUE, else the store's database)."""
    import os

    from opis.queue import ENV, is_postgres

    if queue and not is_postgres(queue):
        return (queue, *paths), os.environ.get(ENV) or None
    return paths, queue or os.environ.get(ENV) or None


def files_root(files: str | None, db: str) -> str:
    """The file store folder: ``files``, else the store's default (``<db>.files`` beside a database
    file). Workers on several machines must be given the same shared folder."""
    from opis.uploads import default_root

    return files or str(default_root(db))


def enqueue(paths, db: str, queue: str, files: str | None, options, as_json: bool) -> None:
    """``opis ingest --queue``: put the files in the file store and queue one job per file; one
    line per file, a summary, and exit code 1 if any file could not be queued."""
    from opis.archive import Archive
    from opis.queue import shown

    url = resolve_queue(queue, db)
    counts: dict[str, int] = {}
    try:
        with Archive(db, files=files_root(files, db)) as archive:
            for e in archive.enqueue(paths, url, options):
                counts[e.status] = counts.get(e.status, 0) + 1
                if as_json:
                    echo_json(e.to_dict(), indent=None)
                elif e.status == "error":
                    click.echo(f"Error: {for_terminal(e.path)}: {e.error}", err=True)
                else:
                    what = f"job {e.job_id}" if e.job_id is not None else (e.doc_id or "")
                    click.echo(f"{e.status:14} {what:18} {for_terminal(e.path)}")
    except OpisError as exc:  # the queue or the store cannot be opened
        fail(str(exc))
    if not as_json:
        summary = ", ".join(f"{n} {s}" for s, n in sorted(counts.items())) or "nothing"
        click.echo(f"{summary} -> queue {shown(url)} (run 'opis worker' to ingest them)", err=True)
    sys.exit(1 if counts.get("error") else 0)


@click.command()
@db_option
@queue_option
@files_option
@click.option("--concurrency", "-c", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Jobs run at once, each file extracted in its own process.")
@click.option("--heartbeat", type=click.FloatRange(0.1), default=10.0, show_default=True,
              help="Seconds between the worker's heartbeats and its looks for jobs of stopped workers.")
@click.option("--stalled-after", type=click.FloatRange(0.5), default=30.0, show_default=True,
              help="Seconds without a heartbeat after which a worker counts as stopped and its jobs are queued again.")
@click.option("--until-empty", is_flag=True, help="Stop when the queue is empty instead of waiting for more jobs.")
@click.option("--prune-done-after", default="7d", show_default=True, metavar="AGE",
              help="Delete done jobs older than AGE (7d, 12h, 30m; 'never' keeps them), checked every hour.")
@click.option("--prune-failed-after", default="30d", show_default=True, metavar="AGE",
              help="Delete failed jobs (and their errors) older than AGE ('never' keeps them).")
def worker(db, queue, files, concurrency, heartbeat, stalled_after, until_empty, prune_done_after,
           prune_failed_after):
    """Run ingest jobs from the queue until stopped (SIGTERM or Ctrl-C: finish the running jobs, take no more).

    Start any number, on any machines that reach the queue's database, the store and the file store."""
    import logging

    from opis.queue import parse_age, shown
    from opis.queue_worker import WorkerConfig, run_worker

    url = resolve_queue(queue, db)
    try:
        ages = parse_age(prune_done_after), parse_age(prune_failed_after)
    except OpisError as exc:
        fail(str(exc))
    config = WorkerConfig(queue=url, db=db, files=files_root(files, db), concurrency=concurrency,
                          heartbeat=heartbeat, stalled_after=max(stalled_after, heartbeat * 2),
                          until_empty=until_empty, prune_done_after=ages[0], prune_failed_after=ages[1])
    logging.basicConfig(level=logging.WARNING, format="opis worker: %(message)s")
    logging.getLogger("opis.worker").setLevel(logging.INFO)  # one line per job
    click.echo(f"opis worker: {concurrency} at once, queue {shown(url)}, store {db}, files {config.files}", err=True)
    try:
        run_worker(config)
    except OpisError as exc:
        fail(str(exc))
    except KeyboardInterrupt:
        pass
    click.echo("opis worker: stopped", err=True)


@click.group(invoke_without_command=True)
@db_option
@queue_option
@json_option
@click.option("--failed", "only_failed", is_flag=True, help="Only the failed jobs, each with its one-line error.")
@click.option("--status", type=click.Choice(["queued", "running", "failed", "done", "cancelled"]), default=None,
              help="Only the jobs of this status.")
@click.option("--limit", type=click.IntRange(1, 10000), default=20, show_default=True, help="Jobs listed, newest first.")
@click.pass_context
def jobs(ctx, db, queue, as_json, only_failed, status, limit):
    """Show the ingest queue: how many jobs are queued, running, failed and done, and the latest ones.

    A failed job shows its one-line error naming the file; 'opis jobs retry ID' queues it again."""
    ctx.ensure_object(dict)
    ctx.obj["queue"] = resolve_queue(queue, db)
    if ctx.invoked_subcommand is not None:
        return
    from opis.queue import JobQueue, QueueError

    try:
        with JobQueue(ctx.obj["queue"]) as q:
            counts = q.counts()
            rows = q.recent(limit, "failed" if only_failed else status)
            live = q.workers()
    except QueueError as exc:
        fail(str(exc))
    if as_json:
        echo_json({"counts": counts, "workers": live, "jobs": [r.to_dict() for r in rows]})
        return
    shown_counts = "  ".join(f"{n} {s}" for s, n in counts.items() if n or s != "cancelled")
    click.echo(f"{shown_counts}  ({live} worker{'' if live == 1 else 's'} running)")
    for r in rows:
        click.echo(job_line(r))


def job_line(r) -> str:
    """One line per job: id, status, attempts, then the document or the error (or the file)."""
    tail = r.error if r.status == "failed" and r.error else f"{r.result or '':9} {r.doc_id or '':16} {r.name}"
    return f"{r.id:>7}  {r.status:9} {r.attempts:>2}  {for_terminal(tail)}"


@jobs.command(name="retry")
@click.argument("job_id", type=int)
@click.pass_context
def retry(ctx, job_id):
    """Queue a failed job again (a worker runs it; its error is forgotten)."""
    from opis.queue import JobQueue, QueueError

    try:
        with JobQueue(ctx.obj["queue"]) as q:
            row = q.retry(job_id)
    except QueueError as exc:
        fail(str(exc))
    click.echo(f"job {row.id} queued again: {for_terminal(row.name)}")


@jobs.command(name="prune")
@click.option("--older-than", "older_than", default="7d", show_default=True, metavar="AGE",
              help="Delete jobs that ended more than AGE ago: 7d, 12h, 30m, 90s, 2w.")
@click.option("--status", "which", type=click.Choice(["done", "failed", "all"]), default="done", show_default=True,
              help="Which ended jobs: done, failed, or all (done, failed and cancelled).")
@click.pass_context
def prune(ctx, older_than, which):
    """Delete old ended jobs with their events and errors (queued and running jobs are never touched).

    The documents they stored stay; 'opis worker' prunes on its own every hour (--prune-done-after)."""
    from opis.queue import JobQueue, QueueError, parse_age

    try:
        age = parse_age(older_than)
        if age is None:
            fail("--older-than needs an age (7d, 12h, 30m)")
        with JobQueue(ctx.obj["queue"]) as q:
            n = q.prune(age, which)
    except QueueError as exc:
        fail(str(exc))
    click.echo(f"pruned {n} {which if which != 'all' else 'ended'} job{'s' if n != 1 else ''} older than {older_than}")
