"""The uploads table seen from a queue worker (``opis worker``): an uploaded file run as a job of
the ingest queue (:mod:`opis.queue`) rather than by the server's own runner thread.

The upload row stays the record people follow (``GET /api/uploads/{id}``); the worker that runs
the file's job marks it ``running`` here and ends it with :func:`opis.store.uploads.finish`.
"""

from __future__ import annotations

from opis.store.uploads import _now


def start(store, upload_id: int) -> None:
    """Mark the upload ``upload_id`` ``running`` (one more attempt) unless it has already ended."""
    with store.writing("marking an upload running"):
        store.conn.execute(
            "UPDATE uploads SET status = 'running', attempts = attempts + 1, updated_at = ?"
            " WHERE id = ? AND status IN ('queued', 'running')", (_now(), upload_id))
