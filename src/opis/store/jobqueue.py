"""The SQL of the ingest job queue, on the queue's PostgreSQL database (see :mod:`opis.queue`).

procrastinate owns its tables (``procrastinate_jobs``, ``procrastinate_events``,
``procrastinate_workers``) and applies its schema itself; :func:`ensure_schema` does that once per
database, under an advisory lock so two workers starting at once do not both try. Beside them,
opis keeps one table of its own, ``opis_job_outcomes``: how each job's file ended (the result, the
document id, or the one-line error naming the file), because procrastinate keeps a job's status
but not why it failed. Every function takes a psycopg connection to the queue database.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

SCHEMA_LOCK = 7_261_004  # pg_advisory_lock key: one process applies the queue's schema at a time

OUTCOMES = """
CREATE TABLE IF NOT EXISTS opis_job_outcomes (
    job_id bigint PRIMARY KEY REFERENCES procrastinate_jobs (id) ON DELETE CASCADE,
    result text,
    doc_id text,
    error text,
    finished_at timestamptz NOT NULL DEFAULT now()
)
"""
# added after the first release of the table: the worker that ran the job's last attempt
OUTCOMES_WORKER = "ALTER TABLE opis_job_outcomes ADD COLUMN IF NOT EXISTS worker text"

# opis's names for procrastinate's job statuses
STATUS_NAMES = {"todo": "queued", "doing": "running", "succeeded": "done", "failed": "failed",
                "cancelled": "cancelled", "aborting": "running", "aborted": "failed"}
STATUSES = ("queued", "running", "failed", "done", "cancelled")


@dataclass
class JobRow:
    """One ingest job as ``opis jobs`` shows it."""

    id: int
    status: str  # queued | running | failed | done | cancelled
    name: str  # the file: its path when enqueued from the command line, its sent name when uploaded
    attempts: int
    result: str | None = None  # added | updated | unchanged (done)
    doc_id: str | None = None
    error: str | None = None  # one line naming the file (failed)
    upload: int | None = None  # the upload row, for an uploaded file
    updated_at: str | None = None
    worker: str | None = None  # the worker that ran its last attempt: ``host:pid``

    def to_dict(self) -> dict[str, Any]:
        """The job as JSON (``opis jobs --json``)."""
        return asdict(self)


def ensure_schema(conn, apply_procrastinate: Callable[[], None]) -> bool:
    """Apply procrastinate's schema (``apply_procrastinate``) when the database has none yet, and
    create opis's outcomes table; idempotent. Returns whether procrastinate's schema was applied."""
    conn.execute("SELECT pg_advisory_lock(%s)", (SCHEMA_LOCK,))
    try:
        exists = conn.execute("SELECT to_regclass('procrastinate_jobs')").fetchone()[0] is not None
        if not exists:
            apply_procrastinate()
        conn.execute(OUTCOMES)
        conn.execute(OUTCOMES_WORKER)
        return not exists
    finally:
        conn.execute("SELECT pg_advisory_unlock(%s)", (SCHEMA_LOCK,))


def record_outcome(conn, job_id: int, result: str | None, doc_id: str | None, error: str | None,
                   worker: str | None = None) -> None:
    """Keep how the job ``job_id`` ended and which worker (``host:pid``) ran it (a retried job's
    last attempt replaces the earlier one)."""
    conn.execute(
        "INSERT INTO opis_job_outcomes (job_id, result, doc_id, error, worker) VALUES (%s, %s, %s, %s, %s)"
        " ON CONFLICT (job_id) DO UPDATE SET result = EXCLUDED.result, doc_id = EXCLUDED.doc_id,"
        " error = EXCLUDED.error, worker = EXCLUDED.worker, finished_at = now()",
        (job_id, result, doc_id, error, worker))


def counts(conn, queue: str) -> dict[str, int]:
    """How many jobs of ``queue`` are queued, running, failed, done and cancelled."""
    rows = conn.execute("SELECT status::text, count(*) FROM procrastinate_jobs WHERE queue_name = %s"
                        " GROUP BY status", (queue,)).fetchall()
    found = dict.fromkeys(STATUSES, 0)
    for status, n in rows:
        found[STATUS_NAMES.get(status, status)] += n
    return found


def _statuses(status: str | None) -> list[str] | None:
    """procrastinate's statuses behind one of opis's names (None: all)."""
    if status is None:
        return None
    return [k for k, v in STATUS_NAMES.items() if v == status] or [status]


def recent(conn, queue: str, limit: int = 20, status: str | None = None) -> list[JobRow]:
    """The latest ``limit`` jobs of ``queue`` (of one status, opis's name), newest first, with
    their outcome."""
    rows = conn.execute(
        "SELECT j.id, j.status::text, j.args, j.attempts, o.result, o.doc_id, o.error,"
        " (SELECT max(e.at) FROM procrastinate_events e WHERE e.job_id = j.id), o.worker"
        " FROM procrastinate_jobs j LEFT JOIN opis_job_outcomes o ON o.job_id = j.id"
        " WHERE j.queue_name = %s AND (%s::text[] IS NULL OR j.status::text = ANY(%s::text[]))"
        " ORDER BY j.id DESC LIMIT %s", (queue, _statuses(status), _statuses(status), limit)).fetchall()
    return [_row(r) for r in rows]


def job(conn, job_id: int) -> JobRow | None:
    """One job by its id, or None."""
    row = conn.execute(
        "SELECT j.id, j.status::text, j.args, j.attempts, o.result, o.doc_id, o.error,"
        " (SELECT max(e.at) FROM procrastinate_events e WHERE e.job_id = j.id), o.worker"
        " FROM procrastinate_jobs j LEFT JOIN opis_job_outcomes o ON o.job_id = j.id WHERE j.id = %s",
        (job_id,)).fetchone()
    return _row(row) if row else None


def clear_outcome(conn, job_id: int) -> None:
    """Forget a job's outcome (it is queued again)."""
    conn.execute("DELETE FROM opis_job_outcomes WHERE job_id = %s", (job_id,))


def _row(r) -> JobRow:
    args = r[2] or {}
    at = r[7].isoformat(timespec="seconds") if r[7] is not None else None
    return JobRow(id=r[0], status=STATUS_NAMES.get(r[1], r[1]), name=str(args.get("name") or args.get("key") or "?"),
                  attempts=r[3], result=r[4], doc_id=r[5], error=r[6], upload=args.get("upload"), updated_at=at,
                  worker=r[8])


# what ``opis jobs prune --status`` removes: procrastinate's final statuses behind opis's names
PRUNABLE = {"done": ("succeeded",), "failed": ("failed", "aborted"),
            "all": ("succeeded", "failed", "aborted", "cancelled")}


def prune(conn, queue: str, older_than_s: float, which: str = "done") -> int:
    """Delete the jobs of ``queue`` that ended (``which``: done, failed or all) more than
    ``older_than_s`` seconds ago, with their events and outcomes; returns how many. A job's end is
    its latest event, as procrastinate's own ``delete_old_jobs`` counts it; queued and running
    jobs are never touched."""
    rows = conn.execute(
        "DELETE FROM procrastinate_jobs j WHERE j.queue_name = %s AND j.status::text = ANY(%s::text[])"
        " AND (SELECT max(e.at) FROM procrastinate_events e WHERE e.job_id = j.id)"
        " < now() - make_interval(secs => %s)"
        " AND NOT EXISTS (SELECT 1 FROM procrastinate_periodic_defers d WHERE d.job_id = j.id)"
        " RETURNING j.id", (queue, list(PRUNABLE[which]), float(older_than_s))).fetchall()
    return len(rows)


def live_workers(conn, seconds: float = 60.0) -> int:
    """How many workers beat their heartbeat in the last ``seconds``."""
    return conn.execute("SELECT count(*) FROM procrastinate_workers"
                        " WHERE last_heartbeat > now() - make_interval(secs => %s)", (float(seconds),)).fetchone()[0]
