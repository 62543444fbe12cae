"""``opis backup`` and ``opis restore`` of a PostgreSQL database, by PostgreSQL's own tools.

:func:`backup` runs ``pg_dump -Fc`` (one consistent snapshot of the database, while others go on
writing) into a file beside the destination, renamed into place once complete. :func:`restore`
checks that the file is a ``pg_dump`` archive (``pg_restore --list``), then replaces the
database's content with it (``pg_restore --clean --if-exists``) and draws a new epoch, so every
machine's search index replica is rebuilt. The tools are those on ``PATH``, else the newest of
``/usr/lib/postgresql/*/bin`` (Debian's); without them, one line says what to install.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

from opis.errors import StoreError
from opis.store.engine import redact

TOOL_TIMEOUT = 3600  # seconds a dump or a restore may take


def tool(name: str) -> str:
    """The path of the PostgreSQL client program ``name`` (``pg_dump``, ``pg_restore``)."""
    found = shutil.which(name)
    if found:
        return found
    versions = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), key=lambda p: int(p.parts[-3])
                      if p.parts[-3].isdigit() else 0)
    if versions:
        return str(versions[-1])
    raise StoreError(f"{name} not found: install PostgreSQL's client programs (Debian: postgresql-client)")


def _run(args: list[str], url: str, doing: str) -> None:
    try:
        done = subprocess.run(args, capture_output=True, text=True, timeout=TOOL_TIMEOUT)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise StoreError(f"{doing} failed ({exc})", redact(url)) from exc
    if done.returncode != 0:
        lines = [ln for ln in done.stderr.replace(url, redact(url)).splitlines() if ln.strip()]
        raise StoreError(f"{doing} failed ({(lines[0] if lines else 'exit ' + str(done.returncode))[:300]})",
                         redact(url))


def backup(store, dest: Path, overwrite: bool = False):
    """A ``pg_dump`` archive of the store's database at ``dest``; a BackupResult."""
    from opis.store.backup import BackupResult

    t = time.perf_counter()
    dest = Path(dest)
    if dest.exists() and not overwrite:
        raise StoreError("the backup file exists already (choose another name, or --force)", str(dest))
    documents = store.count()
    tmp = dest.with_name(dest.name + ".part")
    tmp.unlink(missing_ok=True)
    try:
        _run([tool("pg_dump"), "--format=custom", "--no-owner", f"--file={tmp}", f"--dbname={store.url}"],
             store.url, "pg_dump")
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)
    return BackupResult(str(dest), documents, dest.stat().st_size, time.perf_counter() - t)


def restore(url: str, source: Path):
    """Replace the content of the database ``url`` with the ``pg_dump`` archive ``source``; a
    RestoreResult (nothing is kept aside: take a backup first)."""
    from opis.store.backup import RestoreResult
    from opis.store.sqlite import Store

    t = time.perf_counter()
    source = Path(source)
    if not source.is_file():
        raise StoreError("no such backup file", str(source))
    _run([tool("pg_restore"), "--list", str(source)], url, f"reading {source} (not a pg_dump archive?)")
    _run([tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction",
          f"--dbname={url}", str(source)], url, f"restoring {source}")
    with Store(url) as store:
        with store.writing("marking the search index stale"):
            store.new_epoch()  # every machine's replica is rebuilt before its next use
        documents = store.count()
    return RestoreResult(redact(url), str(source), None, documents, time.perf_counter() - t)
