"""Web benchmark: server time per page on the sample corpus, and the search page at scale.

    .venv/bin/python bench/web.py                       # sample corpus only
    .venv/bin/python bench/web.py --big 100000           # + search pages over 100k documents

Requests go straight to the ASGI app in process (httpx's ASGI transport, one event loop; sync
endpoints run in the thread pool as under a server), so the figures are the server's time:
routing, middleware, library calls, SQLite/tantivy, template rendering — not the network.
FastAPI's test client is not used for timing: it starts a thread for every request, which
added about 15 ms to each.
For each page it prints p50/p95/max in ms over ``--runs`` requests (after one warm-up). The
large corpus is the search benchmark's (``bench/search.py``: real seed sentences recombined
into N records, written with ``opis.search.bulk_load``, tantivy index built from them); an
existing ``--big-db`` is reused. The last line: ``pages_max_p95_ms=X big_search_max_p95_ms=Y``.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import os
import sys
import tempfile
import time
import warnings
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
warnings.simplefilter("ignore")

import httpx  # noqa: E402

from opis.web import create_app  # noqa: E402

BIG_QUERIES = ["exodus", '"border guards"', "Tacheng", "archive:RGASPI date:1945..1950", "Soviet", "Chuguchak NOT Ili"]


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


class AsgiClient:
    """GET requests to an ASGI app in one event loop (no thread per request)."""

    def __init__(self, app):
        self.loop = asyncio.new_event_loop()
        self.client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://opis.bench")

    def get(self, url: str, **kw) -> httpx.Response:
        return self.loop.run_until_complete(self.client.get(url, **kw))


def measure(client: AsgiClient, url: str, runs: int) -> tuple[int, list[float]]:
    status = client.get(url).status_code  # warm-up
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - t) * 1000)
    return status, times


def report(client: AsgiClient, urls: list[str], runs: int) -> float:
    worst = 0.0
    for url in urls:
        status, times = measure(client, url, runs)
        p95 = pct(times, 95)
        worst = max(worst, p95)
        print(f"  {status} p50={pct(times, 50):7.1f}ms p95={p95:7.1f}ms max={max(times):7.1f}ms  {url}")
    return worst


def sample_db(path: str | None) -> str:
    from opis.ingest import ingest_paths
    from opis.store import Store

    db = path or os.path.join(tempfile.mkdtemp(prefix="opis-web-bench-"), "sample.db")
    corpus = REPO / "examples" / "corpus"
    with Store(db) as store:
        if store.count() == 0:
            t = time.perf_counter()
            results = list(ingest_paths(store, [corpus]))
            print(f"ingested {len(results)} files from {corpus} in {time.perf_counter() - t:.1f}s")
    return db


def sample_urls(client: AsgiClient) -> list[str]:
    docs = client.get("/api/documents", params={"limit": 100}).json()["documents"]
    urls = ["/", "/search?q=Tacheng", "/search?q=Xinjiang+date:1945", "/archives", "/timeline", "/map", "/claims"]
    urls += [f"/documents/{d['id']}" for d in docs]
    tree = client.get("/api/archives")
    if tree.status_code == 200 and tree.json():
        first = tree.json()[0].get("archive")
        if first:
            urls.append(f"/archives?archive={first}")
    for eid in ("place:tacheng", "person:lavrentiy-beria"):
        if client.get(f"/api/entities/{eid}").status_code == 200:
            urls.append(f"/entities/{eid}")
    urls += ["/api/documents", "/api/search?q=Tacheng", "/api/timeline"]
    return urls


def big_db(n: int, path: str) -> str:
    if os.path.exists(path):
        print(f"reusing {path}")
        return path
    spec = importlib.util.spec_from_file_location("bench_search", REPO / "bench" / "search.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    t = time.perf_counter()
    secs, _ = mod.in_child(mod._load, path, n)
    secs2, _, _ = mod.in_child(mod._tantivy, path)
    print(f"built {n} records in {secs:.0f}s + tantivy {secs2:.0f}s ({time.perf_counter() - t:.0f}s) -> {path}")
    return path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", default=None, help="sample database (default: ingest examples/corpus into a temp file)")
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--big", type=int, default=0, help="also time search pages over N documents (e.g. 100000)")
    ap.add_argument("--big-db", default=None, help="database for --big (default: /tmp/opis-bench-N.db, as bench/search.py)")
    args = ap.parse_args()

    client = AsgiClient(create_app(sample_db(args.db)))
    print(f"sample corpus: server time per page ({args.runs} requests each)")
    worst = report(client, sample_urls(client), args.runs)
    big_worst = float("nan")
    if args.big:
        db = big_db(args.big, args.big_db or f"/tmp/opis-bench-{args.big}.db")
        big = AsgiClient(create_app(db))
        print(f"{args.big} documents: search page server time ({args.runs} requests each)")
        urls = [f"/search?q={q}" for q in BIG_QUERIES] + [f"/search?q={BIG_QUERIES[4]}&page=50", "/", "/?page=1000"]
        big_worst = report(big, urls, args.runs)
    print(f"pages_max_p95_ms={worst:.1f} big_search_max_p95_ms={big_worst:.1f}")


if __name__ == "__main__":
    main()
