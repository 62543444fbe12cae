"""Benchmark: the same documents on SQLite and on PostgreSQL, served by ``opis serve``, under
50 clients in flight: p95 of each main page on each engine, the PostgreSQL/SQLite ratio, errors.

    .venv/bin/python bench/web_engines.py --docs 2000 [--pg URL] [--concurrency 50] [--workers 2]
    .venv/bin/python bench/web_engines.py --docs 0        # the sample corpus and the dev pages only

The documents: ``--docs N`` distinct files made from the repository's real pages (as
``bench/ingest_workers.py`` makes them: each copy its own checksum and record ids), or with
``--docs 0`` the sample corpus plus the dev record pages. They are ingested with ``opis ingest
--jobs J`` into a fresh SQLite file and into a fresh PostgreSQL database (``--pg URL``,
``OPIS_TEST_PG``, or a throwaway cluster); the ingest times and their ratio are printed too.
``--keep DIR`` keeps both (and reuses them in a later run with the same ``--keep DIR``).

The load, the same on both engines: each main page of the navigation (``/``, ``/search?q=…``,
``/documents/ID``, ``/entities``, ``/archives``, ``/timeline``, ``/map``, ``/claims``) and the
API's ``/api/search`` and ``/api/documents``, ``--per-page`` requests of each, interleaved, with
``--concurrency`` requests in flight (httpx, async, :mod:`web_load`'s client), after one warm-up
round. Document pages and queries cycle through many documents and words so no one answer is
cached. ``--rounds R`` runs R rounds, the engine order alternating, so a change in the load of a
shared machine falls on both; the figures are over all rounds.

Printed: per page, p50 and p95 on each engine and the p95 ratio PostgreSQL/SQLite; then the
errors (any answer other than 200, any timeout) per engine. Exit code 1 on any error.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from ingest import DEFAULT_CORPORA, source_files  # noqa: E402
from ingest_workers import distinct_corpus  # noqa: E402
from queue_setup import REPO, fresh_database, opis, postgres  # noqa: E402
from web_load import Server, doc_ids, pct  # noqa: E402

sys.path.insert(0, str(REPO / "src"))

WORDS = ["Tacheng", "border", "Xinjiang", "Soviet*", '"Central Committee"', "refugees NOT Ili", "Moscow",
         "Kazakh", "consulate", "trade AND date:1950"]


def page_urls(ids: list[str], n: int) -> dict[str, list[str]]:
    """``n`` URLs for each main page (its kind -> URLs), cycling through documents and queries."""
    def cycle(items: list[str], fmt: str) -> list[str]:
        return [fmt.format(items[i % len(items)]) for i in range(n)]

    q = [str(httpx.URL("", params={"q": w}))[1:] for w in WORDS]  # "q=…" quoted
    step = max(1, len(ids) // n)
    return {
        "/": cycle(["", "?offset=20", "?offset=100"], "/{}"),
        "/search": cycle(q, "/search?{}"),
        "/documents/ID": cycle(ids[::step], "/documents/{}"),
        "/entities": cycle(["", "?type=place", "?type=person", "?q=Ch"], "/entities{}"),
        "/archives": cycle([""], "/archives{}"),
        "/timeline": cycle(["", "?offset=50"], "/timeline{}"),
        "/map": cycle([""], "/map{}"),
        "/claims": cycle([""], "/claims{}"),
        "/api/search": cycle(q, "/api/search?{}"),
        "/api/documents": cycle(["", "?offset=40&limit=20"], "/api/documents{}"),
    }


async def _load(base: str, pages: dict[str, list[str]], concurrency: int, timeout: float):
    work = [(kind, url) for i in range(max(map(len, pages.values())))
            for kind, urls in pages.items() if i < len(urls) for url in [urls[i]]]
    times: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, list[str]] = defaultdict(list)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency, keepalive_expiry=2.0)
    queue: asyncio.Queue = asyncio.Queue()
    for item in work:
        queue.put_nowait(item)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=timeout) as client:

        async def worker() -> None:
            while not queue.empty():
                kind, url = queue.get_nowait()
                t = time.perf_counter()
                try:
                    r = await client.get(url)
                    if r.status_code == 200:
                        times[kind].append(time.perf_counter() - t)
                    else:
                        errors[kind].append(f"{r.status_code} {url} {r.text[-200:]}")
                except httpx.HTTPError as exc:
                    errors[kind].append(f"{type(exc).__name__} {url}")

        t0 = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return times, errors, time.perf_counter() - t0


def run_load(base: str, pages: dict[str, list[str]], concurrency: int, timeout: float = 120.0):
    """Every URL of ``pages`` once, ``concurrency`` in flight: (seconds per page kind, errors per
    page kind, wall seconds)."""
    return asyncio.run(_load(base, pages, concurrency, timeout))


def build(corpus: Path, sqlite: str, pg: str, jobs: int) -> dict[str, float]:
    """Ingest ``corpus`` into both stores (one after the other); seconds each."""
    took = {}
    for engine, db in (("sqlite", sqlite), ("postgresql", pg)):
        t = time.perf_counter()
        done = opis("ingest", str(corpus), "--db", db, "--jobs", str(jobs), check=False)
        took[engine] = time.perf_counter() - t
        if done.returncode not in (0, 1):
            raise RuntimeError(f"ingest into {engine} failed: {done.stderr[-2000:]}")
        print(f"ingest {engine:10} {took[engine]:7.1f} s  (load average {os.getloadavg()[0]:.1f})", flush=True)
    return took


def corpus_dir(docs: int, dst: Path) -> Path:
    """The documents: ``docs`` distinct files from the real pages, or (0) the samples + dev pages."""
    dst.mkdir(parents=True, exist_ok=True)
    if docs:
        distinct_corpus(source_files(DEFAULT_CORPORA), dst, docs)
    else:
        for src in DEFAULT_CORPORA[:2]:
            for f in src.iterdir():
                if f.is_file() and f.suffix == ".txt":
                    shutil.copy(f, dst / f.name)
    return dst


def stores(args, server: str, tmp: Path) -> tuple[str, str]:
    """The SQLite file and the PostgreSQL URL holding the same documents (built, or kept ones)."""
    keep = Path(args.keep) if args.keep else None
    if keep and (keep / "pg.url").exists():
        print(f"reusing the stores kept in {keep}")
        sqlite, pg = str(keep / "web.db"), (keep / "pg.url").read_text().strip()
        complete(corpus_dir(args.docs, tmp / "corpus"), {"sqlite": sqlite, "postgresql": pg})
        return sqlite, pg
    where = keep or tmp
    where.mkdir(parents=True, exist_ok=True)
    sqlite, pg = str(where / "web.db"), fresh_database(server, "webeng")
    corpus = corpus_dir(args.docs, tmp / "corpus")
    took = build(corpus, sqlite, pg, args.jobs)
    print(f"ingest time PostgreSQL / SQLite: {took['postgresql'] / took['sqlite']:.2f}x")
    complete(corpus, {"sqlite": sqlite, "postgresql": pg})
    if keep:
        (keep / "pg.url").write_text(pg)
    return sqlite, pg


def complete(corpus: Path, dbs: dict[str, str]) -> None:
    """Ingest ``corpus`` again into a store that missed files (a file whose extraction failed on
    the loaded machine: a time limit, a killed process), so both hold the same documents; the
    files stored already are found unchanged."""
    for engine, db in dbs.items():
        n = len(doc_ids(db))
        if n < len(list(corpus.iterdir())):
            opis("ingest", str(corpus), "--db", db, check=False)
            print(f"ingest {engine}: {n} documents, {len(doc_ids(db))} after ingesting the missed files again")


def report(results: dict[str, dict], kinds: list[str]) -> int:
    """Print the table; the number of errors."""
    print(f"\n{'page':16} {'SQLite p50':>11} {'p95':>7} {'PG p50':>9} {'p95':>7} {'PG/SQLite p95':>14}")
    for kind in kinds:
        ms = {e: [t * 1000 for t in results[e]["times"].get(kind, [])] for e in results}
        s, p = ms["sqlite"], ms["postgresql"]
        ratio = pct(p, 95) / pct(s, 95) if s and p else float("nan")
        print(f"{kind:16} {pct(s, 50):9.0f}ms {pct(s, 95):5.0f}ms {pct(p, 50):7.0f}ms {pct(p, 95):5.0f}ms {ratio:13.2f}x")
    errors = 0
    for engine, r in results.items():
        n = sum(len(v) for v in r["errors"].values())
        errors += n
        answered = sum(len(v) for v in r["times"].values())
        print(f"{engine:10} {answered} answered, {n} errors, {r['seconds']:.1f} s of load")
        for kind, errs in r["errors"].items():
            for e in errs[:3]:
                print(f"  {kind}: {e}")
    return errors


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=2000, help="distinct documents (0: the samples and dev pages)")
    ap.add_argument("--pg", default=None, help="PostgreSQL server URL (default OPIS_TEST_PG or a throwaway one)")
    ap.add_argument("--concurrency", type=int, default=50, help="requests in flight")
    ap.add_argument("--per-page", type=int, default=100, help="requests of each page per round")
    ap.add_argument("--rounds", type=int, default=2, help="rounds, the engine order alternating")
    ap.add_argument("--workers", type=int, default=2, help="server processes (opis serve --workers)")
    ap.add_argument("--jobs", type=int, default=2, help="extraction processes of the ingest (opis ingest --jobs)")
    ap.add_argument("--keep", default=None, help="folder to keep (and reuse) the two stores in")
    args = ap.parse_args()

    with postgres(args.pg) as server, tempfile.TemporaryDirectory(prefix="opis-web-engines-") as tmp:
        sqlite, pg = stores(args, server, Path(tmp))
        dbs = {"sqlite": sqlite, "postgresql": pg}
        ids = doc_ids(sqlite)
        assert ids == doc_ids(pg), "the two stores hold different documents"
        pages = page_urls(ids, args.per_page)
        print(f"{len(ids)} documents on both; {args.concurrency} in flight, {args.per_page} requests of each of "
              f"{len(pages)} pages per round, {args.rounds} rounds, server --workers {args.workers}")
        results = {e: {"times": defaultdict(list), "errors": defaultdict(list), "seconds": 0.0} for e in dbs}
        for r in range(args.rounds):
            order = list(dbs) if r % 2 == 0 else list(dbs)[::-1]
            for engine in order:
                with Server(dbs[engine], workers=args.workers) as s:
                    run_load(s.base, {k: v[:5] for k, v in pages.items()}, args.concurrency)  # warm-up
                    times, errors, seconds = run_load(s.base, pages, args.concurrency)
                for k, v in times.items():
                    results[engine]["times"][k] += v
                for k, v in errors.items():
                    results[engine]["errors"][k] += v
                results[engine]["seconds"] += seconds
                print(f"round {r + 1} {engine:10} {seconds:6.1f} s, "
                      f"{sum(map(len, errors.values()))} errors (load average {os.getloadavg()[0]:.1f})", flush=True)
        return 1 if report(results, list(pages)) else 0


if __name__ == "__main__":
    sys.exit(main())
