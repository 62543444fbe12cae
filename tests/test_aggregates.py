"""The kept aggregates (opis.store.aggregates) stay exact through ingest, re-ingest of a changed
file, corrections and deletes; a rebuild restores them; the page queries read them by index."""

from __future__ import annotations

import copy
import re
import shutil

import pytest

from conftest import SEEDS
from opis.ingest import ingest_paths
from opis.model import Document
from opis.store import Store, aggregates
from opis.store import claims as claims_store
from opis.store import entities as ent_store


def _assert_exact(store: Store) -> None:
    assert aggregates.problems(store.conn) == []


@pytest.fixture()
def copied(tmp_path, seed_db):
    """A fresh store holding copies of the seed records (written, not ingested: fast)."""
    s = Store(tmp_path / "agg.db")
    with s.batch():
        for rec in seed_db.iter_records():
            s.write(Document.from_dict(rec))
    yield s
    s.close()


def test_ingest_reingest_changed_file_and_delete_keep_counts_exact(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for key in ("000", "003"):
        shutil.copy(SEEDS[key], corpus / SEEDS[key].name)
    store = Store(tmp_path / "a.db")
    assert {r.status for r in ingest_paths(store, [corpus])} == {"added"}
    _assert_exact(store)
    before = {r["id"]: r["documents"] for r in ent_store.list_entities(store, limit=1000)}
    assert before and all(n >= 1 for n in before.values())
    # a changed file: its second half cut away, so some mentions and claims go
    path = corpus / SEEDS["003"].name
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: len(text) // 2], encoding="utf-8")
    assert {r.status for r in ingest_paths(store, [corpus])} >= {"updated"}
    _assert_exact(store)
    after = {r["id"]: r["documents"] for r in ent_store.list_entities(store, limit=1000)}
    assert after != before
    for doc_id in [r["id"] for r in store.list()]:
        store.delete(doc_id)
        _assert_exact(store)
    assert ent_store.list_entities(store) == [] and ent_store.places_with_counts(store) == []
    for table in ("entity_docs", "entity_surfaces", "claim_entities", "claim_kinds"):
        assert store.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0, table
    store.close()


def test_rewriting_a_record_with_other_mentions_and_date_keeps_counts_exact(copied):
    doc = Document.from_dict(copied.get_dict(next(r["id"] for r in copied.list())))
    _assert_exact(copied)
    changed = copy.deepcopy(doc)
    changed.mentions = changed.mentions[::2]  # half of them
    changed.claims = changed.claims[1:]
    changed.date.earliest = "1901-01-01"
    copied.write(changed)
    _assert_exact(copied)
    assert {r[0] for r in copied.conn.execute("SELECT DISTINCT date_key FROM entity_docs WHERE doc_id = ?",
                                              (doc.id,))} <= {"1901-01-01"}
    copied.write(doc)
    _assert_exact(copied)


def test_counts_equal_a_recount_from_the_mentions(copied):
    conn = copied.conn
    want = {r[0]: (r[1], r[2]) for r in conn.execute(
        "SELECT entity_id, count(DISTINCT doc_id), count(*) FROM mentions WHERE entity_id IS NOT NULL GROUP BY entity_id")}
    listed = ent_store.list_entities(copied, limit=100_000)
    assert listed and {r["id"]: (r["documents"], r["mentions"]) for r in listed} == want
    assert [r["documents"] for r in listed] == sorted((r["documents"] for r in listed), reverse=True)
    on_map = {r[0]: r[1] for r in conn.execute(
        """SELECT e.id, count(DISTINCT m.doc_id) FROM entities e JOIN mentions m ON m.entity_id = e.id
           WHERE e.type = 'PLACE' AND e.lat IS NOT NULL AND e.lon IS NOT NULL AND m.role IS NULL GROUP BY e.id""")}
    assert {p["id"]: p["count"] for p in ent_store.places_with_counts(copied)} == on_map
    assert ent_store.count_places(copied) == len(on_map)


def test_mentions_by_page_are_the_whole_list_cut_in_pages(copied):
    top = ent_store.list_entities(copied, limit=1)[0]
    everything = ent_store.entity_mentions(copied, top["id"])
    assert len(everything) == top["mentions"] > 3
    pages = [ent_store.entity_mentions(copied, top["id"], limit=3, offset=o) for o in range(0, len(everything), 3)]
    assert [m for p in pages for m in p] == everything
    texts = copied.texts([m["doc_id"] for m in everything])
    for m in everything:  # the context is cut from the text (or the note) around the mention
        if m["note"] is None and m["start"] is not None:
            assert m["surface"] in m["context"]
            assert texts[m["doc_id"]][m["start"]:m["end"]] == m["surface"]
    docs = ent_store.entity_documents(copied, top["id"], limit=100)
    assert len(docs) == top["documents"] and sum(d["mentions"] for d in docs) == top["mentions"]


def test_cooccurrence_over_few_documents_equals_the_self_join(copied):
    old = """SELECT m2.entity_id, count(DISTINCT m2.doc_id) FROM mentions m1
             JOIN mentions m2 ON m2.doc_id = m1.doc_id AND m2.entity_id != m1.entity_id
             JOIN entities e ON e.id = m2.entity_id
             WHERE m1.entity_id = ? AND m1.role IS NULL AND m2.role IS NULL GROUP BY m2.entity_id"""
    for ent in ent_store.list_entities(copied, limit=5):
        want = dict(copied.conn.execute(old, (ent["id"],)).fetchall())
        got = ent_store.cooccurring(copied, ent["id"], limit=10_000)
        assert {c["id"]: c["documents"] for c in got} == want
        assert all(c["of"] <= ent["documents"] for c in got)
    # over a sample: the latest documents only, and it says how many
    ent = ent_store.list_entities(copied, limit=1)[0]
    got = ent_store.cooccurring(copied, ent["id"], sample=1)
    assert got and all(c["of"] == 1 and c["documents"] == 1 for c in got)


def test_claims_by_entity_and_by_page(copied):
    everything = claims_store.list_claims(copied)
    assert [claims_store.list_claims(copied, limit=5, offset=o) for o in range(0, len(everything), 5)] == [
        everything[o : o + 5] for o in range(0, len(everything), 5)]
    place = copied.conn.execute(
        "SELECT place FROM claims WHERE place IS NOT NULL GROUP BY place ORDER BY count(*) DESC").fetchone()[0]
    about = claims_store.list_claims(copied, about=place)
    assert {c["id"] for c in about} >= {c["id"] for c in everything if c["place"] == place}
    assert len({c["id"] for c in about}) == len(about)  # each claim once
    by_place = claims_store.list_claims(copied, place=place)
    assert {c["id"] for c in by_place} == {c["id"] for c in everything if c["place"] == place}
    # a claim linked through its sentence names the entity inside the sentence
    for c in about:
        if c["place"] != place:
            names = {r[0] for r in copied.conn.execute(
                "SELECT surface FROM mentions WHERE doc_id = ? AND entity_id = ?", (c["doc_id"], place))}
            assert any(n in c["sentence"] or n == c["reported_by"] for n in names), c
    kinds = claims_store.claim_kinds(copied)
    assert sum(k["claims"] for k in kinds) == sum(1 for c in everything if c["kind"])
    k = kinds[0]["kind"]
    of_kind = claims_store.list_claims(copied, kind=k)
    assert of_kind and all(claims_store._compare_key(c) == k for c in of_kind)


def test_compare_among_a_window_is_the_comparison_of_that_window(copied):
    everything = claims_store.compare_claims(copied)
    assert everything  # the seeds hold claims that line up
    assert claims_store.compare_claims(copied, limit=100_000) == everything
    dated = claims_store.list_claims(copied, dated=True)
    half = len(dated) // 2
    first = claims_store.compare_claims(copied, limit=half)
    ids = {c["id"] for c in dated[:half]}
    assert all(c["id"] in ids for g in first for c in g["claims"])


def test_rebuild_restores_drifted_aggregates(copied):
    conn = copied.conn
    with copied.writing():
        conn.execute("UPDATE entities SET n_documents = n_documents + 3 WHERE rowid % 2 = 0")
        conn.execute("DELETE FROM claim_entities WHERE role = 'sentence'")
        conn.execute("UPDATE claim_kinds SET claims = claims + 1")
    found = aggregates.problems(conn)
    assert {p.split(":")[0] for p in found} == {"entity counts", "claim_entities", "claim_kinds"}
    from opis.store.check import check_store

    report = check_store(copied)
    assert not next(c for c in report.checks if c.name == "aggregates").ok
    copied.rederive()
    _assert_exact(copied)
    assert next(c for c in check_store(copied).checks if c.name == "aggregates").ok


# --- the page queries read indexes ------------------------------------------------------------

SMALL = {"claim_kinds"}  # one row per kind of claim: read whole
BASE = ("mentions", "claims", "entities", "entity_docs", "entity_surfaces", "claim_entities", "documents")


def _page_statements(store: Store) -> list[str]:
    """The SQL of every page query of the entity, map and claims pages (and their API lists)."""
    top = ent_store.list_entities(store, limit=1)[0]["id"]
    place = store.conn.execute("SELECT place FROM claims WHERE place IS NOT NULL LIMIT 1").fetchone()[0]
    seen: list[str] = []
    store.conn.set_trace_callback(seen.append)
    try:
        ent_store.list_entities(store, limit=100)
        ent_store.list_entities(store, "PLACE", limit=100, offset=10)
        ent_store.get_entity(store, top)
        ent_store.entity_mentions(store, top, limit=30, offset=3)
        ent_store.cooccurring(store, top)
        ent_store.places_with_counts(store, limit=1000)
        ent_store.count_places(store)
        claims_store.list_claims(store, about=top, limit=26)
        claims_store.list_claims(store, place=place, limit=26)
        claims_store.list_claims(store, limit=100, offset=5)
        claims_store.list_claims(store, date_from="1930", date_to="1962", limit=100)
        claims_store.claim_kinds(store)
        claims_store.compare_claims(store, limit=500)
        claims_store.compare_claims(store, kind=claims_store.claim_kinds(store)[0]["kind"], limit=500)
    finally:
        store.conn.set_trace_callback(None)
    return [q for q in dict.fromkeys(seen) if q.lstrip().upper().startswith("SELECT")]


def test_page_queries_seek_indexes_and_never_scan_a_table(copied):
    statements = _page_statements(copied)
    assert len(statements) > 10
    for sql in statements:
        plan = [r[3] for r in copied.conn.execute("EXPLAIN QUERY PLAN " + sql)]
        for step in plan:
            m = re.match(r"SCAN (\w+)( USING (COVERING )?INDEX \w+)?", step)
            if not m or m.group(1) in SMALL or m.group(1) not in BASE + ("c", "d", "m", "ce", "e"):
                continue  # a search, or a scan of a subquery's few rows
            # a table may only be walked along an index, and then only for a page (LIMIT)
            assert m.group(2) and re.search(r"\bLIMIT\b", sql), f"{step} in: {' '.join(sql.split())[:200]}"


def test_the_map_reads_its_own_index(copied):
    """The map's points come from the partial index of places that have coordinates and
    documents, most documents first: not from every place."""
    for sql in _page_statements(copied):
        if "n_discussed AS count" in sql:
            plan = " ".join(r[3] for r in copied.conn.execute("EXPLAIN QUERY PLAN " + sql))
            assert "INDEX entities_map" in plan and "TEMP B-TREE" not in plan, plan
            break
    else:
        raise AssertionError("the map's query was not run")


def test_words_prefiltered_in_sql_find_what_the_python_match_finds(copied):
    everything = claims_store.list_claims(copied)
    for words in ("killed", "people crossed", "versts", "households", "border guards", "zebras"):
        want = [c["id"] for c in everything if claims_store._matches(words, c)]
        assert [c["id"] for c in claims_store.list_claims(copied, about=words)] == want, words
        assert [c["id"] for c in claims_store.list_claims(copied, about=words, limit=3, offset=1)] == want[1:4]
    label = next(c["place_label"] for c in everything if c["place_label"])
    word = label.split()[0].lower()
    want = [c["id"] for c in everything if word in (c["place"] or "").lower() or word in (c["place_label"] or "").lower()]
    assert want and [c["id"] for c in claims_store.list_claims(copied, place=word)] == want


def test_the_migration_fills_the_aggregates_of_an_older_database_as_writes_keep_them(copied):
    """Migration 0009 fills the aggregates of a database made before it from the base tables;
    they equal what the writes keep (all but the sentence links, which need the sentence's
    offsets: made at the next reindex)."""
    from opis.store.migrations import _statements, migration_files

    sql = dict(migration_files())["0009_aggregates.sql"]
    fill = [s for s in _statements(sql[sql.index("-- Fill them"):]) if s.strip()]
    assert len(fill) >= 5
    conn = copied.conn
    with copied.writing():
        conn.execute("DELETE FROM claim_entities WHERE role = 'sentence'")
        kept = aggregates.stored(conn)
        for table in ("entity_docs", "entity_surfaces", "claim_entities", "claim_kinds"):
            conn.execute(f"DELETE FROM {table}")
        conn.execute("UPDATE entities SET n_documents = 0, n_mentions = 0, n_discussed = 0")
        for statement in fill:
            conn.execute(statement)
    assert aggregates.stored(conn) == kept
