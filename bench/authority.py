"""Authority resolver speed: index build (cold and from the pickle cache), resolve() per method,
find_names() throughput over the seed corpus. Prints figures; asserts nothing.

    .venv/bin/python bench/authority.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEEDS = HERE.parent.parent / "shared" / "corpus" / "seeds"
if not SEEDS.exists():
    SEEDS = HERE.parent / "examples" / "corpus"


def timed(fn, n: int = 1) -> float:
    t = time.perf_counter()
    for _ in range(n):
        fn()
    return (time.perf_counter() - t) / n


def main() -> int:
    import os

    os.environ["OPIS_CACHE_DIR"] = tempfile.mkdtemp(prefix="opis-authority-bench-")
    import opis.authority as A
    from opis.authority.loader import load
    from opis.authority.resolver import Resolver

    cold = timed(lambda: A.resolver())
    A.resolver.cache_clear()
    warm = timed(lambda: A.resolver())
    records = load()
    build = timed(lambda: Resolver(records))
    auto = timed(lambda: A.resolver().automaton())
    print(f"entries: {len(records)}  build from CSV (first process): {cold:.2f}s  "
          f"from pickle cache: {warm:.2f}s  indexes only: {build:.2f}s  automaton: {auto:.2f}s")

    cases = {
        "exact": ["Chuguchak", "JIANG JIESHI", "塔城", "Alma-Ata", "NKVD", "Moscow"],
        "initials/surname": ["I.V. Stalin", "V. M. Molotov", "Vyshinsky", "Cde. G.M. Malenkov"],
        "translit": ["Kul'dzha", "Lavrenty Pavlovich Beriya", "Кульджи", "Чугучака"],
        "fuzzy": ["Semipalatisnk", "Khrushchyov", "Zharkentt"],
        "miss": ["Xyzzyville", "Ivanov", "Bau"],
    }
    for name, surfaces in cases.items():
        n = 2000 // len(surfaces)
        per = timed(lambda s=surfaces: [A.resolve(x) for x in s], n) / len(surfaces)
        print(f"resolve {name:17s} {1 / per:10,.0f} /s  ({per * 1e6:7.1f} µs each)")

    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    chars = sum(len(t) for t in texts)
    words = sum(len(t.split()) for t in texts)
    per = timed(lambda: [A.find_names(t) for t in texts], 20)
    hits = sum(len(A.find_names(t)) for t in texts)
    print(f"find_names: {chars / per / 1e6:.2f} M chars/s, {words / per:,.0f} words/s "
          f"({hits} names in {len(texts)} seeds, {words} words)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
