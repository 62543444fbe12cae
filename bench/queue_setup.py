"""What the queue benchmarks share: a PostgreSQL server, a fresh database per run, the ``opis``
command in a new process, and the memory of a process with its children.

    from queue_setup import postgres, fresh_database, opis, start_worker, rss_tree_mb  # (bench/ on sys.path)

The server is ``--pg URL`` or ``OPIS_TEST_PG`` when given, otherwise a throwaway cluster
(``scripts/pg-throwaway``) started for the run and stopped after it.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MAIN = "from opis.cli import main; main()"


@contextlib.contextmanager
def postgres(url: str | None = None) -> Iterator[str]:
    """The base URL of a PostgreSQL server: ``url``, ``OPIS_TEST_PG``, or a throwaway cluster."""
    url = url or os.environ.get("OPIS_TEST_PG")
    if url:
        yield url
        return
    folder = tempfile.mkdtemp(prefix="opis-bench-pg-")
    script = str(REPO / "scripts" / "pg-throwaway")
    started = subprocess.run([script, "start", folder], capture_output=True, text=True, check=True)
    try:
        yield started.stdout.strip().splitlines()[-1]
    finally:
        subprocess.run([script, "stop", folder], capture_output=True)


def fresh_database(server: str, prefix: str = "bench") -> str:
    """A new empty database on ``server``; its URL."""
    import psycopg

    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{server.rpartition('/')[0]}/{name}"


def env() -> dict[str, str]:
    """The environment of an ``opis`` process importing this tree's source."""
    return {**os.environ, "PYTHONPATH": str(REPO / "src")}


def opis(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    """Run ``opis ARGS`` in a new process and wait for it."""
    return subprocess.run([sys.executable, "-c", MAIN, *args], capture_output=True, text=True, env=env(), check=check)


def start_worker(db: str, queue: str, files: str, *extra: str, log: Path | None = None) -> subprocess.Popen:
    """An ``opis worker`` process (its output to ``log``, or discarded)."""
    out = open(log, "w") if log else subprocess.DEVNULL  # noqa: SIM115 - the worker's log, closed with the process
    return subprocess.Popen([sys.executable, "-c", MAIN, "worker", "--db", db, "--queue", queue, "--files", files,
                             *extra], stdout=out, stderr=subprocess.STDOUT, env=env())


def _children(pid: int) -> list[int]:
    found = []
    with contextlib.suppress(OSError):
        for task in os.listdir(f"/proc/{pid}/task"):
            with contextlib.suppress(OSError), open(f"/proc/{pid}/task/{task}/children") as fh:
                found += [int(c) for c in fh.read().split()]
    return found


def rss_mb(pid: int) -> float:
    """The resident memory of one process (MiB), 0 when it is gone."""
    with contextlib.suppress(OSError), open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def rss_tree_mb(pid: int) -> tuple[float, float]:
    """(the process's own RSS, its RSS with all its descendants') in MiB."""
    own = rss_mb(pid)
    total, todo = own, _children(pid)
    while todo:
        child = todo.pop()
        total += rss_mb(child)
        todo += _children(child)
    return own, total
