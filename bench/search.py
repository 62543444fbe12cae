"""Search benchmark: N documents recombined from the seed corpus, both engines, one query mix.

    .venv/bin/python bench/search.py --docs 100000
    .venv/bin/python bench/search.py --docs 1000000 --db /tmp/bench1m.db   # ~15 min, background it

The corpus is made of real sentences: the seed files (``examples/corpus`` or
``../shared/corpus/seeds``) are cut into sentences and recombined into records with varied
titles, dates (1918-1965, day/month/year precision), places (authority labels with the
surface a source uses), people, archives, fonds, languages, types and classifications. The
records are written through ``opis.search.bulk_load`` (records, change journal and the FTS5
search rows in large transactions), then the tantivy index is built from those rows. Build
time and peak memory (RSS of the process that built it; for tantivy also its anonymous part,
without the index files mapped while merging) are printed for each engine.

For each query of the fixed mix it prints p50/p95 in ms of ``opis.search.search`` (parse,
variant expansion, ranking, snippets, facets, hit records — all a user waits for) and of the
bare engine call on the same compiled query (FTS5 ``MATCH … ORDER BY rank LIMIT 10``;
tantivy ``searcher.search(query, 10)``), and the ratio. The two are called in turn, so that
a drift in the machine's speed (a shared host, memory reclaim) weighs on both alike. For each engine it then prints the
worst per-query p95 and ratio, and the p95 of all the timings of the mix taken together. The
last line is for the default engine, the strict reading: ``docs=N p95_ms=X bare_p95_ms=Y
ratio=Z`` with X and Y the worst per-query p95 and Z the worst per-query ratio.

Above ``EXACT_LIMIT`` matches tantivy counts facets on a sample; for those queries the
column ``facets`` gives the median and largest relative error of the sampled counts against
an exact count (labels holding at least 5% of the matches, top 5 of each facet), and says
where the timed searches took their facet counts from: ``summary`` (a query of one index term,
a word or a two-word phrase's pair, whose sampled counts the rebuild stored, see
``opis.search.summaries``) or ``counted`` while ranking. After the mix, the
single word is timed once more with its summary hidden, as for a word first searched after
a change dropped its summary: that row is for information, not part of the last line.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import multiprocessing as mp
import os
import random
import re
import resource
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from opis.search import DEFAULT_BACKEND, bulk_load, get_backend, prepare, search  # noqa: E402
from opis.search.plan import build_plan  # noqa: E402
from opis.store import Store  # noqa: E402

SEED_DIRS = [REPO.parent / "shared" / "corpus" / "seeds", REPO / "examples" / "corpus"]

QUERIES = [
    ("single word", "exodus"),
    ("phrase", '"border guards"'),
    ("variant place", "Tacheng"),
    ("filter + date", "archive:RGASPI date:1945..1950"),
    ("broad + facets", "Soviet"),
]

# (authority label, entity id, surfaces a source may use)
PLACES = [
    ("Tacheng", "place:tacheng", ["Chuguchak", "Tacheng", "Qoqek", "Чугучак", "塔城"]),
    ("Yining", "place:yining", ["Kulja", "Ghulja", "Yining", "Кульджа"]),
    ("Ürümqi", "place:urumqi", ["Urumqi", "Dihua", "Урумчи"]),
    ("Shenyang", "place:shenyang", ["Mukden", "Shenyang", "Мукден"]),
    ("Kashgar", "place:kashgar", ["Kashgar", "Kashi", "Кашгар"]),
    ("Almaty", "place:almaty", ["Alma-Ata", "Verny", "Алма-Ата"]),
    ("Horgos", "place:horgos", ["Khorgos", "Horgos", "Хоргос"]),
    ("Harbin", "place:harbin", ["Harbin", "Харбин"]),
    ("Semey", "place:semey", ["Semipalatinsk", "Семипалатинск"]),
    ("Zharkent", "place:zharkent", ["Dzharkent", "Panfilov", "Джаркент"]),
]
PEOPLE = ["L. Beria", "I. V. Stalin", "V. M. Molotov", "Zhang Hanfu", "Sheng Shicai", "A. Antonov",
          "R. Ya. Malinovsky", "Alihan Tore", "F. I. Goloshchekin", "Chiang Kai-shek"]
ORGS = ["NKVD", "OGPU", "VKP(b) CC", "Ministry of Foreign Affairs", "Border troops of the NKVD"]
ARCHIVES = [("GARF", ["9401", "5446", "8131"]), ("RGASPI", ["17", "558", "82"]), ("AP RK", ["141", "719"]),
            ("PRC FMA", ["118", "105"]), ("SGA KNB RK", ["1", "3"]), ("AVP RF", ["0100", "07"])]
TYPES = ["report", "memorandum", "telegram", "letter", "resolution", "minutes", "article"]
CLASSES = [None, None, "Top Secret", "Secret", "Special Importance"]
LANGS = [["en"], ["en"], ["ru"], ["en", "ru"], ["zh"], ["kk", "ru"]]


def seed_sentences() -> tuple[list[str], list[str]]:
    folder = next((d for d in SEED_DIRS if d.exists()), None)
    if folder is None:
        raise SystemExit("bench/search.py: no seed corpus found in " + ", ".join(map(str, SEED_DIRS)))
    sentences, titles = [], []
    for path in sorted(folder.glob("*.txt")):
        text = re.sub(r"<[^>]+>|\[[^\]]{0,3}\]|\*\*|https?://\S+", " ", path.read_text(encoding="utf-8"))
        for para in re.split(r"\n\s*\n", text):
            para = " ".join(para.split())
            for s in re.split(r"(?<=[.!?])\s+(?=[A-ZА-ЯЁ\"«])", para):
                if 40 <= len(s) <= 400 and sum(c.isalpha() for c in s) > 0.6 * len(s):
                    sentences.append(s)
                if 25 <= len(s) <= 140 and not s.endswith("."):
                    titles.append(s)
    return sentences, titles


def make_records(n: int, seed: int = 8):
    sentences, titles = seed_sentences()
    rnd = random.Random(seed)
    for i in range(n):
        year = rnd.randint(1918, 1965)
        prec = rnd.random()
        if prec < 0.6:
            month, day = rnd.randint(1, 12), rnd.randint(1, 28)
            edtf = earliest = latest = f"{year}-{month:02d}-{day:02d}"
        elif prec < 0.85:
            month = rnd.randint(1, 12)
            edtf, earliest, latest = f"{year}-{month:02d}", f"{year}-{month:02d}-01", f"{year}-{month:02d}-28"
        else:
            edtf, earliest, latest = str(year), f"{year}-01-01", f"{year}-12-31"
        places = rnd.sample(PLACES, rnd.randint(1, 3))
        people = rnd.sample(PEOPLE, rnd.randint(0, 3))
        orgs = rnd.sample(ORGS, rnd.randint(0, 2))
        body = rnd.sample(sentences, rnd.randint(3, 9))
        mentions, entities, text = [], [], ""
        for k, s in enumerate(body):
            if k < len(places):
                label, eid, surfaces = places[k]
                surface = rnd.choice(surfaces)
                s = f"{s} The report concerns {surface}."
                start = len(text) + s.rindex(surface)
                mentions.append({"start": start, "end": start + len(surface), "surface": surface,
                                 "type": "PLACE", "entity_id": eid})
                entities.append({"id": eid, "type": "PLACE", "label": label,
                                 "variants": [{"name": v} for v in surfaces]})
            text += s + "\n\n"
        for p in people:
            mentions.append({"start": 0, "end": 0, "surface": p, "type": "PERSON", "entity_id": None})
        for o in orgs:
            mentions.append({"start": 0, "end": 0, "surface": o, "type": "ORG", "entity_id": None})
        archive, fonds = rnd.choice(ARCHIVES)
        fond = rnd.choice(fonds)
        raw = f"{archive}, f. {fond}, op. {rnd.randint(1, 40)}, d. {rnd.randint(1, 900)}"
        title = rnd.choice(titles) if rnd.random() < 0.5 else body[0][:120]
        doc_id = hashlib.sha256(f"bench-{seed}-{i}".encode()).hexdigest()[:16]
        yield {
            "id": doc_id,
            "title": f"{title} ({places[0][0]}, {year})",
            "date": {"edtf": edtf, "earliest": earliest, "latest": latest},
            "doc_type": rnd.choice(TYPES),
            "classification": rnd.choice(CLASSES),
            "languages": rnd.choice(LANGS),
            "summary": rnd.choice(sentences),
            "translators": [rnd.choice(["Gary Goldberg", "7Brands", "Sergey Radchenko"])] if rnd.random() < 0.3 else [],
            "archival_refs": [{"raw": raw, "archive": archive, "fond": fond}],
            "mentions": mentions,
            "entities": entities,
            "text": text,
            "provenance": {"path": f"bench/{doc_id}.txt", "sha256": hashlib.sha256(doc_id.encode()).hexdigest(),
                           "format": "text", "reader": "bench"},
        }


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class AnonPeak:
    """Largest anonymous resident memory (``RssAnon``) of this process while the block runs:
    peak RSS also counts the pages of the index files tantivy maps while merging, which the
    kernel can drop at will."""

    def __enter__(self) -> AnonPeak:
        self.mb, self._stop = 0.0, threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while True:
            try:
                with open("/proc/self/status", encoding="ascii") as f:
                    for line in f:
                        if line.startswith("RssAnon:"):
                            self.mb = max(self.mb, int(line.split()[1]) / 1024)
            except OSError:  # not Linux
                return
            if self._stop.wait(0.2):
                return

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def _load(db: str, n: int, out, skip: int = 0) -> None:
    t = time.perf_counter()
    with Store(db) as store:
        records = itertools.islice(make_records(n), skip, None)  # the same records, in the same order
        bulk_load(store, records, batch=5000, all_indexers=False)
    out.put((time.perf_counter() - t, _peak_mb()))


def _resume(db: str, n: int, skip: int, out) -> None:
    _load(db, n, out, skip)


def _tantivy(db: str, out) -> None:
    t = time.perf_counter()
    with AnonPeak() as anon, Store(db) as store:
        n = _rebuild(store)
    out.put((time.perf_counter() - t, _peak_mb(), n, anon.mb))


def _rebuild(store) -> int:
    from opis.search.tantivy_index import TantivyBackend

    return TantivyBackend(store, sync=False).rebuild()


def in_child(target, *args):
    q = mp.get_context("fork").Queue()
    p = mp.get_context("fork").Process(target=target, args=(*args, q))
    p.start()
    result = q.get()
    p.join()
    return result


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def timed(fns: list, runs: int, budget: float) -> list[list[float]]:
    """ms per call of each of ``fns``, called in turn ``runs`` times (or until ``budget``
    seconds have passed), so that all of them see the same state of the machine."""
    for fn in fns:
        fn()  # warm-up
    out: list[list[float]] = [[] for _ in fns]
    start = time.perf_counter()
    for _ in range(runs):
        for fn, times in zip(fns, out, strict=True):
            t = time.perf_counter()
            fn()
            times.append((time.perf_counter() - t) * 1000)
        if time.perf_counter() - start > budget and len(out[0]) >= 3:
            break
    return out


def facet_source(engine, plan) -> str:
    """Where a tantivy search of ``plan`` takes its facet counts from."""
    from opis.search.tantivy_index import _level

    level = _level(engine.estimate(engine.index.searcher(), plan.root))
    return "counted" if engine.summary_for(plan.root, level) is None else "summary"


def report(backend: str, label: str, total, opis_ms: list[float], bare_ms: list[float], facets: str,
           query: str, note: str = "") -> float:
    """Print one query's row; return its p95 ratio."""
    p95, b95 = pct(opis_ms, 95), pct(bare_ms, 95)
    ratio = p95 / b95 if b95 else float("inf")
    print(f"{backend}: {label:<16} {total:>8} {pct(opis_ms, 50):>8.1f} {p95:>8.1f} "
          f"{pct(bare_ms, 50):>9.1f} {b95:>9.1f} {ratio:>6.2f}  {facets:<20} {query}{note}", flush=True)
    return ratio


def facet_error(engine, query: str, result) -> str:
    """'exact', or the median/max relative error of sampled facet counts against exact ones."""
    if not result.approximate:
        return "exact"
    from opis.search.tantivy_index import _facets

    plan = build_plan(query)
    searcher = engine.index.searcher()
    _level, out = engine.facets(searcher, plan.root, estimate=0)  # estimate 0: count every match
    exact = _facets(out)
    errors = []
    for name, counts in exact.items():
        if name == "decade":
            continue
        sampled = dict(result.facets.get(name, []))
        for label, n in counts[:5]:
            if n >= 0.05 * result.total:
                errors.append(abs(sampled.get(label, 0) - n) / n)
    errors.sort()
    if not errors:
        return "sampled"
    return f"±{100 * errors[len(errors) // 2]:.1f}% (max {100 * errors[-1]:.1f}%)"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=10000)
    ap.add_argument("--db", default=None, help="database file (default: /tmp/opis-bench-N.db)")
    ap.add_argument("--reuse", action="store_true",
                    help="reuse the records and FTS5 rows in --db if it exists, completing an interrupted load "
                         "(the tantivy index is rebuilt)")
    ap.add_argument("--runs", type=int, default=1000, help="timed searches per query at most (see --budget)")
    ap.add_argument("--query-only", action="store_true",
                    help="with --reuse: keep the tantivy index too (only run the queries)")
    ap.add_argument("--engines", default="tantivy,fts5", help="engines to query, comma-separated")
    ap.add_argument("--budget", type=float, default=10.0, help="seconds per query and engine at most (opis and bare calls together)")
    args = ap.parse_args()
    db = args.db or f"/tmp/opis-bench-{args.docs}.db"

    reuse = args.reuse and os.path.exists(db)
    if not reuse:
        for suffix in ("", "-wal", "-shm"):
            Path(db + suffix).unlink(missing_ok=True)
        import shutil

        shutil.rmtree(db + ".tantivy", ignore_errors=True)
        secs, mb = in_child(_load, db, args.docs)
        print(f"fts5     build: {args.docs} docs in {secs:.1f} s ({args.docs / secs:.0f} docs/s, records + "
              f"search rows + FTS5), peak RSS {mb:.0f} MB", flush=True)
    else:
        with Store(db) as store:
            have = store.count()
        if have < args.docs:  # an interrupted load: add the missing records (generation is deterministic)
            secs, mb = in_child(_resume, db, args.docs, have)
            print(f"fts5     build: resumed at {have}, {args.docs - have} docs in {secs:.1f} s, peak RSS {mb:.0f} MB",
                  flush=True)
        print(f"reusing {db} (records and FTS5 rows)", flush=True)
    if not (reuse and args.query_only):
        secs, mb, n, anon = in_child(_tantivy, db)
        print(f"tantivy  build: {n} docs in {secs:.1f} s (from the search rows), peak RSS {mb:.0f} MB "
              f"(anonymous {anon:.0f} MB; the rest is mapped files: the index segments being merged, libraries)", flush=True)
    size = os.path.getsize(db) / 2**20
    tsize = sum(f.stat().st_size for f in Path(db + ".tantivy").rglob("*") if f.is_file()) / 2**20
    print(f"sizes: database (records + FTS5) {size:.0f} MB, tantivy index {tsize:.0f} MB", flush=True)

    store = Store(db)
    ndocs = store.count()
    worst: dict[str, list[float]] = {}
    engines = [e for e in args.engines.split(",") if e]
    if DEFAULT_BACKEND not in engines:
        engines.insert(0, DEFAULT_BACKEND)
    for backend in engines:
        engine = get_backend(store, backend)
        print(f"\n{backend}: {'query':<16} {'total':>8} {'p50':>8} {'p95':>8} {'bare p50':>9} {'bare p95':>9} {'ratio':>6}"
              f"  {'facets':<20} query")
        rows = []
        mix: tuple[list[float], list[float]] = ([], [])
        for label, query in QUERIES:
            result = search(store, query, backend=backend)
            plan = prepare(store, query)
            opis_ms, bare_ms = timed([lambda q=query, b=backend: search(store, q, backend=b),
                                      lambda p=plan, e=engine: e.bare(p, 10)], args.runs, args.budget)
            mix[0].extend(opis_ms)
            mix[1].extend(bare_ms)
            accuracy = facet_error(engine, query, result) if backend == "tantivy" else "exact"
            if backend == "tantivy":
                accuracy += ", " + facet_source(engine, plan)
            ratio = report(backend, label, result.total, opis_ms, bare_ms, accuracy, query,
                           f"  (+{len(result.expanded)} variants)" if result.expanded else "")
            rows.append((pct(opis_ms, 95), pct(bare_ms, 95), ratio))
        if backend == "tantivy":  # the single word again, counting its facets as it ranks
            label, query = QUERIES[0]
            plan = prepare(store, query)
            engine.summaries.get = lambda *a: None  # hide the summaries (instance attributes)
            engine.summaries.put = lambda *a: None
            try:
                opis_ms, bare_ms = timed([lambda q=query: search(store, q, backend="tantivy"),
                                          lambda p=plan, e=engine: e.bare(p, 10)], args.runs, args.budget)
            finally:
                del engine.summaries.get, engine.summaries.put
            report(backend, "(no summary)", "", opis_ms, bare_ms, "counted", query,
                   "  (information: a word whose summary a change dropped, until it is searched)")
        worst[backend] = [max(r[0] for r in rows), max(r[1] for r in rows), max(r[2] for r in rows)]
        print(f"{backend}: worst p95 {worst[backend][0]:.1f} ms, bare {worst[backend][1]:.1f} ms, "
              f"worst ratio {worst[backend][2]:.2f}", flush=True)
        m95, mb95 = pct(mix[0], 95), pct(mix[1], 95)
        print(f"{backend}: whole mix p95 {m95:.1f} ms, bare {mb95:.1f} ms, ratio {m95 / mb95:.2f}", flush=True)
    store.close()
    p95, b95, ratio = worst[DEFAULT_BACKEND]
    print(f"\ndefault engine: {DEFAULT_BACKEND}")
    print(f"docs={ndocs} p95_ms={p95:.1f} bare_p95_ms={b95:.1f} ratio={ratio:.2f}")


if __name__ == "__main__":
    main()
