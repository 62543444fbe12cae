"""``parse_archival`` on every archival reference printed on the dev record pages (and on forms of the
same collections): archive mapped to its authority entry, parts named, raw text and span kept, rule noted."""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from pathlib import Path

import pytest

from opis.model import ArchivalRef, Document
from opis.pipeline import get_component
from opis.refs.archival import parse_archival

DATA = Path(__file__).parent / "data" / "archival_refs_dev.tsv"
DEV_GOLD = Path(__file__).parent / "data" / "dev" / "gold"


def _rows():
    lines = [ln for ln in DATA.read_text(encoding="utf-8").splitlines() if not ln.startswith("#")]
    rows = list(csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))
    assert all(None not in r and None not in r.values() for r in rows), "a row with the wrong number of columns"
    return rows


ROWS = _rows()
BY_RAW: dict[str, list[dict]] = defaultdict(list)
for _r in ROWS:
    BY_RAW[_r["raw"]].append(_r)


@pytest.mark.parametrize("raw", list(BY_RAW), ids=[r[:50] for r in BY_RAW])
def test_reference(raw):
    expected = sorted(BY_RAW[raw], key=lambda r: int(r["i"]))
    refs = parse_archival(raw)
    assert len(refs) == len(expected), refs
    for row, ref in zip(expected, refs, strict=True):
        assert ref.kind == row["kind"], ref
        assert ref.rule, ref
        assert raw[ref.start : ref.end] == ref.raw  # the span is the printed text of this reference
        got = {k: getattr(ref, k) for k in ("archive", "fond", "opis", "delo")}
        assert got == {k: (row[k] or None) for k in ("archive", "fond", "opis", "delo")}, ref
        assert ref.known_archive == (row["known"] == "1"), ref
        assert ref.folios == (row["folios"].split("|") if row["folios"] else []), ref
        for pair in filter(None, row["extra"].split(";")):
            k, v = pair.split("=", 1)
            assert ref.extra.get(k) == v, (k, ref.extra)


def test_every_dev_reference_is_in_the_table():
    if not DEV_GOLD.is_dir():
        pytest.skip("tests/data/dev/gold not present")
    printed = {json.loads(p.read_text(encoding="utf-8"))["metadata"].get("archival_ref_raw") for p in DEV_GOLD.glob("*.json")}
    printed.discard(None)
    assert printed, "the dev gold lists no references"
    assert printed <= set(BY_RAW), printed - set(BY_RAW)


def test_dev_figures(capsys):
    """n/N of the dev pages' references: split into archive + parts, and mapped to the authority."""
    dev = [r for r in ROWS if r["source"].startswith("dev:")]
    got = {raw: parse_archival(raw) for raw in {r["raw"] for r in dev}}
    refs = [ref for rs in got.values() for ref in rs]
    archival = [r for r in refs if r.kind == "archival"]
    with_parts = [r for r in archival if r.archive and (r.fond or r.opis or r.delo or r.folios or r.extra)]
    mapped = [r for r in archival if r.known_archive]
    print(f"dev references: {len(refs)} from {len(got)} strings; archive+parts {len(with_parts)}/{len(refs)}; "
          f"archive only {sum(1 for r in archival if r.archive and r not in with_parts)}; "
          f"mapped to the authority {len(mapped)}/{len(refs)}; publications {sum(r.kind == 'published' for r in refs)}")
    assert not [r for r in refs if r.kind == "unparsed"]
    assert len(mapped) >= len(refs) - 2
    assert len(with_parts) >= len(refs) - 4


def test_unknown_archive_is_split_and_flagged():
    (ref,) = parse_archival("Archiwum Państwowe w Lublinie, zesp. 123, sygn. 45, k. 3")
    assert ref.archive == "Archiwum Państwowe w Lublinie" and not ref.known_archive
    assert (ref.fond, ref.delo, ref.folios) == ("123", "45", ["3"])


def test_text_that_is_no_reference_stays_unparsed():
    assert [r.kind for r in parse_archival("Obtained and translated by the author")] == ["unparsed"]
    assert parse_archival("") == []


def test_semicolon_separates_two_references_with_spans():
    raw = "RGASPI, f. 17, op. 3, d. 921, l. 5; GARF, f. R-9401, op. 2, d. 64, l. 9-11."
    a, b = parse_archival(raw)
    assert (a.archive, a.delo, b.archive, b.delo) == ("RGASPI", "921", "GARF", "64")
    assert raw[b.start : b.end] == "GARF, f. R-9401, op. 2, d. 64, l. 9-11"


def test_archrefs_stage_splits_a_raw_reference_and_shifts_spans():
    raw = "APRF, fond 45, opis 1, delo 347, listy 41-45 and APRF, fond 3, opis 65, delo 828, listy 5-8"
    text = "Citation: ... Digital Archive, " + raw + ". Translated by X."
    start = text.index(raw)
    doc = Document(id="x", text=text, archival_refs=[ArchivalRef(raw=raw, kind="unparsed", start=start, end=start + len(raw))])
    doc = get_component("archrefs")(doc)
    assert [(r.archive, r.fond, r.delo) for r in doc.archival_refs] == [("APRF", "45", "347"), ("APRF", "3", "828")]
    assert [text[r.start : r.end] for r in doc.archival_refs] == [r.raw for r in doc.archival_refs]
    assert all(r.rule for r in doc.archival_refs)
