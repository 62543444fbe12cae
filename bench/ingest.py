"""Benchmark: the whole ingest pipeline against bare spaCy on the same texts, in CPU per document.

    .venv/bin/python bench/ingest.py [--corpus DIR ...] [--docs N | --copies N] [--src DIR] [--label L]

Builds a corpus of ``N`` documents from the repository's real documents (by default the sample
corpus ``examples/corpus``, the dev record pages ``tests/data/dev/corpus`` and the record pages
``tests/data/pages*``, each distinct file once), cycled: copy ``i`` of a file differs by one line,
so none is deduplicated. Then, in the same run and process:

1. bare spaCy: ``nlp.pipe`` of the components an ingest runs (:func:`opis.nlp.english`:
   ``tok2vec, tagger, parser, attribute_ruler, lemmatizer, ner``) over the texts the readers
   return, and the NER alone (``ner``: the part every word of an ingest goes through; the parser
   runs only on sentences with a number);
2. the whole ingest (read -> every pipeline component -> SQLite upsert with all indexers) of the
   same files into a fresh database, in this process (no worker) so its CPU time is measured.

Prints, for both, CPU seconds per document (``time.process_time``) and words/s (wall), the ratio
of ingest CPU to bare NER CPU (the cost of everything opis adds per unit of NER), the peak memory
after half and all of the corpus, and the time by pipeline stage.

``--src DIR`` imports opis from another source tree (e.g. an export of ``main``) so that two
versions can be compared on the same machine: run before and after alternately, twice (machines
are noisy), and compare the ratios, which the noise of a shared machine moves less than the times.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import resource
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CORPORA = [REPO / "examples" / "corpus", REPO / "tests" / "data" / "dev" / "corpus",
                   *sorted(p for p in (REPO / "tests" / "data").glob("pages*") if not p.name.endswith("_gold"))]


def rss_mb() -> float:
    """Current resident set size in MiB (Linux /proc), else the peak."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def source_files(corpora: list[Path]) -> list[Path]:
    """Every distinct document file of the corpora (same bytes counted once; no README/SOURCES)."""
    seen: set[str] = set()
    out = []
    for corpus in corpora:
        for f in sorted(p for p in corpus.iterdir() if p.is_file() and not p.name.startswith(".")):
            if f.suffix == ".md" and f.stem.isupper():
                continue
            digest = hashlib.sha256(f.read_bytes()).hexdigest()
            if digest not in seen:
                seen.add(digest)
                out.append(f)
    return out


def make_corpus(files: list[Path], dst: Path, docs: int) -> list[Path]:
    """``docs`` files cycled from ``files``; copy ``i`` ends with its own line (never a duplicate)."""
    out = []
    for i in range(docs):
        f = files[i % len(files)]
        target = dst / f"c{i:05d}_{f.name}"
        target.write_bytes(f.read_bytes() + f"\n\nbench copy {i // len(files)}\n".encode())
        out.append(target)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, action="append", help="a folder of documents (repeatable)")
    ap.add_argument("--docs", type=int, help="documents to ingest (the corpus cycled; default: 4 copies)")
    ap.add_argument("--copies", type=int, default=4, help="copies of the corpus when --docs is not given")
    ap.add_argument("--src", type=Path, default=REPO / "src", help="the opis source tree to import")
    ap.add_argument("--label", default="", help="a name for this run in the output (e.g. before/after)")
    args = ap.parse_args()
    sys.path.insert(0, str(args.src.resolve()))

    import opis.ingest as ingest_mod
    from opis import nlp as opis_nlp
    from opis.ingest import ingest_file
    from opis.pipeline import default_pipeline
    from opis.readers import ReadOptions, read
    from opis.store import Store

    files = source_files(args.corpus or DEFAULT_CORPORA)
    n_docs = args.docs or args.copies * len(files)
    options = ReadOptions(isolate=False)  # in this process, so that its CPU time is measured
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        paths = make_corpus(files, tmpdir, n_docs)
        texts = [read(str(p)).text for p in paths]
        words = sum(len(t.split()) for t in texts)

        # warm up both (model load, authority indexes) so neither pays a one-off cost
        opis_nlp.english()
        pipeline = default_pipeline()
        warm = Store(tmpdir / "warm.db")
        for p in paths[:3]:
            ingest_file(warm, str(p), options, pipeline)
        warm.close()

        def bare(components: tuple[str, ...]) -> tuple[float, float]:
            list(opis_nlp.pipe(texts[:1], components))
            c, t = time.process_time(), time.perf_counter()
            for _ in opis_nlp.pipe(texts, components, batch_size=16):
                pass
            return time.process_time() - c, time.perf_counter() - t

        ner_cpu, ner_wall = bare(opis_nlp.NER)
        full_cpu, full_wall = bare(opis_nlp.USED)

        # time each stage of the whole ingest (reader, every component, the rest = store + dedup)
        stages: dict[str, float] = defaultdict(float)

        def timed(name, fn):
            def run(*a, **k):
                t = time.process_time()
                try:
                    return fn(*a, **k)
                finally:
                    stages[name] += time.process_time() - t
            return run

        import opis.ingest_worker as worker_mod

        worker_mod.read = timed("read", worker_mod.read)
        ingest_mod.read = worker_mod.read
        pipeline.components = [(n, timed(n, fn)) for n, fn in pipeline.components]

        gc.collect()
        store = Store(tmpdir / "bench.db")
        half = len(paths) // 2
        mem_half = None
        statuses: dict[str, int] = {}
        c0, t0 = time.process_time(), time.perf_counter()
        for i, p in enumerate(paths):
            r = ingest_file(store, str(p), options, pipeline)
            statuses[r.status] = statuses.get(r.status, 0) + 1
            if i + 1 == half:
                mem_half = rss_mb()
        cpu, wall = time.process_time() - c0, time.perf_counter() - t0
        mem_all = rss_mb()
        store.close()

    tag = f"[{args.label}] " if args.label else ""
    n = len(paths)
    print(f"{tag}corpus: {n} documents cycled from {len(files)} files, {words} words; ingest {statuses}")
    print(f"{tag}bare spaCy NER (ner):        {ner_cpu / n * 1000:7.1f} ms CPU/doc  {words / ner_wall:8.0f} words/s")
    used = "+".join(opis_nlp.USED)
    print(f"{tag}bare spaCy ({used}): {full_cpu / n * 1000:7.1f} ms CPU/doc  {words / full_wall:8.0f} words/s")
    print(f"{tag}whole ingest:                {cpu / n * 1000:7.1f} ms CPU/doc  {words / wall:8.0f} words/s")
    print(f"{tag}ratio ingest/bare NER (CPU): {cpu / ner_cpu:.2f}x; ingest/bare full spaCy: {cpu / full_cpu:.2f}x")
    print(f"{tag}memory (RSS): {mem_half:.0f} MiB after {half} documents, {mem_all:.0f} MiB after {n}")
    other = cpu - sum(stages.values())
    parts = sorted(stages.items(), key=lambda kv: -kv[1]) + [("store+rest", other)]
    print(f"{tag}CPU ms/doc by stage: " + ", ".join(f"{k} {v / n * 1000:.1f}" for k, v in parts if v >= 0.0005 * n))


if __name__ == "__main__":
    main()
