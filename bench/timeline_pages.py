"""Time the timeline, archives and home pages (and their API lists) on a synthetic archive.

    python bench/timeline_pages.py build /tmp/pages.db --docs 3000   # copies of the seed records
    python bench/timeline_pages.py time /tmp/pages.db                # p50/p95 and size per URL

``build`` ingests ``examples/corpus`` into a scratch database, then writes ``--docs`` copies of
its records with new ids, paths and checksums, their dates (and their claims' and events')
moved by 0..59 years, through ``Store.write`` inside ``Store.batch()``. ``time`` asks every URL
``--runs`` times over one connection (FastAPI's test client) and prints p50, p95 and the size of
the answer; run it with another ``PYTHONPATH`` on a copy of the same file to compare versions.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
URLS = [
    "/", "/?page=40", "/timeline", "/timeline?date_from=1950&date_to=1950", "/timeline?place=place:tacheng",
    "/timeline?person=Stalin", "/archives", "/api/documents", "/api/documents?offset=2000", "/api/timeline",
    "/api/timeline?place=Tacheng&limit=100", "/api/archives", "/api/suggest?q=ta&type=PLACE",
]


def _shift(date: dict | None, years: int) -> None:
    for key in ("earliest", "latest"):
        value = (date or {}).get(key)
        if value and value[:4].isdigit():
            date[key] = f"{int(value[:4]) + years:04d}{value[4:]}"


def build(path: str, docs: int) -> None:
    """A database of ``docs`` copies of the seed records (dates moved by up to 59 years)."""
    from opis import Archive
    from opis.model import Document

    with tempfile.TemporaryDirectory() as tmp, Archive(Path(tmp) / "seed.db") as seed:
        list(seed.ingest([ROOT / "examples/corpus"]))
        records = [seed.record(d["id"]) for d in seed.list(100).documents]
    with Archive(path) as archive:
        store = archive.store
        with store.batch():
            for n in range(docs):
                rec = copy.deepcopy(records[n % len(records)])
                shift = n % 60
                rec["id"] = hashlib.sha256(f"copy-{n}".encode()).hexdigest()[:16]
                rec["provenance"]["path"] = f"copies/{n}.txt"
                rec["provenance"]["sha256"] = hashlib.sha256(rec["id"].encode()).hexdigest()
                rec.pop("record_id", None)
                _shift(rec.get("date"), shift)
                for item in rec.get("claims", []) + rec.get("events", []):
                    _shift(item.get("date"), shift)
                store.write(Document.from_dict(rec))
        print(f"{archive.count()} documents in {path}")


def timed(path: str, runs: int) -> None:
    """p50/p95 (ms) and size of each URL, one connection."""
    from fastapi.testclient import TestClient

    from opis.web import create_app

    with TestClient(create_app(path)) as client:
        print(f"{'url':50} {'p50 ms':>8} {'p95 ms':>8} {'bytes':>10}")
        for url in URLS:
            times, size = [], 0
            for _ in range(runs):
                t = time.perf_counter()
                r = client.get(url)
                times.append((time.perf_counter() - t) * 1000)
                size = len(r.content)
                if r.status_code != 200:
                    size = -r.status_code
            times.sort()
            p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
            print(f"{url:50} {statistics.median(times):8.1f} {p95:8.1f} {size:10d}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("what", choices=["build", "time"])
    parser.add_argument("db")
    parser.add_argument("--docs", type=int, default=3000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args(argv)
    if args.what == "build":
        build(args.db, args.docs)
    else:
        timed(args.db, args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
