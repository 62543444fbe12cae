"""Audit and time claim extraction: every claim with its evidence, suspicious ones flagged, and speed.

    .venv/bin/python bench/claims_audit.py [SEEDS_DIR] [--skip entities,linking]

Prints, per seed document, each claim (value, qualifier, unit, date, what, the words it came
from) with a flag when it looks wrong by rule (a year-like bare number, a number right after a
signature/page/number abbreviation, no counted thing), then the time the 'dates' and 'claims'
components take per document against the time of the whole pipeline in the same run.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from opis.evaluate.claims import suspect_reasons
from opis.model import to_dict
from opis.pipeline import DEFAULT_PIPELINE, Pipeline, document_from_raw
from opis.readers import read


def flags(doc, c) -> list[str]:
    out = suspect_reasons(to_dict(c), doc.text)
    if c.date is None:
        out.append("undated")
    return out


def main(argv: list[str]) -> None:
    seeds = Path(next((a for a in argv if not a.startswith("--") and Path(a).is_dir()), "../shared/corpus/seeds"))
    skip: set[str] = set()
    if "--skip" in argv:
        skip = set(argv[argv.index("--skip") + 1].split(","))
    names = [n for n in DEFAULT_PIPELINE if n not in skip]
    before = Pipeline([n for n in names if n not in ("dates", "claims")])
    dates_claims = Pipeline([n for n in names if n in ("dates", "claims")])
    dates_claims(document_from_raw(read(sorted(seeds.glob("*.txt"))[0])))  # load spaCy once, outside the timing
    total_claims = total_flagged = 0
    t_rest = t_ours = 0.0
    chars = 0
    for path in sorted(seeds.glob("*.txt")):
        raw = read(path)
        t0 = time.perf_counter()
        doc = before(document_from_raw(raw))
        t1 = time.perf_counter()
        doc = dates_claims(doc)
        t2 = time.perf_counter()
        t_rest += t1 - t0
        t_ours += t2 - t1
        chars += len(doc.text)
        print(f"== {path.name}: {len(doc.claims)} claims, {len(doc.events)} events, {len(doc.dates)} dates ({(t2 - t1) * 1000:.0f} ms)")
        for c in doc.claims:
            f = flags(doc, c)
            total_claims += 1
            total_flagged += bool(set(f) - {"undated"})
            value = f"{c.qualifier + ' ' if c.qualifier else ''}{c.value}{' ' + c.unit if c.unit else ''}"
            date = c.date.edtf if c.date else "-"
            print(f"  {value:28} {date:24} {c.what[:60]:60} «{(c.quantity.text if c.quantity else '')}» {' '.join(f)}")
    print()
    print(f"claims: {total_claims}, flagged by rule: {total_flagged}")
    print(f"dates+claims: {t_ours:.2f} s for {chars:,} chars ({chars / max(t_ours, 1e-9):,.0f} chars/s); "
          f"rest of pipeline: {t_rest:.2f} s; ratio {t_ours / max(t_rest, 1e-9):.2f}")


if __name__ == "__main__":
    main(sys.argv[1:])
