"""Kill -9 an ``opis worker`` in the middle of a job, N trials: the job is run again, its document
stored exactly once.

    .venv/bin/python bench/kill_worker.py [--trials 10] [--pg URL]

Each trial has its own queue database and SQLite store. One real page of the repository's dev set
(``tests/data/dev/corpus``, a different one each trial) is queued (``opis ingest --queue``); a
worker (``--heartbeat 0.5 --stalled-after 2``) takes it; once the job is ``running`` the bench
waits a delay and sends SIGKILL. The delays spread over the length of a job, measured first on an
uninterrupted one (trial ``i`` of N waits ``i/N`` of it), so the kills land in every phase: the
models loading, extraction, the store write, the job's completion. A trial where the job had
already ended before the kill is repeated with half the delay. A second worker
is started; the trial passes when its job ends ``done``, was run at least twice, and the store
holds exactly one document (and one with that checksum). ``--after-write`` more trials kill the
worker as soon as the document is in the store (the store polled every 2 ms), so the job is
killed after its write and before it is marked done: run again, it must find the document stored
(``unchanged``) and write nothing. Prints one line per trial and the totals; exits 1 if any
trial failed.
"""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from queue_setup import REPO, fresh_database, opis, postgres, start_worker  # noqa: E402

sys.path.insert(0, str(REPO / "src"))
FAST = ("--heartbeat", "0.5", "--stalled-after", "2")


def wait_for(check, seconds: float = 300.0, step: float = 0.05):
    """Poll until ``check()`` is true; None after ``seconds``."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        got = check()
        if got:
            return got
        time.sleep(step)
    return None


def job_length(server: str, page: Path, tmp: Path) -> float:
    """Seconds from ``running`` to ``done`` of one job run by a fresh worker, not killed."""
    from opis.queue import JobQueue

    url = fresh_database(server, "kill")
    db, files = str(tmp / "c.db"), str(tmp / "files")
    opis("ingest", "--queue", url, str(page), "--db", db, "--files", files)
    with JobQueue(url) as q:
        [row] = q.recent()
        worker = start_worker(db, url, files, *FAST)
        wait_for(lambda: q.job(row.id).status == "running")
        t0 = time.perf_counter()
        wait_for(lambda: q.job(row.id).status == "done")
        length = time.perf_counter() - t0
        worker.send_signal(signal.SIGTERM)
        worker.wait(60)
    return length


def stored(db: str) -> bool:
    """Whether the SQLite store ``db`` holds a document yet (read without waiting on its writer)."""
    import sqlite3

    try:
        with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.01)) as conn:
            return conn.execute("SELECT count(*) FROM documents").fetchone()[0] > 0
    except sqlite3.Error:
        return False


def trial(server: str, page: Path, delay: float | None, tmp: Path) -> dict:
    """One kill, ``delay`` seconds after the job started (None: as soon as its document is in the
    store, before the job is marked done): the job's fate and what the store holds."""
    from opis.archive import Archive
    from opis.queue import JobQueue

    url = fresh_database(server, "kill")
    db, files = str(tmp / "k.db"), str(tmp / "files")
    opis("ingest", "--queue", url, str(page), "--db", db, "--files", files)
    with JobQueue(url) as q:
        [row] = q.recent()
        first = start_worker(db, url, files, *FAST, log=tmp / "first.log")
        wait_for(lambda: q.job(row.id).status == "running")
        if delay is None:
            wait_for(lambda: stored(db), step=0.002)
        else:
            time.sleep(delay)
        first.send_signal(signal.SIGKILL)
        first.wait(30)
        at_kill = q.job(row.id).status
        t0 = time.perf_counter()
        second = start_worker(db, url, files, *FAST, log=tmp / "second.log")
        job = wait_for(lambda: (j := q.job(row.id)).status in ("done", "failed") and j)
        recovered = time.perf_counter() - t0
        second.send_signal(signal.SIGTERM)
        stopped = second.wait(60)
    with Archive(db) as archive:
        count = archive.count()
        same = archive.store.find_by_sha256(archive.get(job.doc_id).provenance.sha256) if job and job.doc_id else None
    return {"status_at_kill": at_kill, "job": job, "count": count, "found": same, "recovered": recovered,
            "stop_code": stopped}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--trials", type=int, default=10)
    ap.add_argument("--after-write", type=int, default=3,
                    help="more trials, each killing the worker as soon as its document is in the store")
    ap.add_argument("--pg", default=None, help="a PostgreSQL server URL (default: OPIS_TEST_PG or a throwaway one)")
    args = ap.parse_args()
    pages = sorted((REPO / "tests" / "data" / "dev" / "corpus").glob("*.txt"))
    passed = 0
    with postgres(args.pg) as server:
        length = 0.0
        if args.trials:
            with tempfile.TemporaryDirectory() as tmp:
                length = job_length(server, pages[-1], Path(tmp))
            print(f"one job, not killed: {length:.2f} s from running to done (the kills spread over it)", flush=True)
        for i in range(args.trials):
            delay = length * i / args.trials
            while True:
                with tempfile.TemporaryDirectory() as tmp:
                    r = trial(server, pages[i % len(pages)], delay, Path(tmp))
                if r["status_at_kill"] == "running" or delay == 0:
                    break
                delay /= 2  # the job ended before the kill: not a kill during a job, again sooner
            job = r["job"]
            ok = (r["status_at_kill"] == "running" and job is not None and job.status == "done"
                  and job.attempts >= 2 and r["count"] == 1 and r["found"] == job.doc_id)
            passed += ok
            print(f"trial {i + 1:2}: killed {delay:4.2f} s into the job ({r['status_at_kill']} at the kill) -> "
                  f"{job.status if job else 'not ended'} after {job.attempts if job else '?'} runs, "
                  f"{job.result if job else '-'}, {r['count']} document(s) stored; recovered in "
                  f"{r['recovered']:.1f} s; second worker exit {r['stop_code']}  {'ok' if ok else 'FAILED'}",
                  flush=True)
        for i in range(args.after_write):
            with tempfile.TemporaryDirectory() as tmp:
                r = trial(server, pages[(args.trials + i) % len(pages)], None, Path(tmp))
            job = r["job"]
            during = r["status_at_kill"] == "running"
            ok = job is not None and job.status == "done" and r["count"] == 1 and r["found"] == job.doc_id
            passed += ok
            print(f"after-write trial {i + 1}: killed once its document was stored ({r['status_at_kill']} at the "
                  f"kill{'' if during else ': the job had ended, not a kill during it'}) -> "
                  f"{job.status if job else 'not ended'} after {job.attempts if job else '?'} runs, "
                  f"{job.result if job else '-'}, {r['count']} document(s) stored  {'ok' if ok else 'FAILED'}",
                  flush=True)
    total = args.trials + args.after_write
    print(f"{passed}/{total} trials: job run again, its document stored exactly once")
    sys.exit(0 if passed == total else 1)


if __name__ == "__main__":
    main()
