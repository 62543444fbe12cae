"""``opis copy --from SRC --to DST``: move an archive between SQLite and PostgreSQL (either way,
or to another database of the same engine) keeping every correction.

The steps, each of them checked:

1. The source is read in one snapshot (a read transaction), so a copy made while others
   write is one consistent state of it.
2. The target must be empty, unless ``force`` (then it is emptied first) or unless it holds an
   unfinished copy of the same source (``store_meta`` says so): a copy that was interrupted is
   simply run again.
3. The records, as stored (curator corrections already applied), go through the target store's
   own write path, which writes their derived rows; each keeps its id, ingest time and journal
   position. Then the kept tables are copied row for row with their ids and in their order
   (:mod:`opis.store.copy`): the change journal, the corrections with their authors (in the
   order they are applied again after a re-ingest), the audit trail with the documents as they
   were before each change (what undo needs), accounts and API tokens, uploads, the ingest log,
   saved searches.
4. The search index of the target is rebuilt from its records.
5. Verified: every kept table has as many rows on both sides, every record reads back equal to
   the source's, and ``opis check`` finds the target sound.

The originals of uploads (the content-addressed file store, a folder) are copied too when the
two databases have different file stores: the files the uploads refer to that the target's
folder lacks.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from opis.errors import OpisError
from opis.store import Store
from opis.store import copy as _copy
from opis.store.engine import exists, is_url, redact
from opis.store.sqlite import derived_tables

BATCH = 200  # records per transaction of the target


class CopyError(OpisError):
    """A copy refused (a non-empty target without ``force``, source and target the same) or
    one whose verification failed."""


@dataclass
class CopyReport:
    """What a copy did: the rows of each table on both sides, the records compared, the files
    copied, the target's check, and how long it took."""

    source: str
    target: str
    #: table -> (source rows, target rows): the copied tables, and those derived per document (rebuilt)
    tables: dict[str, tuple[int, int]] = field(default_factory=dict)
    documents: int = 0
    records_differing: list[str] = field(default_factory=list)
    indexed: dict[str, int] = field(default_factory=dict)
    files: int = 0
    check: Any = None  # the target's CheckReport
    restarted: bool = False
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """Whether every count agrees, every record is equal and the target's check passed."""
        return (all(a == b for a, b in self.tables.values()) and not self.records_differing
                and (self.check is None or self.check.ok))

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON (``opis copy --json``)."""
        return {"source": self.source, "target": self.target, "ok": self.ok, "documents": self.documents,
                "tables": {t: {"source": a, "target": b} for t, (a, b) in self.tables.items()},
                "records_differing": self.records_differing, "indexed": self.indexed, "files": self.files,
                "restarted": self.restarted, "check": self.check.to_dict() if self.check is not None else None,
                "seconds": round(self.seconds, 2)}

    def format(self) -> str:
        """The report as lines of text."""
        lines = [f"copied {self.documents} documents from {self.source} to {self.target}"
                 f"{' (an interrupted copy started again)' if self.restarted else ''} in {self.seconds:.1f} s"]
        for table, (a, b) in self.tables.items():
            lines.append(f"  {table:<16} {a:>8} -> {b}{'' if a == b else '  DIFFERENT'}")
        if self.files:
            lines.append(f"  files copied     {self.files}")
        lines.append(f"  records equal    {self.documents - len(self.records_differing)}/{self.documents}")
        if self.check is not None:
            lines.append(f"  opis check       {'ok' if self.check.ok else 'PROBLEMS'}")
            if not self.check.ok:
                lines.append(self.check.format())
        lines.append("ok" if self.ok else "NOT OK: see above")
        return "\n".join(lines)


def _same(a: str, b: str) -> bool:
    if is_url(a) or is_url(b):
        return a.rstrip("/") == b.rstrip("/")
    return Path(a).resolve() == Path(b).resolve()


def _open_target(path: str, source: str, force: bool) -> tuple[Store, bool]:
    """The target store, empty; whether an interrupted copy of the same source was found and undone."""
    target = Store(path)
    try:
        with target.reading("looking at the target"):
            full = _copy.occupied(target.conn)
            state, origin = _copy.meta(target.conn, _copy.STATE_KEY), _copy.meta(target.conn, _copy.SOURCE_KEY)
    except BaseException:
        target.close()
        raise
    restarted = bool(full) and state == "running" and origin == redact(source)
    if full and not (force or restarted):
        target.close()
        listed = ", ".join(f"{t} ({n})" for t, n in sorted(full.items()))
        raise CopyError(f"the target is not empty: {listed}; copy into a new database, or add --force to"
                        " replace what it holds")
    if not full:
        return target, False
    if target.conn.dialect.name == "postgresql":
        with target.writing("emptying the target"):
            _copy.empty_postgres(target.conn)
        return target, restarted
    target.close()
    _remove_sqlite(Path(path))
    return Store(path), restarted


def _remove_sqlite(db: Path) -> None:
    """Delete a SQLite database with its journal files and its search index folder."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    shutil.rmtree(f"{db}.tantivy", ignore_errors=True)


def _documents(source: Store, target: Store, progress: Callable[[int], None] | None) -> int:
    n, batch = 0, []
    for record in source.iter_records(BATCH):
        batch.append(record)
        if len(batch) >= BATCH:
            n += _flush(source, target, batch)
            batch = []
            if progress:
                progress(n)
    n += _flush(source, target, batch)
    return n


def _flush(source: Store, target: Store, batch: list[dict[str, Any]]) -> int:
    if batch:
        _copy.write_documents(target, batch, _copy.document_times(source, [r["id"] for r in batch]))
    return len(batch)


def _compare_records(source: Store, target: Store) -> list[str]:
    """The ids of the documents whose record differs between the two stores (or is missing from one)."""
    differing, after = [], ""
    while True:
        ids = source.ids(after=after, limit=BATCH)
        if not ids:
            break
        a, b = source.records(ids), target.records(ids)
        differing += [i for i in ids if a.get(i) != b.get(i)]
        after = ids[-1]
    if target.count() != source.count():
        differing.append(f"({target.count()} documents on the target, {source.count()} on the source)")
    return differing


def _copy_files(source: Store, src_root: Path, dst_root: Path) -> int:
    """Copy the originals the uploads refer to that the target's file store lacks."""
    if src_root.resolve() == dst_root.resolve() or not src_root.is_dir():
        return 0
    n = 0
    for key in _copy.upload_keys(source):
        src, dst = src_root / key, dst_root / key
        if src.is_file() and not dst.exists():
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)
            n += 1
    return n


def copy_archive(source_path: str, target_path: str, *, force: bool = False, files_from: str | Path | None = None,
                 files_to: str | Path | None = None, verify: bool = True,
                 progress: Callable[[int], None] | None = None) -> CopyReport:
    """Copy the archive at ``source_path`` into ``target_path`` (SQLite files or PostgreSQL URLs),
    keeping every record as stored, every correction and the history (see the module docstring);
    returns the report (``report.ok``). Raises CopyError for a non-empty target without ``force``."""
    from opis.archive import Archive
    from opis.search import reindex
    from opis.uploads import default_root

    start = time.monotonic()
    if _same(source_path, target_path):
        raise CopyError("the source and the target are the same database")
    if not exists(source_path):
        raise CopyError(f"{source_path}: no such database")
    report = CopyReport(redact(str(source_path)), redact(str(target_path)))
    with Store(source_path) as source:
        target, report.restarted = _open_target(str(target_path), str(source_path), force)
        with target:
            _copy.mark(target, "running", redact(str(source_path)))
            source.begin_read()  # one snapshot of the source from here on
            report.documents = _documents(source, target, progress)
            _copy.clear_journal(target)
            tables = _copy.kept_tables(source.conn)
            for table in tables:
                _copy.copy_table(source, target, table)
            with target.writing("marking the search index stale"):
                target.new_epoch()
            report.indexed = reindex(target, "tantivy")
            rebuilt = [t for t in derived_tables(source.conn) if not t.startswith(_copy.SEARCH_PREFIX)]
            with source.reading("counting"), target.reading("counting"):
                for table in ["documents", "document_texts", *tables, *rebuilt]:
                    report.tables[table] = (_copy.count(source.conn, table), _copy.count(target.conn, table))
            if verify:
                report.records_differing = _compare_records(source, target)
            report.files = _copy_files(source, Path(files_from or default_root(source_path)),
                                       Path(files_to or default_root(target_path)))
            source.end_read()
            _copy.mark(target, "done", None)
    if verify:
        with Archive(target_path, readonly=True, verify=True) as archive:
            report.check = archive.check()
    report.seconds = time.monotonic() - start
    return report
