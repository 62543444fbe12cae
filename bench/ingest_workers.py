"""Benchmark: ingest of N distinct documents inline, with ``--jobs 2``, and by two ``opis worker``
processes on the queue; speed-ups against the single process, queue overhead per job, memory per
worker.

    .venv/bin/python bench/ingest_workers.py [--docs 2000] [--pg URL] [--workers 2]

The corpus: ``--docs`` files cycled from the repository's real documents (the sample corpus, the
dev record pages and ``tests/data/pages*``, each distinct file once; :func:`bench.ingest.make_corpus`):
copy ``i`` of a file ends with its own line, so every file has its own checksum, and the record
ids in its archive addresses (``…/document/165416``) get the copy's number appended, so no copy is
taken for an update of another: N files make N documents (checked). In one run, each on a fresh SQLite store (and, for the queue, a fresh queue database):

1. ``opis ingest DIR`` — one process, one extraction process (the baseline);
2. ``opis ingest DIR --jobs 2`` — two extraction processes, one writer;
3. ``opis ingest --queue URL DIR`` (enqueue: every file into the file store, one job each), then
   ``--workers`` ``opis worker --until-empty`` processes started together; the time is until the
   last one exits (and, separately, with the enqueue);
4. the queue overhead per job: the same jobs deferred again into a fresh queue, their documents
   already stored, run by one worker: each job then only reads its file, hashes it, finds it
   stored and logs it; ``opis ingest`` of the same files does the same without a queue. The
   difference per file is the queue's own cost (fetch, start, outcome, finish). The enqueue's cost
   per job is printed too.

``--rounds R`` splits the documents into R rounds and runs the three ways in each, in an order
rotated from round to round, so that a change in the load of a shared machine falls on each of
them in turn (each round pays the models' loading again).

Memory: the resident set of each worker process, alone and with its extraction process, sampled
every 0.5 s (peak). The load average is printed before and after each step: the machine is
shared, so compare the ratios, not the times.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from ingest import DEFAULT_CORPORA, make_corpus, source_files  # noqa: E402
from queue_setup import REPO, fresh_database, opis, postgres, rss_tree_mb, start_worker  # noqa: E402

sys.path.insert(0, str(REPO / "src"))


RECORD_URL = re.compile(rb"(/document/)(\d{1,8})\b")


def distinct_corpus(files: list[Path], dst: Path, docs: int) -> None:
    """``docs`` files made from ``files`` (:func:`make_corpus`), each copy's record ids its own."""
    for i, path in enumerate(make_corpus(files, dst, docs)):
        copy = i // len(files)
        data = path.read_bytes()
        path.write_bytes(RECORD_URL.sub(lambda m, c=copy: m.group(1) + m.group(2) + b"%03d" % c, data))


def load() -> str:
    """The 1-minute load average, as printed."""
    return f"{os.getloadavg()[0]:.2f}"


class Sampler:
    """Peak RSS of some processes (alone, and with their children), sampled every 0.5 s."""

    def __init__(self, procs: list[subprocess.Popen]):
        self.procs = procs
        self.own = [0.0] * len(procs)
        self.tree = [0.0] * len(procs)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            for i, p in enumerate(self.procs):
                own, tree = rss_tree_mb(p.pid)
                self.own[i], self.tree[i] = max(self.own[i], own), max(self.tree[i], tree)
            self._stop.wait(0.5)

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def timed(label: str, fn) -> float:
    """Run ``fn``; print and return its wall time."""
    before = load()
    t0 = time.perf_counter()
    fn()
    wall = time.perf_counter() - t0
    print(f"  {label:44} {wall:8.1f} s   (load average {before} -> {load()})", flush=True)
    return wall


def count(db: str) -> int:
    """Documents in the store ``db``."""
    from opis.archive import Archive

    with Archive(db) as archive:
        return archive.count()


def run_workers(n: int, db: str, url: str, files: str, tmp: Path) -> Sampler:
    """``n`` workers started together, run until the queue is empty; their memory sampled."""
    procs = [start_worker(db, url, files, "--until-empty", log=tmp / f"worker{i}.log") for i in range(n)]
    with Sampler(procs) as sampler:
        codes = [p.wait() for p in procs]
    if any(codes):
        raise SystemExit(f"a worker failed: {codes}; see {tmp}/worker*.log")
    return sampler


def overhead(server: str, db: str, files: str, tmp: Path) -> tuple[float, float, float, int]:
    """(ms per job of a worker whose jobs find their documents stored, ms per file of ``opis ingest``
    finding them stored, ms per job to defer, jobs)."""
    from opis.archive import Archive
    from opis.queue import JobQueue

    url = fresh_database(server, "overhead")
    with Archive(db) as archive, JobQueue(url) as q:
        stored = [p for p in Path(files).rglob("*") if p.is_file()]
        t0 = time.perf_counter()
        for p in stored:
            key = p.relative_to(files).as_posix()
            q.defer_file(key, str(p), p.stem)
        defer_ms = (time.perf_counter() - t0) / len(stored) * 1000
        assert archive.count() == len(stored)
    wall = timed(f"one worker, {len(stored)} jobs already stored", lambda: run_workers(1, db, url, files, tmp))
    with JobQueue(url) as q:
        counts = q.counts()
    assert counts["done"] == len(stored), counts
    inline = timed(f"opis ingest, the same {len(stored)} files already stored",
                   lambda: opis("ingest", files, "--db", db))
    return wall / len(stored) * 1000, inline / len(stored) * 1000, defer_ms, len(stored)


def one_round(r: int, corpus: Path, server: str, workers: int, tmp: Path) -> dict:
    """Ingest ``corpus`` the three ways, each into a fresh store (and queue), in an order rotated
    by the round ``r`` so that a change of the machine's load falls on each mode in turn."""
    out: dict = {"tmp": tmp}
    url = fresh_database(server, "workers")
    out["db"], out["files"] = str(tmp / "c.db"), str(tmp / "files")

    def inline() -> None:
        out["inline"] = timed("opis ingest (one process)", lambda: opis("ingest", str(corpus), "--db", str(tmp / "a.db")))

    def jobs() -> None:
        out["jobs"] = timed(f"opis ingest --jobs {workers}",
                            lambda: opis("ingest", str(corpus), "--db", str(tmp / "b.db"), "--jobs", str(workers)))

    def queue() -> None:
        out["enqueue"] = timed("opis ingest --queue (enqueue only)", lambda: opis(
            "ingest", "--queue", url, str(corpus), "--db", out["db"], "--files", out["files"]))
        out["workers"] = timed(f"{workers} opis worker processes", lambda: out.setdefault(
            "sampler", run_workers(workers, out["db"], url, out["files"], tmp)))

    modes = [inline, jobs, queue]
    for mode in modes[r % 3:] + modes[:r % 3]:
        mode()
    n = len(list(corpus.iterdir()))
    out["counts"] = [count(str(tmp / "a.db")), count(str(tmp / "b.db")), count(out["db"])]
    assert out["counts"] == [n, n, n], f"documents stored: {out['counts']}"
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=2000, help="documents to ingest (the corpus cycled)")
    ap.add_argument("--workers", type=int, default=2, help="opis worker processes (and --jobs)")
    ap.add_argument("--rounds", type=int, default=1,
                    help="split the documents into this many rounds, the three ways in a rotated order in each")
    ap.add_argument("--pg", default=None, help="a PostgreSQL server URL (default: OPIS_TEST_PG or a throwaway one)")
    args = ap.parse_args()
    files_in = source_files(DEFAULT_CORPORA)
    n = args.docs
    print(f"corpus: {n} distinct documents cycled from {len(files_in)} real files, in {args.rounds} round(s); "
          f"{os.cpu_count()} CPUs; load average {load()}", flush=True)
    with postgres(args.pg) as server, tempfile.TemporaryDirectory() as tmpname:
        tmp = Path(tmpname)
        everything = tmp / "all"
        everything.mkdir()
        distinct_corpus(files_in, everything, n)
        paths = sorted(everything.iterdir())
        rounds = []
        for r in range(args.rounds):
            part = tmp / f"round{r}"
            (part / "corpus").mkdir(parents=True)
            for p in paths[r::args.rounds]:
                p.rename(part / "corpus" / p.name)
            print(f"round {r + 1}:", flush=True)
            rounds.append(one_round(r, part / "corpus", server, args.workers, part))
        last = rounds[-1]
        per_job, per_file, defer_ms, n_over = overhead(server, last["db"], last["files"], last["tmp"])
    inline, jobs, enqueue, workers = (sum(r[k] for r in rounds) for k in ("inline", "jobs", "enqueue", "workers"))
    counts = [sum(r["counts"][i] for r in rounds) for i in range(3)]
    print(f"documents stored: {counts} (inline, --jobs, workers)")
    print(f"speed-up vs one process: --jobs {args.workers} {inline / jobs:.2f}x; "
          f"{args.workers} workers {inline / workers:.2f}x ({inline / (enqueue + workers):.2f}x with the enqueue)")
    print(f"per document: one process {inline / n * 1000:.0f} ms, --jobs {jobs / n * 1000:.0f} ms, "
          f"workers {workers / n * 1000:.0f} ms (+ enqueue {enqueue / n * 1000:.1f} ms)")
    print(f"queue overhead per job: {per_job - per_file:.1f} ms ({per_job:.1f} ms for a worker to run a job whose "
          f"document is stored, {per_file:.1f} ms for opis ingest to find one file stored; {n_over} jobs), "
          f"{defer_ms:.1f} ms to defer one")
    for r in rounds:
        sampler = r["sampler"]
        for i, (own, tree) in enumerate(zip(sampler.own, sampler.tree, strict=True)):
            print(f"worker {i + 1}: peak RSS {own:.0f} MiB, {tree:.0f} MiB with its extraction process")
    print(f"load average at the end: {load()}")


if __name__ == "__main__":
    main()
