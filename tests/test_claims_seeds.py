"""Claims on the ingested seeds: gold figures found, nothing from signatures, 1962 figures line up."""

from __future__ import annotations

import json
import re

from click.testing import CliRunner

from conftest import gold
from opis.cli import cli
from opis.evaluate.claims import dates_agree, score_claims, score_regime, score_suspects
from opis.store.claims import compare_claims, list_claims


def test_gold_claims_found_with_value_qualifier_and_date(seed_records):
    tp = total = 0
    for prefix, rec in seed_records.items():
        g = gold(prefix)
        full, _value = score_claims(g.get("claims") or [], rec["claims"])
        tp += full.tp
        total += full.tp + full.fn
    assert total >= 25
    assert tp / total >= 0.9


def test_every_regime_fact_is_a_dated_event(seed_records):
    g = gold("002")
    t = score_regime(g["regime_facts"], seed_records["002"]["events"])
    assert t.fn == 0, t.misses


def test_no_claim_comes_from_a_signature_page_range_or_document_number(seed_records):
    for rec in seed_records.values():
        text = rec["text"]
        refs = [(r["start"], r["end"]) for r in rec.get("archival_refs") or [] if r.get("start") is not None and r.get("note") is None]
        for c in rec["claims"]:
            if c["start"] is None:
                continue
            assert not any(a <= c["start"] < b for a, b in refs), c
            before = text[max(0, c["start"] - 8):c["start"]]
            assert not re.search(r"(?:\b[fdl]|op|ll|pp?|No|Nº|№|N)\.?\s*$", before), (before, c["text"])
            if isinstance(c["value"], int | float):
                assert not (1800 <= c["value"] <= 2030 and not c["unit"]), c  # a year is never a count


def test_no_seed_claim_is_suspect_by_rule(seed_records):
    for rec in seed_records.values():
        t = score_suspects(rec)
        assert t.fp == 0, t.misses
        assert t.tp == len(rec["claims"])


def test_notes_are_not_mined_for_claims(seed_records):
    rec = seed_records["002"]
    assert rec["notes"], "the article's footnotes are in doc.notes"
    assert all(c["start"] is None or c["start"] < len(rec["text"]) for c in rec["claims"])
    note_numbers = {"438", "5076", "921", "84"}
    assert not {str(c["value"]) for c in rec["claims"]} & note_numbers


def test_claims_carry_unit_conversion_and_source(seed_records):
    claims = seed_records["002"]["claims"]
    versts = next(c for c in claims if c["unit"] == "verst" and c["value"] == 25)
    assert abs(versts["quantity"]["normalized_value"] - 26.67) < 0.01 and versts["quantity"]["normalized_unit"] == "km"
    dess = next(c for c in claims if c["unit"] == "dessiatine")
    assert abs(dess["quantity"]["normalized_value"] - 4.37) < 0.01
    money = next(c for c in claims if c["value"] == 19.28)
    assert money["unit"] == "rubles"
    beria = seed_records["000"]["claims"]
    assert all(c["reported_by"] for c in beria)


def test_ili_tacheng_1962_figures_line_up_side_by_side(seed_db, seed_records):
    groups = compare_claims(seed_db, about="people crossed", date_from="1962-04", date_to="1962-05")
    assert groups
    g = groups[0]
    docs = {c["doc_id"] for c in g["claims"]}
    assert {seed_records["001"]["id"], seed_records["003"]["id"]} <= docs
    values = [c["value"] for c in g["claims"]]
    assert "tens of thousands" in values and 10000 in values
    assert all(dates_agree("1962-04", c["date"]) for c in g["claims"])


def test_list_claims_filters_by_time_and_subject(seed_db):
    rows = list_claims(seed_db, about="killed", date_from="1930", date_to="1930")
    assert {r["value"] for r in rows} >= {734, 24}
    assert all(r["date"]["earliest"] <= "1930-12-31" and r["date"]["latest"] >= "1930-01-01" for r in rows)
    assert not list_claims(seed_db, date_from="1700", date_to="1701")


def test_cli_claims_json_and_compare(seed_db):
    runner = CliRunner()
    res = runner.invoke(cli, ["claims", "--db", seed_db.path, "--json", "--about", "households", "--from", "1930", "--to", "1933"])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.output)
    assert {286000, 40000, 83000} <= {r["value"] for r in rows}
    res = runner.invoke(cli, ["claims", "--db", seed_db.path, "--compare", "--about", "people crossed", "--from", "1962"])
    assert res.exit_code == 0
    assert "tens of thousands" in res.output and "approximately 10,000" in res.output
    res = runner.invoke(cli, ["claims", "--db", seed_db.path, "--from", "not a date"])
    assert res.exit_code != 0 and "not a date" in res.output
