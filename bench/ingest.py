"""Benchmark: the whole ingest pipeline against bare spaCy ``nlp.pipe`` on the same texts.

    .venv/bin/python bench/ingest.py [--corpus DIR] [--copies N]

Makes ``N`` copies of every file of the corpus (each copy differs by one line, so none is
deduplicated), then, in the same run:

1. bare spaCy: ``nlp.pipe`` of the same spaCy pipeline the ingest uses (:func:`opis.nlp.english`
   with the components an ingest runs: ``tok2vec, tagger, parser, attribute_ruler, lemmatizer,
   ner``) over the texts the readers return; for reference also the NER alone (``ner``: the
   part every word of an ingest goes through; the parser runs only on sentences with a number);
2. the whole ingest (read -> every pipeline component -> SQLite upsert with all indexers) of the
   same files into a fresh database.

Prints words/s for both and the ratio (target: the full pipeline costs <= 1.5x bare spaCy), and
the peak memory after the first half and after all of the corpus (ingest streams one file at a
time, so memory must stay flat as the corpus grows).
"""

from __future__ import annotations

import argparse
import gc
import resource
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "seeds"
if not DEFAULT_CORPUS.exists():
    DEFAULT_CORPUS = REPO / "examples" / "corpus"


def rss_mb() -> float:
    """Current resident set size in MiB (Linux /proc), else the peak."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def make_corpus(src: Path, dst: Path, copies: int) -> list[Path]:
    files = sorted(p for p in src.iterdir() if p.is_file() and not p.name.startswith("."))
    out = []
    for i in range(copies):
        for f in files:
            target = dst / f"c{i:03d}_{f.name}"
            data = f.read_bytes()
            target.write_bytes(data + f"\n\nbench copy {i}\n".encode())
            out.append(target)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--copies", type=int, default=4, help="copies of the corpus (default 4)")
    args = ap.parse_args()

    import opis.ingest as ingest_mod
    from opis import nlp as opis_nlp
    from opis.ingest import ingest_file
    from opis.pipeline import default_pipeline
    from opis.readers import read
    from opis.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        files = make_corpus(args.corpus, tmpdir, args.copies)
        texts = [read(str(p)).text for p in files]
        words = sum(len(t.split()) for t in texts)

        # warm up both (model load, authority indexes) so neither pays a one-off cost
        opis_nlp.english()
        pipeline = default_pipeline()
        warm = Store(tmpdir / "warm.db")
        ingest_file(warm, str(files[0]), pipeline=pipeline)
        warm.close()

        def bare(components: tuple[str, ...]) -> float:
            list(opis_nlp.pipe(texts[:1], components))
            t = time.perf_counter()
            for _ in opis_nlp.pipe(texts, components, batch_size=16):
                pass
            return time.perf_counter() - t

        bare_full = bare(opis_nlp.USED)
        bare_ner = bare(opis_nlp.NER)

        # time each stage of the whole ingest (reader, every component, the rest = store + dedup)
        stages: dict[str, float] = defaultdict(float)

        def timed(name, fn):
            def run(*a, **k):
                t = time.perf_counter()
                try:
                    return fn(*a, **k)
                finally:
                    stages[name] += time.perf_counter() - t
            return run

        ingest_mod.read = timed("read", read)
        pipeline.components = [(n, timed(n, fn)) for n, fn in pipeline.components]

        gc.collect()
        store = Store(tmpdir / "bench.db")
        half = len(files) // 2
        mem_half = None
        statuses: dict[str, int] = {}
        t0 = time.perf_counter()
        for i, p in enumerate(files):
            r = ingest_file(store, str(p), pipeline=pipeline)
            statuses[r.status] = statuses.get(r.status, 0) + 1
            if i + 1 == half:
                mem_half = rss_mb()
        full = time.perf_counter() - t0
        mem_all = rss_mb()
        store.close()

    print(f"corpus: {len(files)} files ({args.copies} copies of {args.corpus}), {words} words; ingest {statuses}")
    used = "+".join(opis_nlp.USED)
    print(f"bare spaCy nlp.pipe ({used}): {bare_full:7.2f} s  {words / bare_full:8.0f} words/s")
    print(f"bare spaCy nlp.pipe (ner only, for reference): {bare_ner:7.2f} s  {words / bare_ner:8.0f} words/s")
    print(f"whole ingest pipeline: {full:7.2f} s  {words / full:8.0f} words/s")
    print(f"ratio full/bare: {full / bare_full:.2f}x (target <= 1.5x); against NER alone: {full / bare_ner:.2f}x")
    print(f"memory (RSS): {mem_half:.0f} MiB after {half} files, {mem_all:.0f} MiB after {len(files)} files")
    other = full - sum(stages.values())
    parts = sorted(stages.items(), key=lambda kv: -kv[1]) + [("store+rest", other)]
    print("time by stage (s): " + ", ".join(f"{n} {v:.2f}" for n, v in parts if v >= 0.01))
    ent = stages.get("entities", 0.0)
    print(f"'entities' component alone: {ent:.2f} s = {ent / bare_ner:.2f}x bare NER; "
          f"'claims' {stages.get('claims', 0.0):.2f} s")


if __name__ == "__main__":
    main()
