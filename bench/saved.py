"""What "N new since your last visit" costs: the saved query run only among the documents
ingested since (``within``, read from the change journal) against the naive way, the full
search paged through every hit and intersected with the new documents.

    python bench/saved.py --docs 10000 --new 20

A synthetic archive of ``--docs`` documents (:mod:`synth`, real templates, written through
``Store.write``) gets one saved search per query; ``--new`` more documents are then written,
and both ways are timed ``--runs`` times each, alternated, in the same run (median and p95 in
ms, and their ratio). Both must give the same count. The cost with nothing new (no search at
all) is timed too. Run it with ``nice``: other work on the machine moves both sides alike.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "bench")]

from synth import build, load_templates, template_store  # noqa: E402

from opis import Archive  # noqa: E402
from opis.saved import count_new, new_candidates  # noqa: E402
from opis.store import saved as store_saved  # noqa: E402

QUERIES = ["Moscow", "place:soviet-union", "conversation OR report", "border date:1950..1960"]


def naive(archive: Archive, query: str, candidates: set[str]) -> int:
    """The full search, every page of hits, intersected with the new documents."""
    found, offset = 0, 0
    while True:
        result = archive.search(query, limit=1000, offset=offset)
        found += len(candidates.intersection(result.ids))
        offset += 1000
        if offset >= result.total:
            return found


def _ms(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered) * 1000, ordered[int(0.95 * (len(ordered) - 1))] * 1000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=10000)
    ap.add_argument("--new", type=int, default=20)
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--db", default=None, help="database file (default: /tmp/opis-saved-N.db, made anew)")
    args = ap.parse_args()
    db = Path(args.db or f"/tmp/opis-saved-{args.docs}.db")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    templates = load_templates(template_store())
    build(db, args.docs, templates, progress=None)
    with Archive(db) as archive:
        archive.reindex(backend="tantivy")
        saved = [archive.save_search(q, q) for q in QUERIES]
        rows = [store_saved.get(archive.store, s.id) for s in saved]
        t0 = time.perf_counter()
        for row in rows:
            count_new(archive.store, row, archive._run_search)
        nothing = (time.perf_counter() - t0) / len(rows)
    time.sleep(1.1)  # (the new documents' ingest time is later than the visit)
    build(db, args.docs + args.new, templates, progress=None)
    print(f"{args.docs} documents, {args.new} new; nothing new: {nothing * 1000:.2f} ms per saved search (no search)")
    print(f"{'query':<28} {'total':>6} {'new':>4}  {'within p50/p95 ms':>18}  {'naive p50/p95 ms':>17}  ratio")
    with Archive(db) as archive:
        archive.warm_search()
        for query, row in zip(QUERIES, rows, strict=True):
            cand = set(new_candidates(archive.store, row))
            fast, slow = [], []
            for _ in range(args.runs):
                t = time.perf_counter()
                a = count_new(archive.store, row, archive._run_search)
                fast.append(time.perf_counter() - t)
                t = time.perf_counter()
                b = naive(archive, query, cand)
                slow.append(time.perf_counter() - t)
                assert a == b, (query, a, b)
            (f50, f95), (s50, s95) = _ms(fast), _ms(slow)
            total = archive.search(query, limit=0).total
            print(f"{query:<28} {total:>6} {a:>4}  {f50:>8.2f} / {f95:>7.2f}  {s50:>8.2f} / {s95:>6.2f}  {s50 / f50:5.1f}x")


if __name__ == "__main__":
    main()
