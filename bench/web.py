"""Web benchmark: every page and API list over N synthetic documents, 1 and 16 connections in flight.

    .venv/bin/python bench/web.py --docs 10000            # builds /tmp/opis-web-10000.db, reused next time
    .venv/bin/python bench/web.py --docs 1000000 --db /data/opis-web-1m.db
    .venv/bin/python bench/web.py                         # the sample corpus only (in process, as before)
    .venv/bin/python bench/web.py --big 100000            # + search pages over bench/search.py's corpus

``--docs N``: the corpus is made by ``bench/synth.py`` from the real documents in the repository
(seeds, dev record pages, ``tests/data/pages*``) ingested once with the full pipeline as
templates: N records, mostly record pages and about 5% long articles, with the templates'
mentions, claims and text per document, dates spread over 1900–1991 and entities redrawn from a
Zipf distribution over a vocabulary that grows with N plus the real authority places (so a few
entities are in a large share of the documents, most in one or two). The first ``--pool``
documents are made so (in ``--jobs`` processes), the rest are copies of them under new ids; all
are loaded by ``opis.store.bulk.load`` (made documents through ``Store.write``, copies from their
source's rows, the aggregates and secondary indexes built once at the end), then the tantivy
index is built by ``--jobs`` processes, a copy's fields taken from its source's. The builder prints docs/s, the measured distributions
(mentions and claims per document, the entity frequency head) and the database size. An
existing ``--db`` holding N documents is reused (fewer: the build resumes; it also needs
``DB.synth.json``, written at the end of a build, for the probes below).

Then ``opis serve`` runs on a loopback port (uvicorn, ``--workers``) and every URL of ``URLS``
(pages and API lists; ``{doc}``, ``{place}`` … are filled from the corpus: a document in the
middle of the listing, the most frequent place, a person found in one document only, a deep
page, a year, an archive) is timed over real HTTP:

1. **1 connection**: one request at a time (after one warm-up), ``--runs`` requests or
   ``--budget`` seconds per URL;
2. **16 connections** (``--concurrency``): the same URL with 16 requests in flight (httpx,
   async), ``max(--runs, 2×16)`` requests or ``--budget`` seconds. A URL whose single-connection
   p50 times 16 exceeds ``--timeout`` is not run with 16 (its last request in flight would time
   out, and the run would take many minutes): it is reported as skipped and makes the
   16-connection maximum ``inf``. After a timed-out request the server is restarted (the
   abandoned work would otherwise slow the next URLs); every URL starts with one untimed warm-up
   request.

Per URL it prints p50/p95/max in ms and the errors (any status but 200, a transport error, a
timeout after ``--timeout`` s). Baselines measured in the same run, for comparing machines: a bare
SQLite primary-key read of ``documents``, a bare tantivy top-10 search (``Soviet``, the engine call
without opis around it) and the server's floor (a static file over HTTP). The last line:
``docs=N pages_max_p95_1conn_ms=X pages_max_p95_16conn_ms=Y errors=E`` (X, Y the worst p95 over
every page and API list).

Without ``--docs`` the old benchmark runs: requests go straight to the ASGI app in process
(httpx's ASGI transport, one event loop), over the sample corpus (and with ``--big N`` the search
pages over ``bench/search.py``'s corpus); last line ``pages_max_p95_ms=X big_search_max_p95_ms=Y``.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import importlib.util
import json
import os
import sys
import tempfile
import time
import warnings
from collections import Counter
from dataclasses import dataclass, field
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


# --- the synthetic corpus: every page and API list at N documents --------------------------------
#: what is timed; ``{name}`` is filled from :func:`probes` (add a line to time another URL)
URLS = [
    "/", "/?page={deep_page}",
    "/search?q=Soviet", '/search?q="Central Committee"', "/search?q=Khrushchev AND date:1955..1965",
    "/documents/{doc}",
    "/entities/{place}", "/entities/{person}",
    "/map",
    "/timeline", "/timeline?date_from={year}&date_to={year}", "/timeline?place={place}",
    "/archives", "/archives?archive={archive}",
    "/claims",
    "/api/documents", "/api/documents?offset={mid}", "/api/documents/{doc}",
    "/api/search?q=Soviet", '/api/search?q="Central Committee"',
    "/api/entities", "/api/entities?type=PERSON",
    "/api/entities/{place}", "/api/entities/{place}/mentions", "/api/entities/{person}/mentions",
    "/api/entities/{place}/cooccurring",
    "/api/places",
    "/api/claims", "/api/claims?about={place}", "/api/claims/compare",
    "/api/timeline", "/api/timeline?date_from={year}&date_to={year}",
    "/api/archives",
]
BARE_QUERY = "Soviet"


def _bench_module(name: str):
    if str(REPO / "bench") not in sys.path:
        sys.path.insert(0, str(REPO / "bench"))
    return importlib.import_module(name)


def _sizes_mb(path: str) -> tuple[float, float]:
    """(the database file with its WAL, the tantivy index) in MB."""
    db = sum(os.path.getsize(f) for f in (path, path + "-wal") if os.path.exists(f))
    index = sum(f.stat().st_size for f in Path(path + ".tantivy").rglob("*") if f.is_file())
    return db / 2**20, index / 2**20


def synthetic_db(n: int, db: str, articles: float, seed: int, pool: int = 0, jobs: int = 2) -> dict:
    """``db`` holding ``n`` synthetic documents and its tantivy index (built unless reused);
    returns the facts of the build (``DB.synth.json``: distributions, probes, text size)."""
    from opis.store import Store

    synth = _bench_module("synth")
    meta_path = Path(db + ".synth.json")
    have = 0
    if os.path.exists(db):
        with Store(db) as store:
            have = store.count()
        if have > n:
            raise SystemExit(f"{db} holds {have} documents, more than --docs {n}: use another --db")
    if have == n and meta_path.exists():
        meta = json.loads(meta_path.read_text())
        print(f"reusing {db}: {have} documents (built {meta.get('built', '?')})")
        for line in meta.get("lines", []):
            print("  " + line)
        return meta
    templates = synth.load_templates(synth.template_store())
    kinds = Counter(t.kind for t in templates)
    print(f"templates: {len(templates)} real documents ({kinds['record']} record pages, {kinds['article']} articles)"
          f"; building {n - have} documents into {db}" + (f" (resuming at {have})" if have else ""), flush=True)
    pool = min(n, pool or n)
    if pool < n:
        print(f"  the first {pool} documents made from the templates, the other {n - pool} copies of them", flush=True)
    report = synth.build(db, n, templates, seed=seed, articles=articles, pool=pool, jobs=jobs,
                         progress=lambda line: print(line, flush=True))
    for line in report.lines():
        print("  " + line, flush=True)
    t = time.perf_counter()
    from opis.search.tantivy_index import TantivyBackend

    copies = {synth.doc_id(seed, i): synth.doc_id(seed, i % pool) for i in range(pool, n)}
    with Store(db) as store:
        TantivyBackend(store, sync=False).rebuild(jobs=jobs, copies=copies)
    tantivy_s = time.perf_counter() - t
    print(f"  tantivy index built in {tantivy_s:.0f}s ({jobs} processes)", flush=True)
    fewest = min((c for e, c in report.entity_docs.items() if e.startswith("person")), default=1)
    persons = sorted(e for e, c in report.entity_docs.items() if c == fewest and e.startswith("person"))
    places = [e for e, _ in report.entity_docs.most_common() if e.startswith("place:")]
    archives = Counter(r.archive for t in templates for r in t.doc.archival_refs if r.archive)
    meta = {
        "docs": n, "built": time.strftime("%Y-%m-%d %H:%M"), "seed": seed, "articles": articles,
        "resumed_at": have, "pool": pool, "build_s": round(report.seconds, 1), "docs_per_s": round(report.docs_per_s, 1),
        "tantivy_s": round(tantivy_s, 1), "text_chars_per_doc": report.text_chars / max(report.written, 1),
        "lines": report.lines(),
        "probes": {"place": places[0] if places else "place:china",
                   "person": persons[len(persons) // 2] if persons else None,
                   "archive": archives.most_common(1)[0][0] if archives else "GARF"},
    }
    meta_path.write_text(json.dumps(meta, indent=1))
    return meta


def probes(db: str, n: int, meta: dict) -> dict[str, str]:
    """The values the URLs of ``URLS`` are filled with."""
    from opis import Archive

    with Archive(db, readonly=True) as archive:
        mid = archive.list(1, n // 2).documents[0]["id"]
        # the place in the most documents and a person in the fewest, read from the archive
        # (the same choice whatever the build reported)
        place = next((e["id"] for e in archive.entities("PLACE", limit=1)), None)
        person = next((e["id"] for e in archive.entity_index("PERSON", sort="documents", limit=1,
                                                                offset=max(0, archive.entity_type_counts()["PERSON"] - 1))),
                      None)
    p = dict(meta.get("probes") or {})
    p.update({k: v for k, v in (("place", place), ("person", person)) if v})
    # (the deepest offsets the pages and the API accept: a page costs its depth up to there)
    from opis.web.views.home import MAX_PAGE, PAGE

    return {"doc": mid, "mid": str(min(100_000, n // 2)), "deep_page": str(max(1, min(MAX_PAGE, n // PAGE // 2))),
            "year": "1950",
            "place": p.get("place") or "place:china", "person": p.get("person") or "person:nikita-khrushchev",
            "archive": p.get("archive") or "GARF"}


@dataclass
class Timing:
    """The answers to one URL in one mode."""

    url: str
    ms: list[float] = field(default_factory=list)
    errors: int = 0
    first_error: str = ""
    skipped: str = ""
    abandoned: int = 0  # requests given up (timeouts, transport errors): the server may still work on them

    def p95(self) -> float:
        return pct(self.ms, 95) if self.ms else float("inf")

    def line(self) -> str:
        if self.skipped:
            return f"  {'skipped':>33}  {self.url}  ({self.skipped})"
        if not self.ms:
            return f"  {'no answer':>33}  errors={self.errors} {self.url}  {self.first_error}"
        err = f" errors={self.errors} ({self.first_error})" if self.errors else ""
        return (f"  p50={pct(self.ms, 50):8.1f} p95={self.p95():8.1f} max={max(self.ms):8.1f}  n={len(self.ms):<3} "
                f"{self.url}{err}")


def restart(server) -> float:
    """Stop the server at once (the work of abandoned, timed-out requests dies with it) and start
    it again on the same port; returns the seconds it took."""
    t = time.perf_counter()
    server.proc.kill()
    server.proc.wait()
    server.__enter__()
    return time.perf_counter() - t


def _record(t: Timing, status, detail: str) -> None:
    t.errors += 1
    if not t.first_error:
        t.first_error = f"{status} {detail}"[:160]


def time_one_connection(base: str, url: str, runs: int, budget: float, timeout: float) -> Timing:
    """``url`` requested one at a time: a warm-up, then ``runs`` requests or ``budget`` seconds."""
    t = Timing(url)
    with httpx.Client(base_url=base, timeout=timeout) as client:
        start = time.perf_counter()
        for k in range(runs + 1):
            t0 = time.perf_counter()
            try:
                r = client.get(url)
                if r.status_code != 200:
                    _record(t, r.status_code, r.text[-120:])
            except httpx.HTTPError as exc:
                _record(t, type(exc).__name__, str(exc))
                t.abandoned += 1
                break  # a timeout: do not wait for it again
            ms = (time.perf_counter() - t0) * 1000
            if k or ms > budget * 500:  # the warm-up is kept only when it is all there will be
                t.ms.append(ms)
            if time.perf_counter() - start > budget:
                break
    return t


async def _concurrent(base: str, url: str, total: int, concurrency: int, budget: float, timeout: float) -> Timing:
    t = Timing(url)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency, keepalive_expiry=2.0)
    left = [total]
    start = time.perf_counter()
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=timeout) as client:

        async def worker() -> None:
            while left[0] > 0 and time.perf_counter() - start < budget:
                left[0] -= 1
                t0 = time.perf_counter()
                try:
                    r = await client.get(url)
                    if r.status_code != 200:
                        _record(t, r.status_code, r.text[-120:])
                    t.ms.append((time.perf_counter() - t0) * 1000)
                except httpx.HTTPError as exc:
                    _record(t, type(exc).__name__, str(exc))
                    t.abandoned += 1

        try:
            await client.get(url)  # warm-up, untimed
        except httpx.HTTPError as exc:
            _record(t, type(exc).__name__, str(exc))
            t.abandoned += 1
            return t
        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return t


def baselines(db: str, base: str) -> dict[str, float]:
    """Bare engine times (p50 ms) measured now: SQLite primary-key read, tantivy top-10, HTTP floor."""
    import sqlite3

    from opis.search import get_backend, prepare
    from opis.store import Store

    out = {}
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    ids = [r[0] for r in conn.execute("SELECT id FROM documents LIMIT 200 OFFSET ?", (conn.execute(
        "SELECT count(*) FROM documents").fetchone()[0] // 2,))]
    times = []
    for _ in range(5):
        for i in ids:
            t = time.perf_counter()
            conn.execute("SELECT * FROM documents WHERE id = ?", (i,)).fetchone()
            times.append((time.perf_counter() - t) * 1000)
    conn.close()
    out["sqlite_pk_read"] = pct(times, 50)
    with Store(db, readonly=True) as store:
        engine = get_backend(store, "tantivy")
        plan = prepare(store, BARE_QUERY)
        engine.bare(plan, 10)
        times = []
        for _ in range(50):
            t = time.perf_counter()
            engine.bare(plan, 10)
            times.append((time.perf_counter() - t) * 1000)
    out["tantivy_top10"] = pct(times, 50)
    floor = time_one_connection(base, "/static/opis.css", 50, 10, 30)
    out["http_static"] = pct(floor.ms, 50) if floor.ms else float("nan")
    return out


def run_synthetic(args) -> None:
    import signal

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # (the server is stopped on the way out)
    web_load = _bench_module("web_load")
    n = args.docs
    db = args.db or f"/tmp/opis-web-{n}.db"
    meta = synthetic_db(n, db, args.articles, args.seed, args.pool, args.jobs)
    text_mb = meta.get("text_chars_per_doc", 0) * n / 2**20
    size, tsize = _sizes_mb(db)
    print(f"database {db}: {size:.0f} MB ({size * 2**20 / n / 1024:.1f} KB/document"
          + (f", {size / text_mb:.1f}x the text" if text_mb else "") + f"), tantivy index {tsize:.0f} MB",
          flush=True)
    if args.build_only:
        return
    values = probes(db, n, meta)
    urls = [str(httpx.URL(u.format(**values))) for u in URLS
            if not args.only or any(part in u for part in args.only.split(","))]
    print("probes: " + ", ".join(f"{k}={v}" for k, v in values.items()), flush=True)
    if args.asgi:  # in process, no HTTP: the server's own time per page, one request at a time
        client = AsgiClient(create_app(db))
        print(f"in process (ASGI, {args.runs} requests each, one at a time):", flush=True)
        worst = report(client, urls, args.runs)
        print(f"docs={n} asgi_max_p95_ms={worst:.1f}")
        return
    one: dict[str, Timing] = {}
    many: dict[str, Timing] = {}
    with web_load.Server(db, workers=args.workers) as server:
        print(f"server: {server.base} (opis serve, {args.workers} worker(s)); timing {len(urls)} URLs", flush=True)
        base = baselines(db, server.base)
        print("\n1 connection (one request at a time):", flush=True)
        for url in urls:
            one[url] = time_one_connection(server.base, url, args.runs, args.budget, args.timeout)
            print(one[url].line(), flush=True)
            if one[url].abandoned:
                print(f"  (server restarted in {restart(server):.0f}s: a request was abandoned)", flush=True)
        print(f"\n{args.concurrency} connections in flight (the same URL):", flush=True)
        for url in urls:
            p50 = pct(one[url].ms, 50) / 1000 if one[url].ms else float("inf")
            if p50 * args.concurrency > args.timeout:
                # the last of the requests in flight would wait longer than the timeout
                many[url] = Timing(url, skipped=f"1-connection p50 {p50:.1f}s x {args.concurrency} > --timeout {args.timeout:.0f}s")
            else:
                total = max(args.runs, 2 * args.concurrency)
                many[url] = asyncio.run(_concurrent(server.base, url, total, args.concurrency, args.budget, args.timeout))
                if many[url].abandoned:
                    print(f"  (server restarted in {restart(server):.0f}s: requests were abandoned)", flush=True)
            print(many[url].line(), flush=True)
    worst1 = max(t.p95() for t in one.values())
    worst16 = max(t.p95() for t in many.values())
    errors = sum(t.errors for t in (*one.values(), *many.values()))
    slowest1 = max(one.values(), key=Timing.p95)
    slowest16 = max(many.values(), key=Timing.p95)
    print(f"\nbaselines (p50, this run): bare SQLite primary-key read {base['sqlite_pk_read']:.3f} ms, bare tantivy "
          f"top-10 '{BARE_QUERY}' {base['tantivy_top10']:.2f} ms, static file over HTTP {base['http_static']:.2f} ms")
    print(f"slowest, 1 connection: {slowest1.url} p95 {worst1:.0f} ms = {worst1 / base['tantivy_top10']:.0f}x the bare "
          f"tantivy search, {worst1 / base['http_static']:.0f}x the HTTP floor")
    print(f"slowest, {args.concurrency} connections: {slowest16.url} p95 {worst16:.0f} ms")
    skipped = sum(1 for t in many.values() if t.skipped)
    if skipped:
        print(f"{skipped} URL(s) not run with {args.concurrency} connections (too slow with one)")
    print(f"docs={n} pages_max_p95_1conn_ms={worst1:.1f} pages_max_p95_16conn_ms={worst16:.1f} errors={errors}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", default=None, help="sample database (default: ingest examples/corpus into a temp file);"
                    " with --docs: the synthetic database (default: /tmp/opis-web-N.db)")
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--big", type=int, default=0, help="also time search pages over N documents (e.g. 100000)")
    ap.add_argument("--big-db", default=None, help="database for --big (default: /tmp/opis-bench-N.db, as bench/search.py)")
    ap.add_argument("--docs", type=int, default=0,
                    help="time every page and API list over N synthetic documents (with --db: that database)")
    ap.add_argument("--budget", type=float, default=20.0, help="--docs: seconds per URL and mode at most")
    ap.add_argument("--timeout", type=float, default=60.0, help="--docs: seconds before a request counts as failed")
    ap.add_argument("--concurrency", type=int, default=16, help="--docs: requests in flight in the second mode")
    ap.add_argument("--workers", type=int, default=1, help="--docs: server processes (opis serve --workers)")
    ap.add_argument("--articles", type=float, default=0.05, help="--docs: share of long articles among the documents")
    ap.add_argument("--seed", type=int, default=1, help="--docs: seed of the synthetic corpus")
    ap.add_argument("--pool", type=int, default=20000, help="--docs: documents made from the templates; the"
                    " others are copies of them under new ids (bench/synth.py; 0: all made)")
    ap.add_argument("--jobs", type=int, default=2, help="--docs: processes making documents and the search index")
    ap.add_argument("--only", default="", help="--docs: time only the URLs (of URLS) containing one of these, comma-separated")
    ap.add_argument("--build-only", action="store_true", help="--docs: build (or check) the database, time nothing")
    ap.add_argument("--asgi", action="store_true", help="--docs: time the pages in process (the ASGI app, no HTTP,"
                    " one connection) instead of over HTTP")
    args = ap.parse_args()
    if args.docs:
        run_synthetic(args)
        return

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
