"""What collections cost: the main pages for an admin and for a reader who may not see some.

    .venv/bin/python bench/collections_cost.py --docs 10000     # reuses /tmp/opis-web-10000.db (bench/web.py builds it)
    .venv/bin/python bench/collections_cost.py --db /tmp/x.db --docs 10000 --runs 10

The synthetic archive of ``bench/web.py --docs N`` is copied (with its tantivy index) to a
scratch file, given an admin (``ada``) and a reader account, and every URL of ``bench/web.py``'s
``URLS`` is timed in process (httpx's ASGI transport, one request at a time, after one warm-up)
four ways:

1. **open, admin** — no restricted collection (the baseline: today's queries);
2. **open, reader** — no restricted collection, an anonymous reader on an archive with accounts;
3. **half, admin** — half the documents (every other id, but not the probe document nor the
   probe person's) in a restricted collection the reader is not granted;
4. **half, reader** — the same archive for the anonymous reader: every query through the shadow
   views, search filtered in tantivy.

Per URL it prints the p50 of each way (ms) and the ratios to the baseline; the last lines give the
worst and the median ratio of each way. The admin's and the open reader's ratios say what a
reader who sees everything pays (nothing, by design); the half reader's what filtering costs.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "bench"))

import web  # noqa: E402  (bench/web.py: its URLs, probes and in-process client)

from opis import Archive  # noqa: E402
from opis.web import create_app  # noqa: E402

PASSWORD = "bench-admin-password"
WAYS = ("open/admin", "open/reader", "half/admin", "half/reader")


def scratch_copy(src: str, dst: str) -> str:
    """A copy of the database ``src`` and its tantivy index at ``dst`` (replaced)."""
    for suffix in ("", "-wal", "-shm"):
        Path(dst + suffix).unlink(missing_ok=True)
    shutil.rmtree(dst + ".tantivy", ignore_errors=True)
    with Archive(src, readonly=True) as a:
        a.backup(dst)
    shutil.copytree(src + ".tantivy", dst + ".tantivy")
    return dst


def time_url(client: web.AsgiClient, url: str, runs: int, budget: float, cookies: dict) -> tuple[int, float]:
    """(status, p50 ms) of ``url`` over ``runs`` requests or ``budget`` seconds."""
    status = client.get(url, cookies=cookies).status_code
    times: list[float] = []
    start = time.perf_counter()
    while len(times) < runs and (time.perf_counter() - start < budget or len(times) < 3):
        t = time.perf_counter()
        client.get(url, cookies=cookies)
        times.append((time.perf_counter() - t) * 1000)
    return status, statistics.median(times)


def restrict_half(db: str, keep: set[str]) -> int:
    """Put every other document (by id; not those of ``keep``) in a restricted collection."""
    with Archive(db) as a:
        ids = [d for i, d in enumerate(a.store.ids()) if i % 2 == 0 and d not in keep]
        a.add_collection("half", visibility="restricted")
        n = 0
        for i in range(0, len(ids), 1000):
            n += a.assign(ids[i:i + 1000], ["half"])
        t = time.perf_counter()
        a.warm_search()  # the index replays the journal: the documents get their new keys
        print(f"restricted {n} documents; the index caught up in {time.perf_counter() - t:.1f}s", flush=True)
    return n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=10000)
    ap.add_argument("--db", default=None, help="the synthetic database (default /tmp/opis-web-N.db, built if missing)")
    ap.add_argument("--scratch", default="/tmp/opis-bench-collections.db")
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--budget", type=float, default=10.0, help="seconds per URL and way at most")
    ap.add_argument("--only", default="", help="only the URLs containing one of these, comma-separated")
    args = ap.parse_args()
    src = args.db or f"/tmp/opis-web-{args.docs}.db"
    meta = web.synthetic_db(args.docs, src, 0.05, 1)
    db = scratch_copy(src, args.scratch)
    values = web.probes(db, args.docs, meta)
    urls = [u.format(**values) for u in web.URLS if not args.only or any(p in u for p in args.only.split(","))]
    with Archive(db) as a:
        a.add_user("ada", "admin", PASSWORD)
        a.add_user("rex", "reader", PASSWORD)
        keep = {values["doc"]} | {d["doc_id"] for d in a.entity_documents(values["person"], 100)}
        a.warm_search()
    results: dict[str, dict[str, tuple[int, float]]] = {u: {} for u in urls}
    for phase in ("open", "half"):
        if phase == "half":
            restrict_half(db, keep)
        app = create_app(db)
        client = web.AsgiClient(app)
        with Archive(db) as a:
            admin = {"opis_session": a.login("ada", PASSWORD).token}
        for who, cookies in (("admin", admin), ("reader", {})):
            way = f"{phase}/{who}"
            print(f"\n{way}:", flush=True)
            for url in urls:
                results[url][way] = time_url(client, url, args.runs, args.budget, cookies)
                status, p50 = results[url][way]
                print(f"  {status} p50={p50:8.1f}ms  {url}", flush=True)
        app.state.pool.close()
    print(f"\n{'URL':<52} " + " ".join(f"{w:>12}" for w in WAYS) + "   ratios to open/admin")
    ratios: dict[str, list[float]] = {w: [] for w in WAYS[1:]}
    for url in urls:
        base = results[url]["open/admin"][1]
        row = [results[url][w][1] for w in WAYS]
        for w, v in zip(WAYS[1:], row[1:], strict=True):
            ratios[w].append(v / base if base else 1.0)
        print(f"{url[:52]:<52} " + " ".join(f"{v:12.1f}" for v in row) + "   "
              + " ".join(f"{v / base if base else 1:5.2f}" for v in row[1:]))
    for w in WAYS[1:]:
        print(f"{w}: median ratio {statistics.median(ratios[w]):.2f}, worst {max(ratios[w]):.2f}")
    worst = max(urls, key=lambda u: results[u]["half/reader"][1])
    print(f"docs={args.docs} half_reader_worst_p50_ms={results[worst]['half/reader'][1]:.1f} ({worst})"
          f" half_reader_median_ratio={statistics.median(ratios['half/reader']):.2f}"
          f" open_reader_median_ratio={statistics.median(ratios['open/reader']):.2f}")


if __name__ == "__main__":
    main()
