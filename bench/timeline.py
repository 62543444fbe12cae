"""Timeline benchmark: the SQL path of ``opis.timeline.timeline`` against the old full scan.

    .venv/bin/python bench/timeline.py --docs 20000          # builds in ~1 min, runs in ~20 s
    .venv/bin/python bench/timeline.py                       # 20,000 and 100,000 (100k builds in ~6 min)
    .venv/bin/python bench/timeline.py --reuse               # the databases built before: ~2 min

The records are those of the search benchmark (``bench/search.py``: seed sentences recombined,
dates 1918-1965 at day/month/year precision, 1-3 places with their surfaces, people, archives),
plus per document 0-3 dated claims anchored on one of its sentences (a third of them dated by
an interval of several years) and, for one document in five, a dated event. They are written with
``opis.search.bulk_load(..., all_indexers=True)`` so the mentions, claims and events tables are
filled as an ingest would fill them.

For each query of the mix it prints the item count and the time of one call of the old
implementation (every document listed, the record JSON of every document read for a place or
person filter, everything sorted in Python: kept below as ``scan_timeline``) and the p50 of the
new call with the default limit (2000), checks that the new path without a limit returns
exactly the old list, and prints the speed-up.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from opis.search import bulk_load  # noqa: E402
from opis.store import Store  # noqa: E402
from opis.store.claims import date_bounds, list_claims, list_events  # noqa: E402
from opis.timeline import _label_claim, _resolve, timeline  # noqa: E402

_spec = importlib.util.spec_from_file_location("bench_search", REPO / "bench" / "search.py")
bench_search = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_search)

WHAT = ["people crossed the border into the USSR", "families resettled", "head of cattle driven across the border",
        "Chinese prisoners taken", "rebel troops", "vehicles", "people detained crossing the border"]
EVENTS = [("resolution", "resolution on the border zone adopted"), ("order", "checkpoint closed"),
          ("decree", "passportization of the border towns"), ("event", "uprising began")]

QUERIES = [
    ("one year", {"date_from": "1945", "date_to": "1945"}),
    ("one year + place", {"date_from": "1945", "date_to": "1945", "place": "Tacheng"}),
    ("one month + person", {"date_from": "1962-04", "date_to": "1962-04", "person": "Beria"}),
    ("all, place id", {"place": "place:kashgar"}),
    ("all", {}),
]


def _date(rnd: random.Random, year: int) -> dict[str, str]:
    r = rnd.random()
    if r < 0.4:
        m, d = rnd.randint(1, 12), rnd.randint(1, 28)
        s = f"{year}-{m:02d}-{d:02d}"
        return {"edtf": s, "earliest": s, "latest": s}
    if r < 0.7:
        m = rnd.randint(1, 12)
        return {"edtf": f"{year}-{m:02d}", "earliest": f"{year}-{m:02d}-01", "latest": f"{year}-{m:02d}-28"}
    end = year + rnd.randint(1, 4)
    return {"edtf": f"{year}/{end}", "earliest": f"{year}-01-01", "latest": f"{end}-12-31"}


def make_records(n: int, seed: int = 8):
    """The search benchmark's records with dated claims and events added."""
    rnd = random.Random(seed + 1)
    for rec in bench_search.make_records(n, seed):
        text = rec["text"]
        starts = [0] + [i + 2 for i in range(len(text)) if text.startswith("\n\n", i)][:-1]
        year = int(rec["date"]["earliest"][:4])
        claims = []
        for _ in range(rnd.choice((0, 1, 1, 2, 3))):
            s = rnd.choice(starts)
            e = min(len(text), s + 80)
            claims.append({"value": rnd.randint(2, 20000), "what": rnd.choice(WHAT),
                           "date": _date(rnd, year - rnd.randint(0, 3)), "sentence": text[s:e], "start": s, "end": e})
        events = []
        if rnd.random() < 0.2:
            s = rnd.choice(starts)
            kind, what = rnd.choice(EVENTS)
            events.append({"date": _date(rnd, year - rnd.randint(0, 10)), "what": what, "kind": kind,
                           "actor": rnd.choice(bench_search.ORGS), "start": s, "end": min(len(text), s + 80)})
        rec["claims"], rec["events"] = claims, events
        yield rec


# --- the old implementation (before the SQL path), kept for comparison -----------------------
NEAR = 400


def _scan_mentions(store, term: str | None, type_: str):
    if not term:
        return None
    entity_id, name = _resolve(term, type_)
    spans: dict[str, list[tuple[int, int]]] = {}
    for rec in store.iter_records():
        for m in rec.get("mentions") or []:
            if m.get("type") != type_ or m.get("note") is not None:
                continue
            hit = (entity_id and m.get("entity_id") == entity_id) or name in (m.get("surface") or "").lower() or name in (
                m.get("gloss") or ""
            ).lower() or (m.get("entity_id") and name.replace(" ", "-") in m["entity_id"])
            if hit:
                spans.setdefault(rec["id"], []).append((m["start"], m["end"]))
    return spans


def scan_timeline(store, date_from=None, date_to=None, place=None, person=None,
                  kinds=("document", "claim", "event")) -> list[dict[str, Any]]:
    lo, hi = date_bounds(date_from, date_to)
    filters = [f for f in (_scan_mentions(store, place, "PLACE"), _scan_mentions(store, person, "PERSON")) if f is not None]

    def keep(doc_id, start, end, whole_doc=False):
        for by_doc in filters:
            if doc_id not in by_doc:
                return False
            near = any(s < end + NEAR and start - NEAR < e for s, e in by_doc[doc_id]) if start is not None and end is not None else True
            if not whole_doc and not near:
                return False
        return True

    items: list[dict[str, Any]] = []
    for d in store.list():
        if not d["date_earliest"]:
            continue
        if (lo and (d["date_latest"] or d["date_earliest"]) < lo) or (hi and d["date_earliest"] > hi):
            continue
        if not keep(d["id"], None, None, whole_doc=True):
            continue
        items.append({
            "kind": "document", "date": {"edtf": d["date_edtf"], "earliest": d["date_earliest"], "latest": d["date_latest"]},
            "label": d["title"] or d["path"], "doc_id": d["id"], "title": d["title"], "start": None, "end": None,
            "detail": {"doc_type": d["doc_type"]},
        })
    for c in list_claims(store, date_from=date_from, date_to=date_to):
        if not c["date"]["earliest"] or not keep(c["doc_id"], c["start"], c["end"]):
            continue
        items.append({"kind": "claim", "date": c["date"], "label": _label_claim(c), "doc_id": c["doc_id"],
                      "title": c["title"], "start": c["start"], "end": c["end"], "detail": c})
    for e in list_events(store, date_from, date_to):
        if not keep(e["doc_id"], e["start"], e["end"]):
            continue
        label = e["what"] if not e["actor"] else f"{e['what']} [{e['actor']}]"
        items.append({"kind": "event", "date": e["date"], "label": label, "doc_id": e["doc_id"], "title": e["title"],
                      "start": e["start"], "end": e["end"], "detail": e})
    order = {"event": 0, "claim": 1, "document": 2}
    items.sort(key=lambda i: (i["date"]["earliest"] or "", i["date"]["latest"] or "", order[i["kind"]], i["doc_id"], i["start"] or 0))
    return items


# --- run ---------------------------------------------------------------------------------------
def build(db: str, n: int) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(db + suffix).unlink(missing_ok=True)
    t = time.perf_counter()
    with Store(db) as store:
        bulk_load(store, make_records(n), batch=5000, all_indexers=True)
        counts = [store.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("mentions", "claims", "events")]
    print(f"built {n} docs ({counts[0]} mentions, {counts[1]} claims, {counts[2]} events) in "
          f"{time.perf_counter() - t:.1f} s, {os.path.getsize(db) / 2**20:.0f} MB", flush=True)


def run(db: str, old_runs: int, runs: int) -> None:
    with Store(db) as store:
        n = store.count()
        print(f"\n{n} documents: {'query':<20} {'items':>7} {'old s':>8} {'new ms':>8} {'speed-up':>9}  same")
        for label, q in QUERIES:
            new_all = timeline(store, **q, limit=None)
            ms = []
            for _ in range(runs):
                t = time.perf_counter()
                timeline(store, **q)
                ms.append((time.perf_counter() - t) * 1000)
            new_ms = statistics.median(ms)
            old_s, same = None, "-"
            if old_runs:
                secs = []
                for _ in range(old_runs):
                    t = time.perf_counter()
                    old = scan_timeline(store, **q)
                    secs.append(time.perf_counter() - t)
                old_s = min(secs)
                same = "yes" if old == new_all else "NO"
            speed = f"{old_s * 1000 / new_ms:.0f}x" if old_s else "-"
            print(f"{n} documents: {label:<20} {len(new_all):>7} {old_s if old_s is not None else float('nan'):>8.2f} "
                  f"{new_ms:>8.1f} {speed:>9}  {same}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", default="20000,100000", help="corpus sizes, comma-separated")
    ap.add_argument("--db", default="/tmp/opis-bench-timeline-{n}.db")
    ap.add_argument("--reuse", action="store_true", help="reuse an existing database of that size")
    ap.add_argument("--old-runs", type=int, default=1, help="calls of the old full scan per query (0: skip it)")
    ap.add_argument("--runs", type=int, default=5, help="calls of the new path per query (median printed)")
    args = ap.parse_args()
    for n in (int(x) for x in args.docs.split(",")):
        db = args.db.format(n=n)
        if not (args.reuse and os.path.exists(db)):
            build(db, n)
        run(db, args.old_runs, args.runs)


if __name__ == "__main__":
    main()
