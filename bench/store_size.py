"""Benchmark: how large the database is against the text it holds (issue 20).

    PYTHONPATH=src .venv/bin/python bench/store_size.py [--copies 1000] [--corpus examples/corpus]

Ingests the corpus (the five seed files by default) once with the full pipeline, then writes
``--copies`` copies of each record, with new ids and paths, through ``Store.write`` inside
``Store.batch()``; reports the file size, the total text bytes, their ratio, the size of each
table and index (SQLite's ``dbstat`` virtual table) and the CPU time of the copies' writes.
The search index is then brought in step (``opis search``'s tantivy sync) and its directory
size reported beside the database's.

Run it against another checkout (``PYTHONPATH=../main/src``) for the figures before a change:
it uses only ``Archive.ingest``, ``Store.iter_records``, ``Store.write``, ``Store.batch`` and
the search module, which every version has.
"""

from __future__ import annotations

import argparse
import hashlib
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _copy(rec: dict, n: int, long_ids: bool = False) -> dict:
    """The record ``rec`` as copy ``n``: a new path, checksum and id (else identical). The id is
    made as opis makes one (the first 16 hex digits of the checksum; ``long_ids``: the original
    id with ``-NNNNN`` appended, as this benchmark did before, 6 bytes longer in every row that
    names the document)."""
    out = dict(rec)
    prov = dict(rec["provenance"])
    prov["path"] = f"{prov['path']}#copy{n}"
    prov["sha256"] = hashlib.sha256(f"{prov['sha256']}#copy{n}".encode()).hexdigest()
    out["id"] = f"{rec['id']}-{n:05d}" if long_ids else prov["sha256"][:16]
    out["provenance"] = prov
    out["record_id"] = f"{rec['record_id']}-{n}" if rec.get("record_id") else None
    return out


def tables(path: str) -> list[tuple[str, int]]:
    """(table or index, bytes) largest first, from the ``dbstat`` virtual table."""
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC").fetchall()
    except sqlite3.OperationalError:  # SQLite built without dbstat
        rows = []
    conn.close()
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--copies", type=int, default=1000)
    ap.add_argument("--corpus", default=str(REPO / "examples" / "corpus"))
    ap.add_argument("--db", help="database file (default: a temporary one)")
    ap.add_argument("--no-search", action="store_true", help="do not build the search index")
    ap.add_argument("--long-ids", action="store_true", help="copies named ID-NNNNN (as before 0017), not as opis names them")
    args = ap.parse_args()

    from opis import Archive
    from opis.model import Document

    tmp = tempfile.mkdtemp(prefix="opis-size-")
    db = args.db or str(Path(tmp) / "size.db")
    files = sorted(str(p) for p in Path(args.corpus).iterdir() if p.is_file())
    with Archive(db) as archive:
        results = list(archive.ingest(files))
        failed = [r for r in results if r.status == "error"]
        if failed:
            raise SystemExit(f"ingest failed: {failed}")
        store = archive.store
        seeds = list(store.iter_records())
        docs = [Document.from_dict(r) for r in seeds]
        t, cpu = time.perf_counter(), time.process_time()
        with store.batch():
            for n in range(1, args.copies + 1):
                for rec in seeds:
                    doc = Document.from_dict(_copy(rec, n, args.long_ids))
                    store.write(doc, "added")
        wall, cpu = time.perf_counter() - t, time.process_time() - cpu
        written = args.copies * len(seeds)
        text = sum(len((d.text or "").encode("utf-8")) for d in docs) * (args.copies + 1)
        count = store.count()
        sync = sync_cpu = 0.0
        if not args.no_search:
            from opis.search import search

            t, sync_cpu = time.perf_counter(), time.process_time()
            search(store, "the")
            sync, sync_cpu = time.perf_counter() - t, time.process_time() - sync_cpu
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    size = Path(db).stat().st_size
    index = Path(db + ".tantivy")
    index_bytes = sum(p.stat().st_size for p in index.rglob("*") if p.is_file()) if index.exists() else 0
    print(f"documents: {count} ({len(seeds)} ingested + {written} copies written)")
    print(f"text: {text:,} bytes ({text / count:,.0f} per document)")
    print(f"database: {size:,} bytes = {size / text:.2f}x the text ({size / count:,.0f} per document)")
    print(f"tantivy index: {index_bytes:,} bytes = {index_bytes / text:.2f}x the text (built in {sync:.1f} s wall, {sync_cpu:.1f} s CPU)")
    print(f"copies written: {wall:.2f} s wall, {cpu:.2f} s CPU = {1000 * cpu / written:.2f} ms CPU per document")
    print("per table (dbstat):")
    for name, nbytes in tables(db):
        print(f"  {name:32} {nbytes:>14,} {nbytes / size:6.1%}")


if __name__ == "__main__":
    sys.exit(main())
