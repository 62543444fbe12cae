"""Claims and events tables follow the records: written with the upsert, removed with the document."""

from __future__ import annotations

from conftest import SEEDS
from opis.ingest import ingest_file
from opis.store.claims import list_claims, list_events


def test_claims_rows_follow_the_record(store):
    r = ingest_file(store, str(SEEDS["003"]))
    assert r.status == "added"
    rows = list_claims(store)
    rec = store.get_dict(r.id)
    assert len(rows) == len(rec["claims"]) >= 3
    assert {(c["value"], c["qualifier"]) for c in rows} >= {(10000, "approximately"), (6000, "approximately"), (10000, "at least")}
    assert all(c["title"] == rec["title"] for c in rows)
    assert list_events(store)
    # the same file again changes nothing; deleting the document removes its rows
    assert ingest_file(store, str(SEEDS["003"])).status == "unchanged"
    assert len(list_claims(store)) == len(rows)
    store.delete(r.id)
    assert list_claims(store) == [] and list_events(store) == []


def test_bad_dates_in_queries_are_clear_errors(store):
    import pytest

    from opis.errors import QuerySyntaxError

    with pytest.raises(QuerySyntaxError, match="not a date"):
        list_claims(store, date_from="sometime")


def test_sentences_kept_as_offsets_read_back_as_written(store):
    """A sentence found in the text is stored as its offsets and cut from the text when read:
    every claim and event lists the sentence of its record, on the claims list and the timeline."""
    from opis.store import timeline

    r = ingest_file(store, str(SEEDS["003"]))
    rec = store.get_dict(r.id)
    stored = store.conn.execute("SELECT count(*), count(sentence), count(sentence_start) FROM claims").fetchone()
    assert stored[0] == len(rec["claims"]) and stored[2] > 0 and stored[1] < stored[0]
    assert sorted((c["start"] or -1, c["sentence"] or "") for c in list_claims(store)) == sorted(
        (c.get("start") or -1, c.get("sentence") or "") for c in rec["claims"])
    by_n = {e["start"]: e["sentence"] for e in rec["events"]}
    events = list_events(store)
    assert events and all(e["sentence"] == by_n[e["start"]] for e in events)
    assert store.conn.execute("SELECT count(sentence_start) FROM events").fetchone()[0] > 0
    items = timeline.timeline_page(store, kinds=("claim", "event"), limit=1000).items
    assert len(items) > len(events) and all("_sentence_at" not in i["detail"] for i in items)
    texts = {(i["kind"], i["start"]): i["detail"]["sentence"] for i in items}
    assert {(k, s): v for (k, s), v in texts.items() if k == "event"} == {("event", s): v for s, v in by_n.items()
                                                                        if ("event", s) in texts}
