"""Uploads: files sent to a server, kept by content, then ingested one at a time.

:func:`receive` keeps a file in the :class:`~opis.files.FileStore` and queues it (a row of the
uploads table, :mod:`opis.store.uploads`); :func:`run_next` ingests the oldest queued files with
the usual pipeline and limits (each file in a worker process with its time and memory limits)
and records how it ended; :class:`UploadRunner` is the thread a writable server runs to do that
in the background, one file at a time (SQLite has one writer). A server that stops mid-file
leaves the row ``running``; the next runner started puts it back in the queue. With a job queue
configured (:func:`make_runner`), each upload is a job of :mod:`opis.queue` instead, run by the
``opis worker`` processes, which keep its row in step.

The name a file is sent with is shown to people and never used as a path: the file lies in the
file store under its hash.
"""

from __future__ import annotations

import logging
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from opis.errors import OpisError
from opis.files import FileStore, FileTooLarge
from opis.store import uploads as _uploads
from opis.store.uploads import Upload

log = logging.getLogger("opis.uploads")

MAX_NAME = 255
MAX_ATTEMPTS = 3
POLL_SECONDS = 2.0
BATCH = 20  # uploads read by one ingest worker process


class UploadRefused(OpisError):
    """An upload that cannot be taken (no name, too large ...); nothing was stored."""


@dataclass(frozen=True)
class SentName:
    """The name a file was sent with, cleaned for display: its file name and the folder above it."""

    name: str
    folder: str | None


def clean_name(sent: str | None) -> SentName:
    """Split a sent name (``report.pdf``, ``box 3/report.pdf``, ``C:\\box\\report.pdf``) into a
    display name and folder, without control characters; refuse an empty one."""
    text = "".join(ch for ch in unicodedata.normalize("NFC", sent or "") if unicodedata.category(ch)[0] != "C")
    parts = [p.strip() for p in text.replace("\\", "/").split("/") if p.strip() not in ("", ".", "..")]
    if len(parts) > 1 and len(parts[0]) == 2 and parts[0][1] == ":":  # a Windows drive (C:)
        parts = parts[1:]
    if not parts:
        raise UploadRefused("the file has no name")
    folder = "/".join(parts[:-1])[:MAX_NAME] or None
    return SentName(parts[-1][:MAX_NAME], folder)


def receive(store, files: FileStore, sent_name: str | None, stream: BinaryIO,
            max_size: int | None = None, collections: str | None = None) -> Upload:
    """Keep an uploaded file and queue it for ingest; return its upload row.

    Raises :class:`UploadRefused` (nothing stored) for a file without a name or over ``max_size``
    bytes. The same content sent twice is kept once and queued twice: the ingest of the second
    finds it stored and reports ``unchanged`` with the document's id.
    """
    name = clean_name(sent_name)
    try:
        stored = files.put(stream, name.name, max_size=max_size)
    except FileTooLarge as exc:
        raise UploadRefused(exc.message) from None
    if stored.size == 0:
        raise UploadRefused(f"{name.name}: the file is empty")
    return _uploads.add(store, name.name, name.folder, stored.sha256, stored.size, stored.key, collections)


def run_next(archive, files: FileStore, batch: int = BATCH) -> list[Upload]:
    """Ingest the oldest queued uploads (up to ``batch``, read by one worker process); return
    their rows as they ended (empty when none waits)."""
    jobs = _uploads.claim(archive.store, batch)
    groups: dict[str | None, list[Upload]] = {}  # by the collections their documents go into
    for job in jobs:
        groups.setdefault(job.collections or None, []).append(job)
    for collections, group in groups.items():
        _ingest_group(archive, files, group, collections)
    return [_uploads.get(archive.store, job.id) for job in jobs]


def _ingest_group(archive, files: FileStore, jobs: list[Upload], collections: str | None) -> None:
    """Ingest claimed uploads whose documents go into the same ``collections`` (comma-separated)."""
    by_path: dict[str, list[Upload]] = {}  # the same content sent twice lies at one path
    for job in jobs:
        try:
            by_path.setdefault(str(files.path(job.key)), []).append(job)
        except OpisError as exc:
            _uploads.finish(archive.store, job.id, None, None, f"{job.name}: {exc.message}")
    try:
        results = archive.ingest(list(by_path), collections=collections.split(",") if collections else ())
    except OpisError as exc:  # a collection deleted since the upload
        for job in (j for left in by_path.values() for j in left):
            _uploads.finish(archive.store, job.id, None, None, f"{job.name}: {exc.message}")
        return
    for result in results:
        for n, job in enumerate(by_path.pop(result.path, [])):
            if result.status == "error":
                _uploads.finish(archive.store, job.id, None, None, f"{job.name}: {result.error}")
            else:  # a second copy in the batch found the first one stored
                _uploads.finish(archive.store, job.id, "unchanged" if n else result.status, result.id, None)
    for job in (j for left in by_path.values() for j in left):
        _uploads.finish(archive.store, job.id, None, None, f"{job.name}: nothing was read")


class UploadRunner:
    """A background thread ingesting queued uploads one at a time, over its own connection.

    :meth:`wake` makes it look at the queue at once (after an upload); otherwise it looks every
    ``poll`` seconds (another process of the same server may have queued one). ``lease``: how
    long a row may stay ``running`` before it counts as left by a runner that died.
    """

    def __init__(self, db_path: str, files: FileStore, poll: float = POLL_SECONDS, lease: float | None = None):
        from opis.readers import ReadOptions

        self.db_path = db_path
        self.files = files
        self.poll = poll
        self.lease = lease if lease is not None else ReadOptions().timeout * 2 + 60
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start the thread (once)."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="opis-uploads", daemon=True)
            self._thread.start()

    def wake(self) -> None:
        """Look at the queue now."""
        self._wake.set()

    def submit(self, uploads) -> None:
        """Uploads were just taken: look at the queue now (the thread reads them from the table)."""
        self.wake()

    def stop(self, timeout: float = 5.0) -> None:
        """Ask the thread to stop after the file it is reading, and wait up to ``timeout`` s."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        from opis.archive import Archive

        while not self._stop.is_set():
            try:
                with Archive(self.db_path) as archive:
                    _uploads.requeue_stale(archive.store, self.lease, MAX_ATTEMPTS)
                    while not self._stop.is_set() and run_next(archive, self.files):
                        pass
            except OpisError as exc:  # the store cannot be opened or written now: try again later
                log.error("uploads: %s", exc)
            except Exception:  # a bug must not end the runner silently
                log.exception("uploads: unexpected error")
            self._wake.wait(self.poll)
            self._wake.clear()


def make_runner(db_path: str, files: FileStore, queue: str | None = None):
    """What ingests a writable server's uploads: with a job queue named (``queue``, else
    ``OPIS_QUEUE``; with a PostgreSQL store it may be the store's own URL), jobs for
    ``opis worker`` processes (:class:`opis.queue.QueueUploads`); without one, the server's own
    :class:`UploadRunner` thread. A server never picks the queue by itself: uploads queued with no
    worker running would wait for ever."""
    import os

    from opis.queue import ENV, QueueUploads, queue_url

    url = queue_url(queue or os.environ.get(ENV) or None, None)
    return QueueUploads(url) if url else UploadRunner(db_path, files)


def default_root(db_path: str | Path) -> Path:
    """Where a database's originals are kept unless told otherwise: ``<db>.files`` beside it; for a
    PostgreSQL database, ``~/.local/share/opis/files/<server-database-hash>`` (machines that share
    the database share a file store only when told one: ``--files``)."""
    from opis.store.engine import is_url, url_key

    if is_url(str(db_path)):
        import os

        data = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
        return data / "opis" / "files" / url_key(str(db_path))
    return Path(f"{db_path}.files")
