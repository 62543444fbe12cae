"""The uploads table (``0012_uploads.sql``): each uploaded file and where its ingest stands.

A row is a durable job. :func:`claim` takes the oldest queued row in one write transaction,
so two runners (two server processes on one database) never take the same file;
:func:`requeue_stale` puts back the rows a runner left when it died.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from opis.errors import NotFound

STATUSES = ("queued", "running", "done", "failed")
COLUMNS = ("id, name, folder, sha256, size, key, status, result, error, doc_id, attempts, created_at,"
           " updated_at, collections")


@dataclass
class Upload:
    """One uploaded file and where its ingest stands."""

    id: int
    name: str
    folder: str | None
    sha256: str
    size: int
    key: str
    status: str
    result: str | None
    error: str | None
    doc_id: str | None
    attempts: int
    created_at: str
    updated_at: str
    collections: str | None = None  # the collections its document is put in (comma-separated names)

    def to_dict(self) -> dict[str, Any]:
        """The upload as JSON (``GET /api/uploads``)."""
        return asdict(self)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def add(store, name: str, folder: str | None, sha256: str, size: int, key: str,
        collections: str | None = None) -> Upload:
    """Queue a stored file for ingest (its document to be put in ``collections``, comma-separated
    names; None: the default); return its row."""
    now = _now()
    with store.writing(f"queueing the upload {name}"):
        cur = store.conn.execute(
            "INSERT INTO uploads (name, folder, sha256, size, key, status, created_at, updated_at, collections)"
            " VALUES (?, ?, ?, ?, ?, 'queued', ?, ?, ?)", (name, folder, sha256, size, key, now, now, collections))
        upload_id = cur.lastrowid
    return get(store, upload_id)


def get(store, upload_id: int) -> Upload:
    """The upload ``upload_id``; NotFound if there is none."""
    with store.reading("reading an upload"):
        row = store.conn.execute(f"SELECT {COLUMNS} FROM uploads WHERE id = ?", (upload_id,)).fetchone()
    if row is None:
        raise NotFound(f"no upload {upload_id}")
    return Upload(**dict(row))


def recent(store, limit: int = 50, offset: int = 0, status: str | None = None) -> list[Upload]:
    """Uploads, newest first, optionally with one status."""
    where, args = ("WHERE status = ?", [status]) if status else ("", [])
    with store.reading("listing the uploads"):
        rows = store.conn.execute(
            f"SELECT {COLUMNS} FROM uploads {where} ORDER BY id DESC LIMIT ? OFFSET ?", (*args, limit, offset)
        ).fetchall()
    return [Upload(**dict(r)) for r in rows]


def counts(store) -> dict[str, int]:
    """How many uploads have each status."""
    with store.reading("counting the uploads"):
        rows = store.conn.execute("SELECT status, count(*) FROM uploads GROUP BY status").fetchall()
    found = {r[0]: r[1] for r in rows}
    return {s: found.get(s, 0) for s in STATUSES}


def claim(store, limit: int = 1) -> list[Upload]:
    """Take the oldest ``limit`` queued uploads for ingest (they become ``running``); empty when
    none waits."""
    with store.writing("claiming uploads"):
        rows = store.conn.execute(
            "UPDATE uploads SET status = 'running', attempts = attempts + 1, updated_at = ?"
            " WHERE id IN (SELECT id FROM uploads WHERE status = 'queued' ORDER BY id LIMIT ?)"
            f" RETURNING {COLUMNS}", (_now(), limit)).fetchall()
    return sorted((Upload(**dict(r)) for r in rows), key=lambda u: u.id)


def finish(store, upload_id: int, result: str | None, doc_id: str | None, error: str | None) -> None:
    """Record how an upload's ingest ended: ``done`` with its result, or ``failed`` with the error."""
    status = "failed" if error else "done"
    with store.writing("recording an upload's result"):
        store.conn.execute(
            "UPDATE uploads SET status = ?, result = ?, doc_id = ?, error = ?, updated_at = ? WHERE id = ?",
            (status, result, doc_id, error, _now(), upload_id))


def requeue_stale(store, older_than: float, max_attempts: int) -> int:
    """Put back in the queue the uploads left ``running`` for more than ``older_than`` seconds
    (their runner died: a live one finishes each file within its time limit); one that was
    already tried ``max_attempts`` times fails instead. Returns how many were put back."""
    cutoff = datetime.fromtimestamp(datetime.now(UTC).timestamp() - older_than, UTC).isoformat(timespec="seconds")
    now = _now()
    with store.writing("requeueing interrupted uploads"):
        store.conn.execute(
            "UPDATE uploads SET status = 'failed', error = ?, updated_at = ?"
            " WHERE status = 'running' AND updated_at < ? AND attempts >= ?",
            (f"the ingest was interrupted {max_attempts} times (the server stopped while reading it)", now,
             cutoff, max_attempts))
        cur = store.conn.execute(
            "UPDATE uploads SET status = 'queued', updated_at = ? WHERE status = 'running' AND updated_at < ?",
            (now, cutoff))
    return cur.rowcount


def name_for_key(store, key: str) -> str | None:
    """The name the file stored under ``key`` was last uploaded with, or None."""
    with store.reading("reading an upload's name"):
        row = store.conn.execute("SELECT name FROM uploads WHERE sha256 = ? AND key = ? ORDER BY id DESC LIMIT 1",
                                 (key.rsplit("/", 1)[-1][:64], key)).fetchone()
    return row[0] if row else None

