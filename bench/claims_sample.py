"""Print a fixed random sample of stored claims of one corpus, each with its sentence, for judging by reading.

    PYTHONPATH=src .venv/bin/python bench/claims_sample.py DB [--under corpus/dev] [--n 100] [--seed 21] [--tsv]

Only records whose provenance path contains ``--under`` are sampled. The sample is drawn with
``random.Random(seed)`` over the claims in a stable order (document path, then position), so the
same database gives the same sample. ``--tsv`` prints ``doc, value, claim, sentence`` rows in the
shape of ``tests/data/claims_judged_dev.tsv`` (verdict and reason left for the reader).
"""

from __future__ import annotations

import argparse
import random
import re
from pathlib import Path

from opis.store import Store


def claim_text(c: dict) -> str:
    """'approximately 2,300 people fled' style one-liner: qualifier, value, unit, what."""
    parts = [c.get("qualifier") or "", str(c.get("value")), c.get("unit") or "", "—", c.get("what") or ""]
    return re.sub(r"\s+", " ", " ".join(p for p in parts if p)).strip()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("db")
    ap.add_argument("--under", default="corpus/dev")
    ap.add_argument("--n", type=int, default=100)
    ap.add_argument("--seed", type=int, default=21)
    ap.add_argument("--tsv", action="store_true")
    args = ap.parse_args()
    store = Store(args.db)
    rows = []
    for rec in store.iter_records():
        path = rec["provenance"]["path"]
        if args.under not in path:
            continue
        for i, c in enumerate(rec.get("claims") or []):
            rows.append((Path(path).stem, i, c))
    rows.sort(key=lambda r: (r[0], r[1]))
    sample = random.Random(args.seed).sample(rows, min(args.n, len(rows)))
    sample.sort(key=lambda r: (r[0], r[1]))
    if args.tsv:
        print("doc\tvalue\tclaim\tsentence\tverdict\treason")
    for k, (doc, _i, c) in enumerate(sample, 1):
        sent = re.sub(r"\s+", " ", c.get("sentence") or "")
        if args.tsv:
            print("\t".join([doc, str(c.get("value")), claim_text(c), sent, "", ""]))
            continue
        q = (c.get("quantity") or {}).get("text")
        print(f"[{k}] {doc}\n    claim: {claim_text(c)}   «{q}»  subject={c.get('subject')!r} rule={c.get('rule')!r}")
        print(f"    by: {c.get('reported_by')!r}  date: {(c.get('date') or {}).get('edtf')}")
        print(f"    sentence: {sent[:400]}")
    print(f"# {len(sample)} of {len(rows)} claims", flush=True)
    store.close()


if __name__ == "__main__":
    main()
