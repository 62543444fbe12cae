"""The timeline merges document dates, dated claims and events, each linked to its source."""

from __future__ import annotations

import json

from click.testing import CliRunner

from opis.cli import cli
from opis.timeline import timeline


def test_timeline_is_chronological_and_linked_to_sources(seed_db, seed_records):
    items = timeline(seed_db)
    kinds = {i["kind"] for i in items}
    assert kinds == {"document", "claim", "event"}
    keys = [(i["date"]["earliest"], i["date"]["latest"]) for i in items]
    assert [k[0] for k in keys] == sorted(k[0] for k in keys)
    ids = {r["id"] for r in seed_records.values()}
    for i in items:
        assert i["doc_id"] in ids
        if i["kind"] != "document" and i["start"] is not None:
            text = next(r["text"] for r in seed_records.values() if r["id"] == i["doc_id"])
            assert 0 <= i["start"] < i["end"] <= len(text)


def test_regime_of_the_1920s_in_order(seed_db):
    events = [i for i in timeline(seed_db, "1918", "1935", kinds=("event",))]
    dates = [e["date"]["edtf"] for e in events]
    for d in ("1918-05-28", "1923-03-28", "1927-06-15", "1929-03-15", "1933-10", "1935"):
        assert d in dates
    assert dates.index("1918-05-28") < dates.index("1923-03-28") < dates.index("1927-06-15") < dates.index("1929-03-15")
    resolution = next(e for e in events if e["date"]["edtf"] == "1927-06-15")
    assert "On the Protection of the USSR State Border" in resolution["label"]
    assert resolution["detail"]["kind"] == "resolution"
    assert "Central Executive Committee" in (resolution["detail"]["actor"] or "")


def test_timeline_window_1945(seed_db, seed_records):
    items = timeline(seed_db, "1945-08", "1945-09")
    assert any(i["kind"] == "document" and i["doc_id"] == seed_records["000"]["id"] for i in items)
    assert any(i["kind"] == "claim" and "100" in i["label"] and "vehicles" in i["label"] for i in items)
    assert all(i["date"]["latest"] >= "1945-08-01" and i["date"]["earliest"] <= "1945-09-30" for i in items)


def test_timeline_place_filter_keeps_only_items_near_that_place(seed_db, seed_records):
    everything = timeline(seed_db)
    some = timeline(seed_db, place="Bakhty")
    assert some and len(some) < len(everything)
    docs = {i["doc_id"] for i in some}
    assert seed_records["002"]["id"] in docs
    assert not docs & {seed_records["000"]["id"], seed_records["004"]["id"]}  # 1945 reports never name it
    # every claim and event kept is near a mention of the place in its document
    for i in some:
        if i["kind"] == "document" or i["start"] is None:
            continue
        rec = next(r for r in seed_records.values() if r["id"] == i["doc_id"])
        spans = [(m["start"], m["end"]) for m in rec["mentions"] if m["type"] == "PLACE" and "bakhty" in (m.get("entity_id") or m["surface"].lower())]
        assert any(s < i["end"] + 400 and i["start"] - 400 < e for s, e in spans)


def test_cli_timeline(seed_db):
    res = CliRunner().invoke(cli, ["timeline", "--db", seed_db.path, "--json", "--from", "1962", "--to", "1962"])
    assert res.exit_code == 0, res.output
    items = json.loads(res.output)
    assert {i["kind"] for i in items} >= {"document", "claim"}
    res = CliRunner().invoke(cli, ["timeline", "--db", seed_db.path, "--from", "1927-06", "--to", "1927-06"])
    assert res.exit_code == 0 and "1927-06-15" in res.output
