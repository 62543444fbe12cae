"""Load benchmark: the real server under many concurrent clients, while an ingest writes.

    .venv/bin/python bench/web_load.py                          # 1,000 requests, 200 in flight
    .venv/bin/python bench/web_load.py --requests 2000 --concurrency 200 --workers 2

Builds a database from the sample corpus (``examples/corpus``), starts ``opis serve`` on a free
loopback port (uvicorn, ``--workers N`` processes), and sends a bounded load of mixed requests
(pages: ``/``, ``/search?q=…``, ``/documents/ID``, ``/map``, ``/timeline``, ``/archives``,
``/claims``; API: ``/api/documents``, ``/api/search``, ``/api/documents/ID``, ``/api/timeline``,
``/api/places``, ``/api/archives``) with ``--concurrency`` requests in flight (httpx, async).

Two runs in the same process, on the same server:

1. **baseline**: the load alone;
2. **ingest**: the same load while a separate ``opis ingest`` process writes the dev pages
   (``tests/data/dev/corpus``) into the same database. The load starts once the ingest has
   stored its first document, so the two overlap (the figures say how many requests were
   answered while the ingest was still running).

For each run it prints the counts by status, errors (any answer other than 200, and any
transport error or timeout), p50/p95/max latency, and for the ingest run the ratio of its
p50/p95 to the baseline's. The last line: ``errors=E baseline_p95_ms=X ingest_p95_ms=Y ratio=R``.
The exit code is 1 if any request failed.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "examples" / "corpus"
DEV = REPO / "tests" / "data" / "dev" / "corpus"
QUERIES = ["Tacheng", "Xinjiang AND date:1945", "border", "Soviet*", '"Central Committee"', "refugees NOT Ili"]
CLI = "import sys; from opis.cli import main; sys.argv[0] = 'opis'; main()"


def env() -> dict[str, str]:
    """The environment of the server and ingest processes: this checkout's source first."""
    out = dict(os.environ)
    out["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO / "src"), out.get("PYTHONPATH")) if p)
    return out


def opis(*args: str, **kw) -> subprocess.Popen:
    """``opis ARGS`` in a child process (this interpreter, this checkout's source)."""
    return subprocess.Popen([sys.executable, "-c", CLI, *args], env=env(), **kw)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


@dataclass
class LoadResult:
    statuses: Counter = field(default_factory=Counter)  # status code, or the transport error's name
    latencies: list[float] = field(default_factory=list)  # seconds, of every answered request
    failures: list[str] = field(default_factory=list)  # "status url body" of the first failures
    seconds: float = 0.0

    @property
    def errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status != 200)

    def line(self, name: str) -> str:
        ms = [t * 1000 for t in self.latencies]
        by = " ".join(f"{k}:{v}" for k, v in sorted(self.statuses.items(), key=lambda kv: str(kv[0])))
        return (f"{name:9} requests={sum(self.statuses.values())} errors={self.errors} [{by}] "
                f"p50={pct(ms, 50):.0f}ms p95={pct(ms, 95):.0f}ms max={max(ms, default=0):.0f}ms "
                f"in {self.seconds:.1f}s ({sum(self.statuses.values()) / max(self.seconds, 1e-9):.0f} req/s)")


def mixed_urls(doc_ids: list[str]) -> list[str]:
    """One round of the mixed load: every page and API call, every query and document."""
    urls = ["/", "/map", "/timeline", "/archives", "/claims", "/api/documents", "/api/timeline", "/api/places",
            "/api/archives", "/api/documents?limit=5&offset=2"]
    for q in QUERIES:
        urls += [str(httpx.URL("/search", params={"q": q})), str(httpx.URL("/api/search", params={"q": q}))]
    for i in doc_ids:
        urls += [f"/documents/{i}", f"/api/documents/{i}", f"/api/documents/{i}/text"]
    return urls


async def _load(base: str, urls: list[str], total: int, concurrency: int, timeout: float) -> LoadResult:
    result = LoadResult()
    # idle connections are closed by the client before the server's keep-alive timeout (5 s in
    # uvicorn) could close them under a request being sent (a reset, not a server failure)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency, keepalive_expiry=2.0)
    queue: asyncio.Queue[str] = asyncio.Queue()
    for n in range(total):
        queue.put_nowait(urls[n % len(urls)])
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=timeout) as client:

        async def worker() -> None:
            while not queue.empty():
                url = queue.get_nowait()
                t = time.perf_counter()
                try:
                    r = await client.get(url)
                    status: int | str = r.status_code
                    detail = (r.json().get("detail") if "json" in r.headers.get("content-type", "") else r.text[-300:]) if status != 200 else ""
                    result.latencies.append(time.perf_counter() - t)
                except httpx.HTTPError as exc:
                    status, detail = type(exc).__name__, str(exc)[:200]
                result.statuses[status] += 1
                if status != 200 and len(result.failures) < 20:
                    result.failures.append(f"{status} {url} {detail}")

        t0 = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        result.seconds = time.perf_counter() - t0
    return result


def run_load(base: str, urls: list[str], total: int, concurrency: int, timeout: float = 120.0) -> LoadResult:
    """``total`` GET requests cycling through ``urls``, ``concurrency`` in flight at a time."""
    return asyncio.run(_load(base, urls, total, concurrency, timeout))


class Server:
    """``opis serve`` on a free loopback port, for the length of a ``with`` block."""

    def __init__(self, db: str, workers: int = 1, extra: tuple[str, ...] = ()):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.args = ("serve", "--db", db, "--host", "127.0.0.1", "--port", str(self.port),
                     "--workers", str(workers), *extra)
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        self.proc = opis(*self.args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"opis serve exited: {self.proc.stderr.read().decode()[-2000:]}")
            try:
                if httpx.get(self.base + "/api/documents?limit=1", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        self.__exit__()
        raise RuntimeError("opis serve did not answer within 120 s")

    def __exit__(self, *exc: object) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def count(db: str) -> int:
    """Documents stored in ``db`` (a SQLite file or a PostgreSQL URL)."""
    from opis.store import Store

    with Store(db, verify=False, readonly=True) as store:
        return store.count()


def doc_ids(db: str) -> list[str]:
    """The ids of the documents stored in ``db``, sorted."""
    from opis.store import Store

    with Store(db, verify=False, readonly=True) as store:
        return sorted(store.ids())


def build_db(db: str, corpus: Path) -> None:
    proc = opis("ingest", str(corpus), "--db", db, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, err = proc.communicate()
    if proc.returncode not in (0, 1) or not count(db):
        raise RuntimeError(f"ingest of {corpus} failed: {err.decode()[-2000:]}")


def start_ingest(db: str, corpus: Path) -> subprocess.Popen:
    """``opis ingest CORPUS`` into ``db`` in another process; returns once it has stored a document."""
    before = count(db)
    proc = opis("ingest", str(corpus), "--db", db, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while count(db) == before and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    return proc


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--requests", type=int, default=1000)
    ap.add_argument("--concurrency", type=int, default=200)
    ap.add_argument("--workers", type=int, default=1, help="server processes (opis serve --workers)")
    ap.add_argument("--corpus", type=Path, default=CORPUS, help="the database's documents")
    ap.add_argument("--ingest", type=Path, default=DEV, help="what the concurrent ingest writes")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="opis-web-load-") as tmp:
        db = str(Path(tmp) / "load.db")
        t = time.perf_counter()
        build_db(db, args.corpus)
        ids = doc_ids(db)
        print(f"database: {len(ids)} documents from {args.corpus} ({time.perf_counter() - t:.1f}s)")
        urls = mixed_urls(ids)
        with Server(db, workers=args.workers) as server:
            print(f"server: {server.base} workers={args.workers}; load: {args.requests} requests, "
                  f"{args.concurrency} in flight, {len(urls)} distinct URLs")
            run_load(server.base, urls, min(len(urls), args.requests), args.concurrency)  # warm-up
            base = run_load(server.base, urls, args.requests, args.concurrency)
            print(base.line("baseline"))
            t = time.perf_counter()
            ingest = start_ingest(db, args.ingest)
            started = count(db)
            under = run_load(server.base, urls, args.requests, args.concurrency)
            running = ingest.poll() is None
            overlap = f"{under.seconds:.1f}s of it with the ingest running" if running else \
                f"ingest ended {time.perf_counter() - t:.1f}s after it started"
            ingest.wait()
            print(under.line("ingest"))
            print(f"ingest: {started} documents when the load began, {count(db)} after; {overlap}; "
                  f"exit code {ingest.returncode}")
        for failure in (base.failures + under.failures)[:20]:
            print("  failed:", failure)
        b95 = pct([x * 1000 for x in base.latencies], 95)
        u95 = pct([x * 1000 for x in under.latencies], 95)
        b50 = pct([x * 1000 for x in base.latencies], 50)
        u50 = pct([x * 1000 for x in under.latencies], 50)
        errors = base.errors + under.errors
        print(f"ratio under ingest / baseline: p50 {u50 / b50:.2f}x, p95 {u95 / b95:.2f}x")
        print(f"errors={errors} baseline_p95_ms={b95:.0f} ingest_p95_ms={u95:.0f} ratio={u95 / b95:.2f}")
        return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
