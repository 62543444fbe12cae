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
