"""Single-term queries: totals from document frequencies and facets from summaries (tantivy)."""

from __future__ import annotations

import itertools

import pytest

from opis.search import bulk_load, get_backend, reindex, search
from opis.search import tantivy_index as ti
from opis.search.tantivy_index import read_state, sample_level
from test_search import town_records


@pytest.fixture()
def towns(store, monkeypatch):
    """3,000 town reports with the sampling limits lowered: ``border`` (every record) is
    counted on a sample and summarised, ``exodus`` (300) is counted exactly."""
    monkeypatch.setattr(ti, "EXACT_LIMIT", 500)
    monkeypatch.setattr(ti, "SAMPLE_TARGET", 600)
    assert bulk_load(store, town_records(3000), batch=500, all_indexers=False) == 3000
    reindex(store, "tantivy")
    return store


def counting_calls(monkeypatch) -> list[int]:
    """Every facet count handed to the counting threads is recorded."""
    calls: list[int] = []
    real = ti._pool

    def pool():
        calls.append(1)
        return real()

    monkeypatch.setattr(ti, "_pool", pool)
    return calls


def record(doc_id: str, text: str) -> dict:
    return {"id": doc_id, "title": f"Late report {doc_id}", "text": text, "doc_type": "report",
            "date": {"edtf": "1950", "earliest": "1950-01-01", "latest": "1950-12-31"},
            "provenance": {"path": f"/late/{doc_id}.txt", "sha256": doc_id.rjust(64, "0"), "format": "text",
                           "reader": "text"}}


def id_of_level(test) -> str:
    return next(i for i in (f"late{k}" for k in itertools.count()) if test(sample_level(i)))


def test_a_rebuild_summarises_the_frequent_words(towns, monkeypatch):
    engine = get_backend(towns, "tantivy")
    summaries = engine.summaries
    level = ti._level(3000)
    assert level > 0
    assert summaries.get("all", "border", level, engine.seq) is not None
    assert summaries.get("all", "border_guard", level, engine.seq) is not None  # the phrase "border guards"
    assert summaries.get("all", "exodus", level, engine.seq) is None  # 300 matches: counted exactly
    assert summaries.get("all", "border", level, engine.seq - 1) is None  # for another state of the index
    calls = counting_calls(monkeypatch)
    read = search(towns, "border", backend="tantivy")
    assert calls == [] and read.approximate and read.total == 3000
    assert search(towns, '"border guards"', backend="tantivy").approximate and calls == []
    # the summary holds what counting gives
    monkeypatch.setattr(summaries, "get", lambda *a: None)
    counted = search(towns, "border", backend="tantivy")
    assert calls == [1]
    assert counted.facets == read.facets and counted.total == read.total
    assert dict(read.facets["place"])["Tacheng"] == pytest.approx(1200, rel=0.15)
    # a query of more than one term is counted
    search(towns, "border exodus", backend="tantivy")
    assert calls == [1, 1]


def test_a_change_drops_the_summaries_it_touches(towns, monkeypatch):
    engine = get_backend(towns, "tantivy")
    level = ti._level(3000)
    calls = counting_calls(monkeypatch)
    # a document below the summary's sample level leaves it true
    bulk_load(towns, [record(id_of_level(lambda k: k < level), "Border guards returned.")], all_indexers=False)
    low = search(towns, "border", backend="tantivy")
    assert low.total == 3001 and calls == []
    assert engine.summaries.get("all", "border", level, engine.seq) is not None
    # one in its sample drops it: the next search counts, and keeps the summary again
    bulk_load(towns, [record(id_of_level(lambda k: k >= level), "Border guards returned.")], all_indexers=False)
    high = search(towns, "border", backend="tantivy")
    assert high.total == 3002 and calls == [1]
    assert engine.summaries.get("all", "border", level, engine.seq) is not None
    again = search(towns, "border", backend="tantivy")
    assert calls == [1] and again.facets == high.facets


def test_a_summary_counted_on_an_older_index_is_not_kept(towns):
    engine = get_backend(towns, "tantivy")
    level = ti._level(3000)
    counts = engine.summaries.get("all", "border", level, engine.seq).counts
    engine.summaries.put("all", "nosuchterm", level, counts, engine.seq - 1)
    assert engine.summaries.get("all", "nosuchterm", level, engine.seq) is None
    assert engine.summaries.get("all", "nosuchterm", level, engine.seq - 1) is None


def test_single_term_totals_stay_exact_after_deletes(towns):
    engine = get_backend(towns, "tantivy")
    assert engine.clean and read_state(ti.index_dir(towns))["deletes"] is False
    assert search(towns, "border", backend="tantivy").total == 3000
    assert search(towns, '"border guards"', backend="tantivy").total == 3000  # one pair term
    # a new document deletes nothing
    bulk_load(towns, [record("late-new", "Border guards returned.")], all_indexers=False)
    assert search(towns, "border", backend="tantivy").total == 3001 and engine.clean
    # a changed and a deleted one do: totals are counted from then on, and stay exact
    towns.delete("s00001")
    towns.delete("s00002")
    if towns.conn.dialect.name == "sqlite":  # (FTS5, the other engine, is SQLite's)
        for query in ("border", '"border guards"', "exodus", "Chuguchak"):
            assert search(towns, query, backend="tantivy").total == search(towns, query, backend="fts5").total, query
    assert search(towns, "border", backend="tantivy").total == 2999
    assert not engine.clean and read_state(ti.index_dir(towns))["deletes"] is True
    reindex(towns, "tantivy")
    engine = get_backend(towns, "tantivy")
    assert engine.clean and search(towns, "border", backend="tantivy").total == 2999
