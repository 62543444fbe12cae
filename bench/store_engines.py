"""Benchmark: the same archive on SQLite and on PostgreSQL, ratios measured in one run.

    nice -n 10 .venv/bin/python bench/store_engines.py [--pg URL] [--reads 200]

1. **Ingest** of the seeds (``examples/corpus``), the dev pages (``tests/data/dev/corpus``) and the
   real record pages (``tests/data/pages*``) through :meth:`opis.Archive.ingest`, the whole pipeline,
   into a fresh SQLite file and a fresh PostgreSQL database (target: PostgreSQL / SQLite <= 1.3).
2. **Store writes alone**: the same records written again through ``Store.write`` (every derived
   row, the change journal, the kept counts) into a fresh database of each engine: what the store
   itself costs, without the pipeline that dominates ingest.
3. **Reads**: p50 and p95 of ``Archive.get`` (a document), ``Archive.list`` (a page of 50),
   ``Archive.entity`` (the entity page's data) and ``Archive.search`` over the ingested archive.

Without ``--pg`` a throwaway PostgreSQL cluster is started (``scripts/pg-throwaway``) and stopped.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
CORPORA = [REPO / "examples" / "corpus", REPO / "tests" / "data" / "dev" / "corpus",
           *sorted(p for p in (REPO / "tests" / "data").glob("pages*") if not p.name.endswith("_gold"))]


def new_database(server: str) -> str:
    """A new empty database on the server; its URL."""
    import psycopg

    name = "bench_" + uuid.uuid4().hex[:8]
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{server.rpartition('/')[0]}/{name}"


def ingest(db: str, index: Path) -> tuple[float, int]:
    """Seconds to ingest the corpora into ``db``, and the files stored."""
    from opis.archive import Archive

    t = time.perf_counter()
    with Archive(db) as archive:
        archive.store.index_path = index
        results = list(archive.ingest(CORPORA))
    bad = [r for r in results if r.status == "error"]
    if bad:
        print(f"  ({len(bad)} files not stored, e.g. {bad[0].path}: {bad[0].error})")
    return time.perf_counter() - t, sum(r.status in ("added", "updated") for r in results)


def rewrite(source: str, db: str, index: Path) -> float:
    """Seconds to write every record of ``source`` again through Store.write into ``db``."""
    from opis.model import Document
    from opis.store import Store

    with Store(source, index=index) as src:
        docs = [Document.from_dict(r) for r in src.iter_records()]
    with Store(db, index=index) as store:
        t = time.perf_counter()
        for doc in docs:
            store.write(doc, "upsert")
        return time.perf_counter() - t


def reads(db: str, index: Path, n: int) -> dict[str, tuple[float, float]]:
    """p50 and p95 (ms) of the main read calls, ``n`` calls each on random documents/entities."""
    from opis.archive import Archive

    out = {}
    rng = random.Random(7)
    with Archive(db) as archive:
        archive.store.index_path = index
        ids = archive.store.ids()
        entities = [e["id"] for e in archive.entities(limit=200)]
        archive.search("Tacheng")  # (the index brought in step first)
        calls = {
            "get": lambda: archive.get(rng.choice(ids)),
            "list": lambda: archive.list(limit=50, offset=rng.randrange(0, max(1, len(ids) - 50))),
            "entity": lambda: archive.entity(rng.choice(entities)),
            "search": lambda: archive.search(rng.choice(["Tacheng", "border", "refugees", "Moscow", "1945"])),
        }
        for name, call in calls.items():
            times = []
            for _ in range(n):
                t = time.perf_counter()
                call()
                times.append((time.perf_counter() - t) * 1000)
            times.sort()
            out[name] = (statistics.median(times), times[int(0.95 * (len(times) - 1))])
    return out


def main() -> int:
    """Run the three measurements on both engines and print the figures and ratios."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pg", help="a PostgreSQL server URL (default: a throwaway cluster)")
    ap.add_argument("--reads", type=int, default=200)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="opis-engines-"))
    cluster = None
    server = args.pg
    if not server:
        cluster = tmp / "cluster"
        server = subprocess.run([str(REPO / "scripts" / "pg-throwaway"), "start", str(cluster)],
                                capture_output=True, text=True, check=True).stdout.strip()
    try:
        lite, pg = str(tmp / "bench.db"), new_database(server)
        print(f"corpora: {', '.join(str(c.relative_to(REPO)) for c in CORPORA)}")
        warm = ingest(str(tmp / "warm.db"), tmp / "warm.index")  # (models loaded, caches warm: not timed)
        print(f"warm-up ingest (not compared): {warm[0]:.1f} s")
        t_lite, n = ingest(lite, tmp / "lite.index")
        t_pg, n_pg = ingest(pg, tmp / "pg.index")
        print(f"ingest (whole pipeline), {n} files: sqlite {t_lite:.1f} s, postgresql {t_pg:.1f} s"
              f" ({n_pg} files): ratio {t_pg / t_lite:.2f}")
        w_lite = rewrite(lite, str(tmp / "rewrite.db"), tmp / "w.index")
        w_pg = rewrite(lite, new_database(server), tmp / "wpg.index")
        print(f"store writes alone, {n} records: sqlite {w_lite:.2f} s ({1000 * w_lite / n:.1f} ms/record),"
              f" postgresql {w_pg:.2f} s ({1000 * w_pg / n:.1f} ms/record): ratio {w_pg / w_lite:.2f}")
        r_lite, r_pg = reads(lite, tmp / "lite.index", args.reads), reads(pg, tmp / "pg.index", args.reads)
        for name in r_lite:
            (a50, a95), (b50, b95) = r_lite[name], r_pg[name]
            print(f"{name:7} p50/p95 ms: sqlite {a50:.2f}/{a95:.2f}, postgresql {b50:.2f}/{b95:.2f}:"
                  f" p95 ratio {b95 / a95:.2f}")
    finally:
        from opis.store.postgres import close_pools

        close_pools()
        if cluster is not None:
            subprocess.run([str(REPO / "scripts" / "pg-throwaway"), "stop", str(cluster)], capture_output=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
