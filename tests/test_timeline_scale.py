"""The timeline selects in SQL: interval overlap on dates, place/person through the mentions table, a limit."""

from __future__ import annotations

import hashlib

import pytest

from opis.search import bulk_load
from opis.timeline import sort_key, timeline

TEXT = (
    "In the winter of 1931 the border post at Bakhty reported that 1,093 people were detained while crossing "
    "into the USSR.\n\n" + "The district committee discussed the harvest and the grain procurement plan at length. " * 12
    + "\n\nComrade Petrov of the OGPU ordered the checkpoint at Khorgos closed on 5 May 1932."
)


def _record(n: int, date: tuple[str, str, str] | None, claims=(), events=(), mentions=()) -> dict:
    doc_id = hashlib.sha256(f"tl-{n}".encode()).hexdigest()[:16]
    return {
        "id": doc_id,
        "title": f"Report {n}",
        "date": {"edtf": date[0], "earliest": date[1], "latest": date[2]} if date else {},
        "doc_type": "report",
        "text": TEXT,
        "mentions": list(mentions),
        "claims": list(claims),
        "events": list(events),
        "provenance": {"path": f"tl/{n}.txt", "sha256": hashlib.sha256(doc_id.encode()).hexdigest(), "format": "text", "reader": "test"},
    }


def _span(word: str, occurrence: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(occurrence + 1):
        start = TEXT.index(word, start + 1)
    return start, start + len(word)


def _place(word: str, entity_id: str | None) -> dict:
    s, e = _span(word)
    return {"start": s, "end": e, "surface": word, "type": "PLACE", "entity_id": entity_id}


def _claim(value: int, what: str, edtf: str, earliest: str, latest: str, anchor: str) -> dict:
    s, e = _span(anchor)
    return {"value": value, "what": what, "date": {"edtf": edtf, "earliest": earliest, "latest": latest},
            "sentence": anchor, "start": s, "end": e}


@pytest.fixture()
def small(store):
    bakhty = _place("Bakhty", "place:bakhty")
    khorgos = _place("Khorgos", "place:horgos")
    petrov = {"start": _span("Petrov")[0], "end": _span("Petrov")[1], "surface": "Petrov", "type": "PERSON", "entity_id": None}
    undated_person = {"start": None, "end": None, "surface": "Petrov", "type": "PERSON", "entity_id": None}
    records = [
        _record(1, ("1930/1933", "1930-01-01", "1933-12-31"), mentions=[bakhty],
                claims=[_claim(1093, "people detained crossing into the USSR", "1930/1933", "1930-01-01", "1933-12-31", "1,093")]),
        _record(2, ("1931-05-02", "1931-05-02", "1931-05-02"), mentions=[khorgos, petrov, undated_person],
                events=[{"date": {"edtf": "1932-05-05", "earliest": "1932-05-05", "latest": "1932-05-05"},
                         "what": "checkpoint at Khorgos closed", "kind": "order", "actor": "Petrov",
                         "start": _span("Comrade")[0], "end": len(TEXT)}]),
        _record(3, ("1934", "1934-01-01", "1934-12-31"), mentions=[bakhty, khorgos]),
        _record(4, ("1932-03", "1932-03-01", "1932-03-31"), mentions=[],
                claims=[_claim(4, "vehicles", "1932-03", "1932-03-01", "1932-03-31", "Bakhty")]),
        _record(5, None, mentions=[bakhty]),
        _record(6, ("19XX", "1900-01-01", "1999-12-31")),  # a long interval: the range floor must reach it
    ]
    bulk_load(store, records)
    return store, {n: r["id"] for n, r in enumerate(records, 1)}


def _ids(items, kind):
    return [i["doc_id"] for i in items if i["kind"] == kind]


def test_interval_overlapping_the_window_is_kept(small):
    store, ids = small
    items = timeline(store, "1932", "1932")
    # 1930/1933 and 19XX overlap 1932; 1931 and 1934 do not
    assert set(_ids(items, "document")) == {ids[1], ids[4], ids[6]}
    assert set(_ids(items, "claim")) == {ids[1], ids[4]}
    assert _ids(items, "event") == [ids[2]]  # a 1932 event in a 1931 document
    assert [sort_key(i) for i in items] == sorted(sort_key(i) for i in items)
    # the window edge is inclusive on both sides
    assert ids[1] in _ids(timeline(store, "1933-12-31", "1935"), "document")
    assert ids[1] not in _ids(timeline(store, "1934", "1935"), "document")
    assert ids[3] in _ids(timeline(store, date_to="1934-01-01"), "document")


def test_a_date_sqlite_cannot_read_still_overlaps(small):
    store, ids = small
    store.delete(ids[6])  # without the long interval, 1930/1933 is the longest span
    with store.conn:  # an end SQLite cannot read as a date: no span can be computed for it
        store.conn.execute("UPDATE documents SET date_latest = '1933-12' WHERE id = ?", (ids[1],))
    assert ids[1] in _ids(timeline(store, "1932", "1932"), "document")
    assert ids[1] not in _ids(timeline(store, "1934", "1934"), "document")


def test_undated_documents_never_appear(small):
    store, ids = small
    assert ids[5] not in _ids(timeline(store, limit=None), "document")


def test_place_filter_reads_mentions_not_record_json(small):
    store, ids = small
    before = timeline(store, place="Bakhty")
    # the filter must not depend on the record JSON: blank it and get the same answer
    with store.conn:
        store.conn.execute("UPDATE documents SET record = '{}'")
    after = timeline(store, place="Bakhty")
    assert after == before
    assert set(_ids(after, "document")) == {ids[1], ids[3]}
    # the claim next to "Bakhty" in document 1 is kept; document 4's claim sits at the word, but
    # document 4 never mentions the place as an entity
    assert _ids(after, "claim") == [ids[1]]
    assert _ids(after, "event") == []  # the Khorgos order is not near Bakhty
    by_id = timeline(store, place="place:horgos")
    assert set(_ids(by_id, "document")) == {ids[2], ids[3]}
    assert _ids(by_id, "event") == [ids[2]]


def test_person_filter_and_a_mention_without_offsets(small):
    store, ids = small
    items = timeline(store, person="petrov")
    assert _ids(items, "document") == [ids[2]]
    assert _ids(items, "event") == [ids[2]]
    assert timeline(store, person="Ivanov") == []


def test_limit_is_a_prefix_of_the_full_timeline(seed_db):
    everything = timeline(seed_db, limit=None)
    assert len(everything) > 25
    for n in (1, 10, 25):
        assert timeline(seed_db, limit=n) == everything[:n]
    assert timeline(seed_db, "1945", "1962", limit=5) == timeline(seed_db, "1945", "1962", limit=None)[:5]
    assert timeline(seed_db, kinds=("claim",), limit=3) == [i for i in everything if i["kind"] == "claim"][:3]


def test_default_limit_bounds_the_output(small):
    store, _ = small
    assert len(timeline(store, limit=2)) == 2
    assert len(timeline(store)) == len(timeline(store, limit=None))  # small store: under the default
