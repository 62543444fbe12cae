"""The signature parser on a table of real-world forms (tests/data/signatures.tsv)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from opis.refs import parse_ref

DATA = Path(__file__).parent / "data" / "signatures.tsv"


def _rows():
    lines = [ln for ln in DATA.read_text(encoding="utf-8").splitlines() if not ln.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))


ROWS = _rows()


def test_table_is_broad():
    assert len({r["raw"] for r in ROWS}) >= 150
    assert sum(1 for r in ROWS if any("\u0400" <= ch <= "\u04ff" for ch in r["raw"])) >= 30
    assert sum(1 for r in ROWS if r["kind"] == "unparsed") >= 8


@pytest.mark.parametrize("row", ROWS, ids=[r["raw"][:50] or "empty" for r in ROWS])
def test_signature(row):
    ref = parse_ref(row["raw"])
    assert ref.kind == row["kind"], ref
    assert ref.raw == row["raw"]
    if row["kind"] == "unparsed":
        assert (ref.archive, ref.fond, ref.opis, ref.delo, ref.folios) == (None, None, None, None, [])
        return
    expected = {k: (row[k] or None) for k in ("archive", "fond", "opis", "delo")}
    got = {k: getattr(ref, k) for k in ("archive", "fond", "opis", "delo")}
    assert got == expected, ref
    assert ref.folios == ([f for f in row["folios"].split("|")] if row["folios"] else [])
    for pair in filter(None, row["extra"].split(";")):
        k, v = pair.split("=", 1)
        assert ref.extra.get(k) == v, (k, ref.extra)


def test_overall_accuracy_figure(capsys):
    ok = 0
    for row in ROWS:
        ref = parse_ref(row["raw"])
        if ref.kind == row["kind"] and (row["kind"] in ("unparsed", "published") or (
            ref.archive == (row["archive"] or None) and ref.delo == (row["delo"] or None)
        )):
            ok += 1
    print(f"signatures: {ok}/{len(ROWS)} exact")
    assert ok / len(ROWS) > 0.9
