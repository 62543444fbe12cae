"""Ingest files into a store: read -> pipeline -> upsert, one result per input file.

Deduplicated (a file whose content is already stored is not processed again) and resumable
(re-running a batch skips what is done). One bad file never stops the batch and never
touches what is already stored. Each file is read and extracted under hard time and memory
limits (``opis.ingest_worker``); a full disk ends the current file and stops the batch, whose
remaining files are reported as skipped. Curator corrections are read from the store once per
batch and re-applied by the pipeline's last stage (``curation``), so each file is read, hashed,
extracted and corrected once.
"""

from __future__ import annotations

import errno
import hashlib
import os
import threading
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from opis.errors import StoreError
from opis.ingest_worker import Extracted, Source, extract, extract_isolated
from opis.pipeline import Pipeline, default_pipeline
from opis.readers import ReadOptions, sha256_file
from opis.store import Store
from opis.store.failures import DatabaseError, is_disk_full

SKIP_NAMES = {".DS_Store", "Thumbs.db"}
PASS_BYTES = 16 * 1024 * 1024  # a file up to this size is read once and its bytes go to the worker
# ``--jobs N``: files in flight at most (extracting, or extracted and waiting for their turn to be
# written): enough that one long file at the head of the line does not leave the other extraction
# processes idle (the sample article takes 40x a record page), bounded in bytes so memory stays bounded
PENDING_PER_JOB = 16
PENDING_BYTES = 64 * 1024 * 1024


@dataclass
class IngestResult:
    """The outcome of ingesting one file: its status, the document id, or the error, with what was stored."""

    path: str
    status: str  # added | unchanged | updated | error | skipped
    id: str | None = None
    error: str | None = None
    title: str | None = None
    date: str | None = None  # EDTF, for the terminal report
    doc_type: str | None = None
    layout: str | None = None
    counts: dict[str, int] | None = None  # what was stored: notes, archival refs, entities, claims ...
    fatal: bool = False  # the store cannot take more (disk full): the batch stops after this file

    def to_dict(self) -> dict:
        """The path, id, status and, when set, error and title as JSON-ready data."""
        d = {"path": self.path, "id": self.id, "status": self.status}
        if self.error:
            d["error"] = self.error
        if self.title:
            d["title"] = self.title
        return d


def expand_paths(paths: Iterable[str | Path]) -> Iterator[tuple[str, str | None]]:
    """Yield (file path, error) for every input: files as given, directories recursively."""
    for p in paths:
        path = Path(p)
        if not path.exists():
            yield str(path), "no such file or directory"
        elif path.is_dir():
            files = sorted(
                f for f in path.rglob("*")
                if f.is_file() and f.name not in SKIP_NAMES and not any(part.startswith(".") for part in f.relative_to(path).parts)
            )
            if not files:
                yield str(path), "directory contains no readable files"
            for f in files:
                yield str(f), None
        else:
            yield str(path), None


def ingest_file(store: Store, path: str, options: ReadOptions | None = None, pipeline: Pipeline | None = None,
                corrections: Sequence[dict[str, Any]] | None = None, collections: Sequence[int] = ()) -> IngestResult:
    """Read, extract and store one file; any failure ends this file only, with one line.

    With ``options.isolate`` (the default) the reading and extraction run in a worker process
    under the file's time and memory limits (``opis.ingest_worker``). ``corrections``: the store's
    (read from it when not given), re-applied by the pipeline's ``curation`` stage. A failure to
    write the store (disk full, I/O error) leaves what is stored as it was and marks the result
    ``fatal``.
    """
    options = options or ReadOptions()
    pipeline = pipeline or default_pipeline()
    if corrections is None:
        try:
            corrections = store.corrections()
        except (DatabaseError, StoreError) as exc:
            return _not_stored(path, exc)
    prepared = prepare_file(store, path, options)
    if isinstance(prepared, IngestResult):
        return prepared
    return store_extracted(store, path, prepared, extract_file(prepared, options, pipeline, corrections), collections)


def prepare_file(store: Store, path: str, options: ReadOptions) -> Source | IngestResult:
    """The first step of a file's ingest, in the process that writes the store: read and hash it
    once; an :class:`IngestResult` when it ends here (already stored, unreadable), else the
    :class:`Source` to extract."""
    source = Source(path)
    try:
        if os.path.isfile(path):
            source = read_source(path, options)
            existing = store.find_by_sha256(source.sha256)
            if existing:
                result = IngestResult(path, "unchanged", existing)
                store.log_ingest(path, source.sha256, result.status, None, existing)
                return result
    except OSError as exc:
        if not is_write_failure(exc):
            return _failed(store, path, f"cannot read ({exc.strerror or exc})")
        return _not_stored(path, exc)
    except (DatabaseError, StoreError) as exc:
        return _not_stored(path, exc)
    return source


def extract_file(source: Source, options: ReadOptions, pipeline: Pipeline,
                 corrections: Sequence[dict[str, Any]], slot: int = 0) -> Extracted:
    """The second step: read and extract a prepared file (in worker process ``slot`` under its
    limits, unless ``options.isolate`` is off). Touches no store, so several run at once."""
    if options.isolate:
        return extract_isolated(source, options, pipeline, corrections, slot=slot)
    return extract(source, options, pipeline, corrections=corrections)


def store_extracted(store: Store, path: str, source: Source, out: Extracted,
                    collections: Sequence[int] = ()) -> IngestResult:
    """The last step, in the process that writes the store: store the extracted document and
    log it, or log why there is none. ``collections``: ids of the collections the document is
    put in, in the same transaction (:func:`opis.store.collections.assign`)."""
    if out.doc is None:
        return _failed(store, path, out.error or "no document")
    doc = out.doc
    try:
        if collections:
            from opis.store.collections import assign

            with store.batch(f"storing {path}"):
                status = store.upsert(doc)
                assign(store, [doc.id], add=collections)
        else:
            status = store.upsert(doc)
        store.log_ingest(path, doc.provenance.sha256 if doc.provenance else source.sha256, status, None, doc.id)
    except (OSError, DatabaseError, StoreError) as exc:
        return _not_stored(path, exc)
    except Exception as exc:  # a store bug must not stop the batch; name the file and the problem
        return _failed(store, path, f"unexpected {type(exc).__name__}: {exc}")
    return IngestResult(
        path, status, doc.id, title=doc.title, date=doc.date.edtf, doc_type=doc.doc_type, layout=out.layout,
        counts=layer_counts(doc),
    )


def read_source(path: str, options: ReadOptions) -> Source:
    """The file's SHA-256 and, when it is small enough to pass to the worker, its bytes (read once)."""
    if os.path.getsize(path) > min(PASS_BYTES, options.max_bytes):
        return Source(path, None, sha256_file(path))
    with open(path, "rb") as fh:
        data = fh.read()
    return Source(path, data, hashlib.sha256(data).hexdigest())


def _failed(store: Store, path: str, msg: str) -> IngestResult:
    """An error result for ``path``, noted in the ingest log when the log can still be written."""
    try:
        store.log_ingest(path, None, "error", msg, None)
    except (OSError, DatabaseError, StoreError) as exc:
        return _not_stored(path, exc, msg)
    return IngestResult(path, "error", error=msg)


def _not_stored(path: str, exc: BaseException, first: str | None = None) -> IngestResult:
    """The store could not be written: say why in one line; the batch stops if the disk is full."""
    full = is_disk_full(exc)
    if isinstance(exc, StoreError):  # the store's own one line ("disk full while storing ...; nothing was written")
        why = exc.message
    else:
        why = "the disk is full" if full else f"cannot write the database ({_reason(exc)})"
    msg = f"{first}; and not logged: {why}" if first else f"not stored: {why}"
    return IngestResult(path, "error", error=msg, fatal=full)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__


def is_write_failure(exc: OSError) -> bool:
    """Whether an OSError means the store cannot be written at all (disk full, quota, read-only)."""
    return exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EROFS)


def layer_counts(doc) -> dict[str, int]:
    """How much each layer of a record holds (for the ingest report)."""
    refs = len(doc.archival_refs) + sum(len(n.archival_refs) for n in doc.notes)
    return {
        "notes": len(doc.notes), "archival refs": refs, "bibliography": len(doc.bibliography),
        "entities": len(doc.entities), "mentions": len(doc.mentions), "claims": len(doc.claims),
    }


def ingest_paths(
    store: Store,
    paths: Iterable[str | Path],
    options: ReadOptions | None = None,
    progress: bool = False,
    pipeline: Pipeline | None = None,
    jobs: int = 1,
    collections: Sequence[int] = (),
) -> Iterator[IngestResult]:
    """Ingest files and directories (recursively), one :class:`IngestResult` per file, in order.

    A file that fails is reported with its error and the batch goes on; nothing already stored is
    touched by a failing file. ``progress`` shows a progress bar for more than one file. ``jobs``:
    files extracted at once, each in its own worker process; this process alone writes the
    store, in the order of the files. ``collections``: ids of the collections every file's
    document is put in (:mod:`opis.collections`; none: the default public collection).
    """
    items = list(expand_paths(paths))
    bar = None
    if progress and len(items) > 1:
        from tqdm import tqdm

        bar = tqdm(total=len(items), unit="file", leave=False)
    pipeline = pipeline or default_pipeline()
    options = options or ReadOptions()
    corrections = _corrections(store)
    results = (_sequential(store, items, options, pipeline, corrections, collections)
               if jobs <= 1 or corrections is None
               else _parallel(store, items, options, pipeline, corrections, jobs, collections))
    for result in results:
        if bar:
            bar.update(1)
        yield result
    if bar:
        bar.close()


def _sequential(store: Store, items: list[tuple[str, str | None]], options: ReadOptions, pipeline: Pipeline,
                corrections, collections: Sequence[int] = ()) -> Iterator[IngestResult]:
    stopped: str | None = None
    for path, err in items:
        if stopped:
            result = IngestResult(path, "skipped", error=f"not attempted: {stopped}")
        elif err:
            result = IngestResult(path, "error", error=err)
        else:
            result = ingest_file(store, path, options, pipeline, corrections, collections)
            if result.fatal:
                stopped = "the disk is full"
        yield result


def _parallel(store: Store, items: list[tuple[str, str | None]], options: ReadOptions, pipeline: Pipeline,
              corrections, jobs: int, collections: Sequence[int] = ()) -> Iterator[IngestResult]:
    """Files prepared and stored here, in order; extracted by ``jobs`` worker processes at once.
    At most :data:`PENDING_PER_JOB` ``* jobs`` files (and :data:`PENDING_BYTES` of them, but
    always ``2 * jobs``) are in flight, so memory stays bounded while a long file being extracted
    at the head of the line leaves the other processes files to extract."""
    from collections import deque

    slots = iter(range(jobs))
    local = threading.local()

    def run(source: Source):
        if not hasattr(local, "slot"):
            with _slot_lock:
                local.slot = next(slots)
        return extract_file(source, options, pipeline, corrections, slot=local.slot)

    pending: deque = deque()
    stopped: str | None = None
    with ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="opis-ingest") as pool:
        def finish_one() -> IngestResult:
            path, source, job = pending.popleft()
            if isinstance(job, IngestResult):
                return job
            return store_extracted(store, path, source, job.result(), collections)

        for path, err in items:
            if stopped:
                pending.append((path, None, IngestResult(path, "skipped", error=f"not attempted: {stopped}")))
            elif err:
                pending.append((path, None, IngestResult(path, "error", error=err)))
            else:
                prepared = prepare_file(store, path, options)
                if isinstance(prepared, IngestResult):
                    pending.append((path, None, prepared))
                else:
                    pending.append((path, prepared, pool.submit(run, prepared)))
            while _full(pending, jobs) or (pending and _done(pending[0][2])):
                result = finish_one()
                stopped = stopped or ("the disk is full" if result.fatal else None)
                yield result
        while pending:
            result = finish_one()
            stopped = stopped or ("the disk is full" if result.fatal else None)
            yield result


def _full(pending, jobs: int) -> bool:
    """Whether no more files may be put in flight (see :func:`_parallel`)."""
    if len(pending) <= 2 * jobs:
        return False
    if len(pending) > PENDING_PER_JOB * jobs:
        return True
    return sum(len(source.data or b"") for _, source, _ in pending if source is not None) > PENDING_BYTES


def _done(job: IngestResult | Future) -> bool:
    return isinstance(job, IngestResult) or job.done()


_slot_lock = threading.Lock()


def _corrections(store: Store) -> list[dict[str, Any]] | None:
    """The store's corrections for a batch, or None when they cannot be read (each file then
    tries, and reports the failure as its own)."""
    try:
        return store.corrections()
    except (OSError, DatabaseError, StoreError):
        return None
