"""``opis backup`` and ``opis restore``: a consistent copy of the whole database, and putting
one back.

:func:`backup` copies every page of the file with SQLite's online backup API in one step
(one read transaction), so the copy is the database as it was at one moment, with every table:
records, derived rows, corrections, the ingest log, the change journal. Other processes may
go on writing meanwhile (WAL). The copy is written beside its destination and renamed into
place only once it is complete and passes ``PRAGMA quick_check``.

:func:`restore` checks a backup (:func:`opis.store.check.check_store`, quick) and refuses a
damaged one; copies the current database aside (``DB.before-restore-<time>``); then copies
the backup into the database with the backup API, which replaces its content in one
transaction under the write lock: a reader sees the old database or the new one, never a
mixture. The restored store draws a new epoch, so an external search index rebuilds.
The search index directory is not part of a backup: it is rebuilt from the store.
A PostgreSQL database is backed up and restored by ``pg_dump`` / ``pg_restore``
(:mod:`opis.store.pg_backup`).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import time
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from opis.errors import StoreError
from opis.store.check import CheckReport, check_store
from opis.store.engine import is_url
from opis.store.failures import is_corruption, store_error
from opis.store.sqlite import BUSY_TIMEOUT, READ_ERRORS, Store, quick_check


@dataclass
class BackupResult:
    """What a backup wrote: its path, the number of documents, its size in bytes and the time it took."""

    path: str
    documents: int
    bytes: int
    seconds: float


@dataclass
class RestoreResult:
    """What a restore did: the database restored, its source, where the replaced database was kept aside,
    documents and time."""

    path: str
    source: str
    kept_aside: str | None  # where the database restored over was put
    documents: int
    seconds: float


def backup(store: Store, dest: str | Path, overwrite: bool = False) -> BackupResult:
    """Copy ``store`` to ``dest`` (a consistent online copy); refuses to overwrite a file
    unless ``overwrite``."""
    t = time.perf_counter()
    if store.conn.dialect.name != "sqlite":  # (PostgreSQL's own tools: opis.store.pg_backup)
        from opis.store import pg_backup

        return pg_backup.backup(store, Path(dest), overwrite)
    dest = Path(dest)
    if dest.exists() and not overwrite:
        raise StoreError("the backup file exists already (choose another name, or --force)", str(dest))
    if dest.resolve() == Path(store.path).resolve():
        raise StoreError("a backup cannot overwrite the database it copies", str(dest))
    tmp = dest.with_name(dest.name + ".part")
    tmp.unlink(missing_ok=True)
    try:
        _copy(store.conn, tmp)
        with closing(_connect(tmp)) as conn:
            problems = quick_check(conn, limit=3)
        if problems:
            raise StoreError(f"the copy does not check ({'; '.join(problems)}): the database may be damaged;"
                             f" run 'opis check --db {store.path}'", str(dest))
        documents = _count(tmp)
        _fsync(tmp)
        os.replace(tmp, dest)
    except READ_ERRORS as exc:
        raise store_error(exc, store.path, f"copying it to {dest}") from exc
    except OSError as exc:
        raise StoreError(f"cannot write the backup ({exc.strerror or exc})", str(dest)) from exc
    finally:
        tmp.unlink(missing_ok=True)
    return BackupResult(str(dest), documents, dest.stat().st_size, time.perf_counter() - t)


def verify(path: str | Path) -> CheckReport:
    """Check a backup file (structure and records) without changing it."""
    if not Path(path).is_file():
        raise StoreError("no such backup file", str(path))
    with Store(path, verify=False, readonly=True) as store:
        return check_store(store, quick=True)


def restore(db: str | Path, source: str | Path) -> RestoreResult:
    """Replace the database ``db`` with the backup ``source`` (checked first), keeping the
    current database aside; raises StoreError, changing nothing, when the backup is damaged."""
    t = time.perf_counter()
    if is_url(str(db)):
        from opis.store import pg_backup

        return pg_backup.restore(str(db), Path(source))
    db, source = Path(db), Path(source)
    if source.resolve() == db.resolve():
        raise StoreError("a database cannot be restored from itself", str(source))
    report = verify(source)
    if not report.ok:
        first = next(p for c in report.checks for p in c.problems or [c.summary] if not c.ok)
        raise StoreError(f"the backup is damaged and was not restored ({first}); 'opis check --db {source}'"
                         " for the full report", str(source))
    aside = None
    if db.exists() and db.stat().st_size:
        aside = db.with_name(f"{db.name}.before-restore-{datetime.now(UTC).strftime('%Y%m%dT%H%M%S')}")
        try:
            with closing(_connect(db)) as conn:
                _copy(conn, aside)
        except READ_ERRORS:  # a database too damaged to copy page by page: copy its files as they are
            _copy_files(db, aside)
    try:
        with closing(_connect(source)) as src, closing(_connect(db)) as target:
            try:
                src.backup(target)  # replaces the content in one transaction, under the write lock
            except READ_ERRORS as exc:
                if not is_corruption(exc):
                    raise
                target.close()
                _replace_file(source, db)  # the file is too damaged to be written through SQLite
    except READ_ERRORS as exc:
        raise store_error(exc, str(db), f"restoring {source} into it") from exc
    with Store(db) as store:  # (migrations that a backup made by an older version lacks)
        with store.writing("marking the search index stale"):
            store.new_epoch()  # an index kept beside the database is rebuilt before its next use
        documents = store.count()
    return RestoreResult(str(db), str(source), str(aside) if aside else None, documents, time.perf_counter() - t)


def _connect(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(str(path), timeout=BUSY_TIMEOUT)


def _copy(conn: sqlite3.Connection, dest: Path) -> None:
    out = _connect(dest)
    try:
        conn.backup(out)  # every page in one step: one consistent read transaction
        out.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
    finally:
        out.close()


def _copy_files(db: Path, dest: Path) -> None:
    for suffix in ("", "-wal"):
        src = Path(str(db) + suffix)
        if src.exists():
            shutil.copyfile(src, Path(str(dest) + suffix))


def _replace_file(source: Path, db: Path) -> None:
    """Put a copy of ``source`` in place of ``db`` by rename, its journal files removed (for a
    database SQLite cannot write any more; it has been copied aside first)."""
    tmp = db.with_name(db.name + ".restoring")
    shutil.copyfile(source, tmp)
    _fsync(tmp)
    for suffix in ("-wal", "-shm", "-journal"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    os.replace(tmp, db)


def _count(path: Path) -> int:
    with closing(_connect(path)) as conn:
        return conn.execute("SELECT count(*) FROM documents").fetchone()[0]


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
