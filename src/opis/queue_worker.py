"""``opis worker``: run the ingest jobs of the queue (:mod:`opis.queue`) until stopped.

A worker is a procrastinate worker (https://procrastinate.readthedocs.io) over the queue's
database, with ``concurrency`` jobs at once. Each job is one file, taken from the shared file
store by its key and ingested with the per-file steps of :mod:`opis.ingest`
(``prepare_file`` -> ``extract_file`` -> ``store_extracted``): read and extracted in an
extraction process of its own slot under the file's time and memory limits, stored by this
process through :class:`opis.Archive`. How the file ended is kept with the job
(:mod:`opis.store.jobqueue`); a file that fails fails its job with one line naming the file,
and a store that cannot be written fails it for a retry (procrastinate's retry strategy).

A worker beats its heartbeat every ``heartbeat`` seconds. A worker that dies (killed, the machine
lost) stops beating; every live worker looks for the jobs of workers silent for ``stalled_after``
seconds and puts them back in the queue (procrastinate's stalled-job handling), up to
:data:`opis.queue.ATTEMPTS` runs, then fails them. The ingest's write is idempotent by checksum,
so a job run again after its worker died mid-write stores its document once. SIGTERM or Ctrl-C
stops the worker gracefully: it takes no new job and ends those it is running.

Each job's outcome names the worker that ran it (``host:pid``). Every hour (and at start) a worker
deletes the done jobs older than ``prune_done_after`` (7 days) and the failed ones older than
``prune_failed_after`` (30 days), so the queue's tables do not grow for ever (:func:`prune_old`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import queue as _queue
import socket
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from opis.errors import OpisError
from opis.files import FileStore
from opis.ingest import IngestResult, extract_file, prepare_file, store_extracted
from opis.queue import ATTEMPTS, QUEUE, TASK, ensure_schema, options_from
from opis.store import jobqueue as _sql
from opis.store.failures import DatabaseError

log = logging.getLogger("opis.worker")


class FileFailed(Exception):
    """A file that cannot be ingested (unreadable, damaged, over a limit): its job fails, with
    one line naming the file, and is not retried."""


class StoreUnavailable(Exception):
    """The store could not be written (a lock held too long, a full disk, the server gone): the
    job is retried later."""


@dataclass(frozen=True)
class WorkerConfig:
    """What ``opis worker`` runs with."""

    queue: str  # the queue's PostgreSQL URL
    db: str  # the store the documents go to
    files: str  # the file store root (shared by every machine)
    concurrency: int = 1  # jobs at once, each with its own extraction process
    heartbeat: float = 10.0  # seconds between heartbeats (and looks for stalled jobs)
    stalled_after: float = 30.0  # seconds of silence after which a worker counts as dead
    until_empty: bool = False  # stop when the queue is empty (benchmarks, tests)
    poll: float = 5.0  # seconds between looks at the queue when no notification came
    prune_done_after: float | None = 7 * 86400  # seconds after which done jobs are deleted (None: kept)
    prune_failed_after: float | None = 30 * 86400  # the same for failed jobs
    prune_every: float = 3600.0  # seconds between two prunes (the first at start)


@dataclass
class JobOutcome:
    """How one job's file ended."""

    result: IngestResult
    retry: bool = False  # a store failure: worth another attempt


class Runtime:
    """What the jobs of one worker process share: a pool of extraction slots (one extraction
    process each), and per thread an open archive and a connection to the queue."""

    def __init__(self, config: WorkerConfig):
        self.config = config
        self.files = FileStore(config.files)
        self._slots: _queue.Queue[int] = _queue.Queue()
        for slot in range(config.concurrency):
            self._slots.put(slot)
        self._local = threading.local()
        self.name = f"{socket.gethostname()}:{os.getpid()}"  # kept with each job it runs

    def archive(self):
        """This thread's archive over the store (opened on first use)."""
        if getattr(self._local, "archive", None) is None:
            from opis.archive import Archive

            self._local.archive = Archive(self.config.db, files=self.config.files)
        return self._local.archive

    def queue_conn(self):
        """This thread's connection to the queue database (for the jobs' outcomes)."""
        conn = getattr(self._local, "conn", None)
        if conn is None or conn.closed:
            import psycopg

            conn = self._local.conn = psycopg.connect(self.config.queue, autocommit=True)
        return conn

    @contextlib.contextmanager
    def slot(self):
        """An extraction slot for one job (blocks while all are busy)."""
        slot = self._slots.get()
        try:
            yield slot
        finally:
            self._slots.put(slot)

    def drop_archive(self) -> None:
        """Close this thread's archive (after a store failure, the next job opens it afresh)."""
        archive = getattr(self._local, "archive", None)
        self._local.archive = None
        if archive is not None:
            with contextlib.suppress(Exception):
                archive.close()


def ingest_stored(archive, files: FileStore, key: str, options, slot: int = 0) -> IngestResult:
    """Ingest the file stored under ``key`` with the per-file steps of :mod:`opis.ingest`, its
    extraction in process ``slot``; the :class:`IngestResult` (an error result when the key is
    not in the file store)."""
    from opis.pipeline import default_pipeline

    try:
        path = str(files.path(key))
    except OpisError as exc:
        return IngestResult(key, "error", error=exc.message)
    store = archive.store
    corrections = store.corrections()
    prepared = prepare_file(store, path, options)
    if isinstance(prepared, IngestResult):
        return prepared
    out = extract_file(prepared, options, default_pipeline(), corrections, slot=slot)
    return store_extracted(store, path, prepared, out)


def run_job(runtime: Runtime, job_id: int, attempts: int, args: dict[str, Any]) -> JobOutcome:
    """Run one job (its arguments as deferred) and keep its outcome; the upload row, for an
    uploaded file, follows the job."""
    from opis.store import upload_jobs, uploads

    upload = args.get("upload")
    name = str(args.get("name") or args.get("key"))
    try:
        archive = runtime.archive()
        if upload is not None:
            upload_jobs.start(archive.store, upload)
        with runtime.slot() as slot:
            result = ingest_stored(archive, runtime.files, str(args["key"]), options_from(args.get("options")), slot)
    except (OpisError, DatabaseError) as exc:  # the store could not be opened, read or written at all
        runtime.drop_archive()
        why = exc.message if isinstance(exc, OpisError) else str(exc)
        result = IngestResult(name, "error", error=f"not stored: {why}", fatal=True)
    except Exception as exc:  # noqa: BLE001 - a bug must fail this job with its line, not the worker
        result = IngestResult(name, "error", error=f"unexpected {type(exc).__name__}: {exc}")
    retry = result.status == "error" and (result.fatal or (result.error or "").startswith("not stored"))
    error = f"{name}: {result.error}" if result.status == "error" else None
    last = attempts + 1 >= ATTEMPTS
    _sql.record_outcome(runtime.queue_conn(), job_id, None if error else result.status, result.id,
                        error if (not retry or last) else f"{error} (will retry)", runtime.name)
    if upload is not None and (not retry or last):
        with contextlib.suppress(OpisError, DatabaseError):
            uploads.finish(runtime.archive().store, upload, None if error else result.status, result.id, error)
    return JobOutcome(result, retry)


def make_app(runtime: Runtime):
    """The procrastinate app of a worker process, with the ingest task bound to ``runtime``."""
    import procrastinate

    app = procrastinate.App(connector=procrastinate.PsycopgConnector(
        conninfo=runtime.config.queue, min_size=1, max_size=max(4, runtime.config.concurrency + 2)))

    @app.task(name=TASK, queue=QUEUE, pass_context=True,
              retry=procrastinate.RetryStrategy(max_attempts=ATTEMPTS - 1, exponential_wait=2,
                                                retry_exceptions={StoreUnavailable}))
    def ingest(context, key: str, name: str, sha256: str | None = None, options: dict | None = None,
               upload: int | None = None) -> dict[str, Any]:
        job = context.job
        outcome = run_job(runtime, job.id, job.attempts,
                          {"key": key, "name": name, "sha256": sha256, "options": options, "upload": upload})
        r = outcome.result
        if r.status == "error":
            log.warning("job %s failed%s: %s: %s", job.id, " (to retry)" if outcome.retry else "", name, r.error)
        else:
            log.info("job %s %s %s %s", job.id, r.status, r.id, name)
        if r.status == "error":
            raise (StoreUnavailable if outcome.retry else FileFailed)(f"{name}: {r.error}")
        return {"result": r.status, "doc_id": r.id}

    return app


async def retry_stalled(app, runtime: Runtime) -> int:
    """Put back in the queue the jobs of workers that stopped beating (a job run
    :data:`~opis.queue.ATTEMPTS` times fails instead, with that reason); returns how many
    were put back."""
    from procrastinate import jobs

    config = runtime.config
    put_back = 0
    for job in await app.job_manager.get_stalled_jobs(queue=QUEUE, seconds_since_heartbeat=config.stalled_after):
        try:
            if job.attempts + 1 >= ATTEMPTS:
                name = job.task_kwargs.get("name", job.task_kwargs.get("key"))
                await asyncio.to_thread(_sql.record_outcome, runtime.queue_conn(), job.id, None, None,
                                        f"{name}: its worker stopped {ATTEMPTS} times while running it", runtime.name)
                await app.job_manager.finish_job(job, status=jobs.Status.FAILED, delete_job=False)
            else:
                await app.job_manager.retry_job(job)
                put_back += 1
            log.warning("job %s of a stopped worker: %s", job.id, "failed" if job.attempts + 1 >= ATTEMPTS else "queued again")
        except Exception as exc:  # noqa: BLE001 - another worker took it first: nothing to do
            log.debug("job %s: %s", job.id, exc)
    return put_back


async def _watch_stalled(app, runtime: Runtime) -> None:
    while True:
        try:
            await retry_stalled(app, runtime)
        except Exception:  # noqa: BLE001 - the database may be away a moment: look again later
            log.exception("looking for stalled jobs")
        await asyncio.sleep(runtime.config.heartbeat)


def prune_old(runtime: Runtime) -> int:
    """Delete the done and failed jobs older than the worker's ``prune_done_after`` and
    ``prune_failed_after`` (each None: kept); how many. Every worker prunes; a job deleted by
    one is simply not found by the others."""
    config, pruned = runtime.config, 0
    for which, age in (("done", config.prune_done_after), ("failed", config.prune_failed_after)):
        if age is not None:
            pruned += _sql.prune(runtime.queue_conn(), QUEUE, age, which)
    if pruned:
        log.info("pruned %s old jobs", pruned)
    return pruned


async def _watch_prune(runtime: Runtime) -> None:
    while True:
        try:
            await asyncio.to_thread(prune_old, runtime)
        except Exception:  # noqa: BLE001 - the database may be away a moment: prune next time
            log.exception("pruning old jobs")
        await asyncio.sleep(runtime.config.prune_every)


async def _run(config: WorkerConfig) -> None:
    runtime = Runtime(config)
    app = make_app(runtime)
    async with app.open_async():
        if config.until_empty:
            await retry_stalled(app, runtime)
            watchers = []
        else:
            watchers = [asyncio.create_task(_watch_stalled(app, runtime)), asyncio.create_task(_watch_prune(runtime))]
        try:
            await app.run_worker_async(
                queues=[QUEUE], name="opis-worker", concurrency=config.concurrency, wait=not config.until_empty,
                update_heartbeat_interval=config.heartbeat, stalled_worker_timeout=config.stalled_after,
                fetch_job_polling_interval=config.poll)
        finally:
            for watcher in watchers:
                watcher.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await watcher


class _OwnLines(logging.Filter):
    """Drop procrastinate's report of a job that raised (a traceback): the worker logs its own
    line naming the file and the problem."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Keep every record but procrastinate's job-error reports."""
        return getattr(record, "action", None) not in ("job_error", "job_error_retry")


def run_worker(config: WorkerConfig) -> None:
    """Run a worker until SIGTERM / Ctrl-C (or, with ``until_empty``, until the queue is empty)."""
    logging.getLogger("procrastinate").addFilter(_OwnLines())
    for name in ("procrastinate.worker", "procrastinate.worker.opis-worker"):
        logging.getLogger(name).addFilter(_OwnLines())
    ensure_schema(config.queue)
    Path(config.files).mkdir(parents=True, exist_ok=True)
    asyncio.run(_run(config))
