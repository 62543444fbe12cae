"""Ingest files into a store: read -> pipeline -> upsert, one result per input file.

Deduplicated (a file whose content is already stored is not processed again) and resumable
(re-running a batch skips what is done). One bad file never stops the batch and never
touches what is already stored.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from opis.errors import OpisError
from opis.pipeline import Pipeline, default_pipeline, process
from opis.readers import ReadOptions, read, sha256_file
from opis.store import Store

SKIP_NAMES = {".DS_Store", "Thumbs.db"}


@dataclass
class IngestResult:
    path: str
    status: str  # added | unchanged | updated | error
    id: str | None = None
    error: str | None = None
    title: str | None = None
    date: str | None = None  # EDTF, for the terminal report
    doc_type: str | None = None
    layout: str | None = None
    counts: dict[str, int] | None = None  # what was stored: notes, archival refs, entities, claims ...

    def to_dict(self) -> dict:
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


def ingest_file(store: Store, path: str, options: ReadOptions | None = None, pipeline: Pipeline | None = None) -> IngestResult:
    try:
        if os.path.isfile(path):
            sha = sha256_file(path)
            existing = store.find_by_sha256(sha)
            if existing:
                result = IngestResult(path, "unchanged", existing)
                store.log_ingest(path, sha, result.status, None, existing)
                return result
        raw = read(path, options)
        doc = process(raw, pipeline or default_pipeline())
        apply_corrections(store, doc)
        status = store.upsert(doc)
        store.log_ingest(path, raw.sha256, status, None, doc.id)
        return IngestResult(
            path, status, doc.id, title=doc.title, date=doc.date.edtf, doc_type=doc.doc_type, layout=raw.layout,
            counts=layer_counts(doc),
        )
    except OpisError as exc:
        same_file = exc.path is not None and os.path.abspath(exc.path) == os.path.abspath(path)
        msg = exc.message if same_file else str(exc)
        store.log_ingest(path, None, "error", msg, None)
        return IngestResult(path, "error", error=msg)
    except OSError as exc:
        msg = f"cannot read ({exc.strerror or exc})"
        store.log_ingest(path, None, "error", msg, None)
        return IngestResult(path, "error", error=msg)
    except Exception as exc:  # a reader bug must not stop the batch; name the file and the problem
        msg = f"unexpected {type(exc).__name__}: {exc}"
        store.log_ingest(path, None, "error", msg, None)
        return IngestResult(path, "error", error=msg)


def layer_counts(doc) -> dict[str, int]:
    """How much each layer of a record holds (for the ingest report)."""
    refs = len(doc.archival_refs) + sum(len(n.archival_refs) for n in doc.notes)
    return {
        "notes": len(doc.notes), "archival refs": refs, "bibliography": len(doc.bibliography),
        "entities": len(doc.entities), "mentions": len(doc.mentions), "claims": len(doc.claims),
    }


def apply_corrections(store: Store, doc) -> None:
    """Re-apply curator corrections (entities issue) to a freshly extracted document."""
    try:
        from opis.authority import curation
    except ImportError:
        return
    curation.apply(doc, store.corrections())


def ingest_paths(
    store: Store,
    paths: Iterable[str | Path],
    options: ReadOptions | None = None,
    progress: bool = False,
    pipeline: Pipeline | None = None,
) -> Iterator[IngestResult]:
    items = list(expand_paths(paths))
    bar = None
    if progress and len(items) > 1:
        from tqdm import tqdm

        bar = tqdm(total=len(items), unit="file", leave=False)
    pipeline = pipeline or default_pipeline()
    for path, err in items:
        if err:
            result = IngestResult(path, "error", error=err)
        else:
            result = ingest_file(store, path, options, pipeline)
        if bar:
            bar.update(1)
        yield result
    if bar:
        bar.close()
