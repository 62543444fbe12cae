"""Where the CPU of ``opis ingest --jobs N`` goes: the writing process against its extraction
processes, measured as CPU seconds (not wall time), so a busy shared machine changes the figures
little; and what that allows on an idle machine with C cores.

    .venv/bin/python bench/ingest_cpu.py [--docs 300] [--jobs 1 2] [--pg URL] [--profile]

For each ``--jobs`` value, ``opis ingest DIR --jobs J`` of the same ``--docs`` distinct documents
(``bench/ingest_workers.py``'s corpus) into a fresh store (SQLite; ``--pg URL``: PostgreSQL too).
The CPU time (user + system) of the ``opis`` process and of each of its descendants (the
extraction processes) is read from ``/proc`` every 0.1 s until they end.

Printed per run: wall time, CPU of the writer (the ``opis`` process: listing, hashing, reading
each file, receiving each extracted document, the store write) and of the extraction processes,
each per document. Then the bound on two idle cores for ``--jobs 2``: the work can go no faster
than ``max(writer CPU, all CPU / cores)``, so the best speed-up over one process is
``one-process wall / that`` (the one process on an idle core: its CPU time). When the writer's
share of the CPU is large or the parallel run does more CPU in all than the single run, the
bound says which.

``--replay`` measures the extraction CPU of each distinct source file in this process and replays
the schedule of ``--jobs 2`` over ``--docs`` files (the files written in order, at most W files in
flight, W from 4 to 64): the best speed-up each window allows when the files' costs are as uneven
as they are (extraction only; the writer and the machine's other work left out).

``--profile`` runs the writing process under cProfile and prints where its time goes (the
cumulative time of the ingest's steps: ``prepare_file``, ``store_extracted`` / ``Store.upsert``,
waiting on the extraction).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from ingest import DEFAULT_CORPORA, source_files  # noqa: E402
from ingest_workers import distinct_corpus  # noqa: E402
from queue_setup import env, fresh_database  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")
PROFILED = ("prepare_file", "store_extracted", "upsert", "log_ingest", "result", "extract_isolated", "run",
            "_recv", "recv", "loads", "write", "commit")


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of one process (None once it is gone)."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            parts = fh.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(parts[11]) + int(parts[12])) / TICK  # utime, stime (fields 14, 15)


def descendants(pid: int) -> list[int]:
    """Every process below ``pid``."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    kids = [int(c) for c in fh.read().split()]
                    out += kids
                    todo += kids
        except OSError:
            continue
    return out


def run(corpus: Path, db: str, jobs: int, profile: Path | None) -> dict:
    """One ``opis ingest`` of ``corpus``: wall seconds and CPU seconds of the writer and the rest."""
    code = "from opis.cli import main; main()"
    pre = ["-m", "cProfile", "-o", str(profile)] if profile else []
    if profile:
        script = profile.with_suffix(".py")
        script.write_text(f"{code}\n")
        cmd = [sys.executable, *pre, str(script)]
    else:
        cmd = [sys.executable, "-c", code]
    cmd += ["ingest", str(corpus), "--db", db, "--jobs", str(jobs)]
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    last: dict[int, float] = {}
    while proc.poll() is None:
        for p in [proc.pid, *descendants(proc.pid)]:
            c = cpu_seconds(p)
            if c is not None:
                last[p] = c
        time.sleep(0.1)
    wall = time.perf_counter() - t
    if proc.returncode not in (0, 1):
        raise RuntimeError(proc.stderr.read()[-2000:])
    writer = last.pop(proc.pid, 0.0)
    return {"wall": wall, "writer": writer, "extractors": sum(last.values()), "processes": len(last)}


def print_profile(path: Path) -> None:
    """The writer's cumulative time in the ingest's steps."""
    import pstats

    stats = pstats.Stats(str(path))
    rows = []
    for (file, _line, name), (_cc, nc, _tt, ct, _callers) in stats.stats.items():
        if name in PROFILED and ("opis" in file or name in ("recv", "loads", "commit")):
            rows.append((ct, nc, f"{Path(file).name}:{name}"))
    for ct, nc, where in sorted(rows, reverse=True)[:14]:
        print(f"    {ct:7.1f} s cumulative  {nc:6} calls  {where}")


def file_costs(files: list[Path]) -> list[float]:
    """CPU seconds of extracting each file in this process (after one warm-up file)."""
    sys.path.insert(0, str(HERE.parent / "src"))
    from opis.ingest import extract
    from opis.ingest_worker import Source
    from opis.pipeline import default_pipeline
    from opis.readers import ReadOptions

    pipeline, options = default_pipeline(), ReadOptions(isolate=False)
    extract(Source(str(files[0])), options, pipeline)
    costs = []
    for f in files:
        t = time.process_time()
        extract(Source(str(f)), options, pipeline)
        costs.append(time.process_time() - t)
    return costs


def replay(costs: list[float], jobs: int, window: int) -> float:
    """Wall seconds of extracting files of ``costs`` (in order) with ``jobs`` processes, written in
    order, at most ``window`` files in flight beyond the one being waited for (as ``_parallel``)."""
    from collections import deque

    free, pending, now = [0.0] * jobs, deque(), 0.0
    for c in costs:
        k = min(range(jobs), key=free.__getitem__)
        free[k] = max(free[k], now) + c
        pending.append(free[k])
        while len(pending) > window or (pending and pending[0] <= now):
            now = max(now, pending.popleft())
    while pending:
        now = max(now, pending.popleft())
    return now


def print_replay(docs: int) -> None:
    """The best ``--jobs 2`` speed-up of each window over ``docs`` files cycled from the corpus."""
    files = source_files(DEFAULT_CORPORA)
    per_file = file_costs(files)
    costs = [per_file[i % len(files)] for i in range(docs)]
    top = sorted(zip(per_file, files, strict=True), reverse=True)[:3]
    print(f"extraction CPU per file: median {1000 * sorted(per_file)[len(per_file) // 2]:.0f} ms, the longest "
          + ", ".join(f"{f.name} {1000 * c:.0f} ms" for c, f in top)
          + f"; the longest is {100 * top[0][0] / sum(per_file):.0f}% of the work")
    for window in (4, 8, 16, 32, 64):
        print(f"  --jobs 2, {window:2} files in flight: at best {sum(costs) / replay(costs, 2, window):.2f}x")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=300)
    ap.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--cores", type=int, default=2, help="cores of the idle machine the bound is for")
    ap.add_argument("--pg", default=None, help="PostgreSQL server URL: measure a PostgreSQL store too")
    ap.add_argument("--profile", action="store_true", help="run the writer under cProfile")
    ap.add_argument("--replay", action="store_true", help="replay the --jobs 2 schedule with each file's cost")
    args = ap.parse_args()
    if args.replay:
        print_replay(args.docs)
        return
    with tempfile.TemporaryDirectory(prefix="opis-ingest-cpu-") as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        distinct_corpus(source_files(DEFAULT_CORPORA), corpus, args.docs)
        engines = [("sqlite", lambda j: str(Path(tmp) / f"s{j}.db"))]
        if args.pg:
            engines.append(("postgresql", lambda j: fresh_database(args.pg, "cpu")))
        print(f"{args.docs} documents; load average {os.getloadavg()[0]:.1f}; CPU seconds from /proc")
        for engine, make_db in engines:
            results = {}
            for jobs in args.jobs:
                prof = Path(tmp) / f"{engine}-{jobs}.prof" if args.profile else None
                r = results[jobs] = run(corpus, make_db(jobs), jobs, prof)
                n = args.docs
                print(f"{engine:10} --jobs {jobs}: wall {r['wall']:6.1f} s; CPU writer {r['writer']:6.1f} s "
                      f"({1000 * r['writer'] / n:.1f} ms/doc), extraction {r['extractors']:6.1f} s "
                      f"({1000 * r['extractors'] / n:.1f} ms/doc) in {r['processes']} processes; "
                      f"load average {os.getloadavg()[0]:.1f}", flush=True)
                if prof:
                    print_profile(prof)
            if 1 in results:
                one = results[1]["writer"] + results[1]["extractors"]
                for jobs, r in results.items():
                    if jobs == 1:
                        continue
                    total = r["writer"] + r["extractors"]
                    cores = min(args.cores, jobs + 1)
                    bound = max(r["writer"], total / cores)
                    print(f"{engine:10} --jobs {jobs} on {cores} idle cores: at best {one / bound:.2f}x the one process "
                          f"(CPU in all {total / one:.2f}x the one process's; writer {100 * r['writer'] / total:.0f}% "
                          f"of it)")


if __name__ == "__main__":
    main()
