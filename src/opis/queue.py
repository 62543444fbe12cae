"""Ingest jobs in a durable queue on PostgreSQL, run by ``opis worker`` processes on any machines.

The queue is procrastinate's (https://procrastinate.readthedocs.io), on a PostgreSQL database
every machine reaches: ``--queue postgresql://…`` (or ``OPIS_QUEUE``), by default the store's own
database when the store is PostgreSQL (:func:`queue_url`). Its schema is applied on first use
(:func:`ensure_schema`, idempotent).

A job is one file: :func:`enqueue_paths` puts each file in the content-addressed file store
(:mod:`opis.files`, a folder every worker machine mounts) and defers one job naming its key, so a
worker on another machine reads the same bytes. A file whose content is stored already is not
queued (``unchanged``); the same content queued twice while the first job waits is queued once
(procrastinate's queueing lock on the checksum), and two jobs of one content never run at once
(its lock). The workers (:mod:`opis.queue_worker`) run each job with the usual per-file ingest
(:mod:`opis.ingest`), whose write is idempotent by checksum: a job retried after its worker was
killed stores its document once.

:class:`JobQueue` is the enqueueing and listing side (the CLI, the web server);
:class:`QueueUploads` makes a server's uploads jobs of the queue instead of its runner thread's.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from opis.errors import OpisError
from opis.files import FileStore, FileTooLarge
from opis.readers import ReadOptions
from opis.store import jobqueue as _sql
from opis.store.jobqueue import JobRow

QUEUE = "opis"  # procrastinate queue name of the ingest jobs
TASK = "opis.ingest"  # task name of one file's ingest
ATTEMPTS = 3  # runs of a job at most: the first and two retries (a store that cannot be written, a worker killed)
ENV = "OPIS_QUEUE"
JOB_OPTIONS = ("max_bytes", "timeout", "memory_mb", "ocr_lang")  # the ReadOptions a job carries

__all__ = ["ATTEMPTS", "QUEUE", "TASK", "Enqueued", "JobQueue", "JobRow", "QueueUploads", "enqueue_paths",
           "queue_url"]


class QueueError(OpisError):
    """The queue cannot be reached or used (no URL, the database refuses, an unknown job)."""


def is_postgres(url: str | None) -> bool:
    """Whether ``url`` names a PostgreSQL database (``postgresql://…`` or ``postgres://…``)."""
    return bool(url) and str(url).startswith(("postgresql://", "postgres://"))


def queue_url(queue: str | None, db: str | None) -> str | None:
    """The queue's database: ``queue`` when given (it must be a PostgreSQL URL), else the store's
    ``db`` when that is PostgreSQL, else None (no queue: ingest runs inline)."""
    if queue:
        if not is_postgres(queue):
            raise QueueError(f"the queue must be a PostgreSQL URL (postgresql://…), not {shown(queue)!r}")
        return queue
    return str(db) if is_postgres(db) else None


AGE_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


def parse_age(text: str) -> float | None:
    """Seconds of an age such as ``7d``, ``12h``, ``30m``, ``90s`` or ``2w`` (a bare number is
    days); None for ``never`` (or ``0``). A :class:`QueueError` for anything else."""
    value = str(text).strip().lower()
    if value in ("never", "0", "off"):
        return None
    m = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([smhdw]?)", value)
    if not m or float(m.group(1)) <= 0:
        raise QueueError(f"not an age: {text!r} (say 7d, 12h, 30m, 90s, 2w or never)")
    return float(m.group(1)) * AGE_UNITS[m.group(2) or "d"]


def shown(url: str) -> str:
    """A URL as printed: its password hidden."""
    return re.sub(r"(://[^:/@]+):[^@/]*@", r"\1:***@", str(url))


def options_args(options: ReadOptions) -> dict[str, Any]:
    """The read options a job carries (its limits and OCR languages), JSON-ready."""
    return {k: getattr(options, k) for k in JOB_OPTIONS}


def options_from(args: dict[str, Any] | None) -> ReadOptions:
    """The :class:`ReadOptions` of a job's arguments (defaults for what it does not say)."""
    known = {f.name for f in fields(ReadOptions)}
    return ReadOptions(**{k: v for k, v in (args or {}).items() if k in known and k in JOB_OPTIONS})


def ensure_schema(url: str) -> bool:
    """Apply procrastinate's schema and opis's outcomes table to the queue database at ``url``
    unless they are there (idempotent; safe when several workers start at once). Returns whether
    procrastinate's schema was applied now."""
    import procrastinate
    import psycopg

    try:
        with psycopg.connect(url, autocommit=True) as conn:
            app = procrastinate.App(connector=procrastinate.SyncPsycopgConnector(conninfo=url, min_size=1, max_size=1))

            def apply() -> None:
                with app.open():
                    app.schema_manager.apply_schema()

            return _sql.ensure_schema(conn, apply)
    except psycopg.Error as exc:
        raise QueueError(f"cannot prepare the queue at {shown(url)}: {_first_line(exc)}") from None


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


@dataclass
class Enqueued:
    """What ``opis ingest --queue`` did with one input file."""

    path: str
    status: str  # queued | already queued | unchanged | error
    job_id: int | None = None
    doc_id: str | None = None  # unchanged: the stored document
    key: str | None = None  # the file's key in the file store
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The outcome as JSON (``opis ingest --queue --json``)."""
        return {k: v for k, v in asdict(self).items() if v is not None}


class JobQueue:
    """The ingest queue at ``url``, for enqueueing jobs and following them. Use as a context
    manager, or :meth:`open` and :meth:`close`."""

    def __init__(self, url: str):
        self.url = url
        self._app = None
        self._conn = None

    def open(self) -> JobQueue:
        """Connect (applying the schema on first use)."""
        import procrastinate
        import psycopg

        ensure_schema(self.url)
        try:
            self._app = procrastinate.App(
                connector=procrastinate.SyncPsycopgConnector(conninfo=self.url, min_size=1, max_size=4))
            self._app.open()
            self._conn = psycopg.connect(self.url, autocommit=True)
        except (psycopg.Error, procrastinate.exceptions.ProcrastinateException) as exc:
            self.close()
            raise QueueError(f"cannot open the queue at {shown(self.url)}: {_first_line(exc)}") from None
        return self

    def close(self) -> None:
        """Close the connections."""
        if self._app is not None:
            self._app.close()
            self._app = None
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def __enter__(self) -> JobQueue:
        return self.open()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def defer_file(self, key: str, name: str, sha256: str, options: ReadOptions | None = None) -> int | None:
        """Queue the ingest of the stored file ``key`` (``name``: its path, for people); None
        when a job of the same content already waits in the queue."""
        from procrastinate import exceptions

        deferrer = self._app.configure_task(TASK, queue=QUEUE, lock=sha256, queueing_lock=sha256)
        try:
            return deferrer.defer(key=key, name=name, sha256=sha256, options=options_args(options or ReadOptions()))
        except exceptions.AlreadyEnqueued:
            return None

    def defer_upload(self, upload_id: int, key: str, name: str, sha256: str) -> int:
        """Queue the ingest of an uploaded file (its row ``upload_id`` of the uploads table)."""
        deferrer = self._app.configure_task(TASK, queue=QUEUE, lock=sha256)
        return deferrer.defer(key=key, name=name, sha256=sha256, upload=upload_id,
                              options=options_args(ReadOptions()))

    def counts(self) -> dict[str, int]:
        """How many jobs are queued, running, failed, done and cancelled."""
        return _sql.counts(self._conn, QUEUE)

    def recent(self, limit: int = 20, status: str | None = None) -> list[JobRow]:
        """The latest jobs (of one status: queued, running, failed, done), newest first."""
        return _sql.recent(self._conn, QUEUE, limit, status)

    def workers(self, seconds: float = 60.0) -> int:
        """How many workers beat their heartbeat in the last ``seconds`` (the live ones)."""
        return _sql.live_workers(self._conn, seconds)

    def prune(self, older_than_s: float, which: str = "done") -> int:
        """Delete the jobs that ended (``which``: done, failed or all) more than ``older_than_s``
        seconds ago, with their events and outcomes; how many. Queued and running jobs stay."""
        if which not in _sql.PRUNABLE:
            raise QueueError(f"prune what? {which!r} (done, failed or all)")
        return _sql.prune(self._conn, QUEUE, older_than_s, which)

    def job(self, job_id: int) -> JobRow:
        """One job; a :class:`QueueError` when there is none."""
        row = _sql.job(self._conn, job_id)
        if row is None:
            raise QueueError(f"no job {job_id} in the queue")
        return row

    def retry(self, job_id: int) -> JobRow:
        """Queue a failed job again now (its outcome is forgotten); a :class:`QueueError` when it
        is not failed."""
        from procrastinate import utils

        row = self.job(job_id)
        if row.status != "failed":
            raise QueueError(f"job {job_id} is {row.status}, not failed: only a failed job is retried")
        self._app.job_manager.retry_job_by_id(job_id, retry_at=utils.utcnow())
        _sql.clear_outcome(self._conn, job_id)
        return self.job(job_id)


def enqueue_paths(queue: JobQueue, store, files: FileStore, paths: Iterable[str | Path],
                  options: ReadOptions | None = None) -> Iterator[Enqueued]:
    """Put each file of ``paths`` (directories recursively) in the file store and queue one job
    per file; one :class:`Enqueued` per file, in order. A file whose content ``store`` holds
    already is ``unchanged`` and not queued; one that cannot be read is an ``error`` naming the
    problem, and the others go on."""
    from opis.ingest import expand_paths

    options = options or ReadOptions()
    for path, err in expand_paths(paths):
        if err:
            yield Enqueued(path, "error", error=err)
            continue
        try:
            with open(path, "rb") as fh:
                stored = files.put(fh, os.path.basename(path), max_size=options.max_bytes)
        except FileTooLarge as exc:
            yield Enqueued(path, "error", error=exc.message)
            continue
        except OSError as exc:
            yield Enqueued(path, "error", error=f"cannot read ({exc.strerror or exc})")
            continue
        existing = store.find_by_sha256(stored.sha256)
        if existing:
            yield Enqueued(path, "unchanged", doc_id=existing, key=stored.key)
            continue
        job_id = queue.defer_file(stored.key, path, stored.sha256, options)
        yield Enqueued(path, "queued" if job_id is not None else "already queued", job_id=job_id, key=stored.key)


class QueueUploads:
    """A server's uploads run by the queue's workers: the same interface as
    :class:`opis.uploads.UploadRunner` (``start``, ``stop``, ``wake``, ``submit``), but
    :meth:`submit` defers one job per upload instead of waking a thread."""

    def __init__(self, url: str):
        self.url = url
        self._queue: JobQueue | None = None

    def start(self) -> None:
        """Connect to the queue (applying its schema on first use)."""
        if self._queue is None:
            self._queue = JobQueue(self.url).open()

    def stop(self, timeout: float = 5.0) -> None:
        """Close the connection to the queue."""
        if self._queue is not None:
            self._queue.close()
            self._queue = None

    def wake(self) -> None:
        """Nothing to wake: the workers hear of new jobs from the queue."""

    def submit(self, uploads: Iterable[dict[str, Any]]) -> None:
        """Defer a job for each upload row just taken (as :meth:`Upload.to_dict` gives it)."""
        self.start()
        for up in uploads:
            self._queue.defer_upload(up["id"], up["key"], up["name"], up["sha256"])
