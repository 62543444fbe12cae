"""Issue 20: the timeline, archive tree and document list read kept counts and bounded pages.

The counts (0010_timeline_buckets.sql) must equal a recount from the base tables after any
sequence of writes, rewrites and deletes, and every page query must be an index walk bounded by
its page: checked here with SQLite's own query plans, on copies of the seed records.
"""

from __future__ import annotations

import copy
import hashlib
import re

import pytest

from opis import Archive
from opis.model import Document
from opis.store import archrefs, documents, timeline

BIG = {"documents", "mentions", "claims", "events", "archival_refs", "entities", "entity_names", "archive_nodes"}
ALIASES = {"d": "documents", "m": "mentions", "c": "claims", "e": "events", "r": "archival_refs"}


def _shift(date: dict | None, years: int) -> None:
    for key in ("earliest", "latest"):
        value = (date or {}).get(key)
        if value and value[:4].isdigit():
            date[key] = f"{int(value[:4]) + years:04d}{value[4:]}"


def _copy(rec: dict, n: int, years: int) -> Document:
    rec = copy.deepcopy(rec)
    rec["id"] = hashlib.sha256(f"copy-{n}".encode()).hexdigest()[:16]
    rec["provenance"]["path"] = f"copies/{n}.txt"
    rec["provenance"]["sha256"] = hashlib.sha256(rec["id"].encode()).hexdigest()
    rec.pop("record_id", None)
    _shift(rec.get("date"), years)
    for item in rec.get("claims", []) + rec.get("events", []):
        _shift(item.get("date"), years)
    return Document.from_dict(rec)


@pytest.fixture()
def copies(tmp_path, seed_records):
    """An archive of 3 copies of each seed record, dates moved by 0, 7 and 14 years."""
    archive = Archive(tmp_path / "copies.db")
    recs = [seed_records[k] for k in sorted(seed_records)]
    with archive.store.batch():
        for n in range(3 * len(recs)):
            archive.store.write(_copy(recs[n % len(recs)], n, 7 * (n // len(recs))))
    yield archive
    archive.close()


def _recount(conn) -> dict[str, list[tuple]]:
    """The kept counts as a recount from the base tables gives them."""
    year = "CASE WHEN date_earliest > '' THEN substr(date_earliest, 1, 4) ELSE '' END"
    years: dict[str, list[int]] = {}
    for i, table in enumerate(("documents", "claims", "events")):
        for y, n in conn.execute(f"SELECT {year}, count(*) FROM {table} GROUP BY 1"):
            years.setdefault(y, [0, 0, 0])[i] = n
    nodes = []
    for depth in range(4):
        cols = ", ".join(archrefs.LEVELS[: depth + 1])
        nodes += [tuple(r) for r in conn.execute(
            f"SELECT json_array({cols}), count(*), count(DISTINCT doc_id) FROM archival_refs"
            f" WHERE kind = 'archival' GROUP BY {cols}")]
    names = {(t, n.lower(), i) for t, n, i in conn.execute(  # (entity_names folds case: NOCASE)
        "SELECT type, label, id FROM entities WHERE label > '' UNION SELECT e.type, json_extract(v.value, '$.name'), e.id"
        " FROM entities e, json_each(e.variants) v WHERE json_extract(v.value, '$.name') > ''")}
    return {
        "years": sorted((y, *c) for y, c in years.items() if any(c)),
        "types": sorted(tuple(r) for r in conn.execute("SELECT coalesce(doc_type, ''), count(*) FROM documents GROUP BY 1")),
        "nodes": sorted(nodes),
        "names": names,
    }


def _kept(conn) -> dict[str, list[tuple]]:
    return {
        "years": sorted(tuple(r) for r in conn.execute(
            "SELECT year, documents, claims, events FROM timeline_years WHERE documents OR claims OR events")),
        "types": sorted(tuple(r) for r in conn.execute("SELECT doc_type, documents FROM document_type_counts WHERE documents")),
        "nodes": sorted(tuple(r) for r in conn.execute("SELECT key, refs, documents FROM archive_nodes")),
        "names": {(t, n.lower(), i) for t, n, i in conn.execute("SELECT type, name, entity_id FROM entity_names")},
    }


def test_kept_counts_equal_a_recount_through_rewrites_deletes_and_rebuilds(copies):
    store = copies.store
    conn = store.conn
    assert _kept(conn) == _recount(conn)
    assert len(_kept(conn)["years"]) >= 3 and _kept(conn)["nodes"] and _kept(conn)["names"]
    first = copies.list(100).documents
    # a new version of a document: another year, another type, without its archival references
    doc = store.get(first[0]["id"])
    doc.date.earliest = "1801-01-01"
    doc.date.latest = "1801-12-31"
    doc.doc_type = "memorandum-test"
    doc.archival_refs = []
    store.write(doc)
    store.delete(first[1]["id"])
    assert _kept(conn) == _recount(conn)
    assert ("1801", 1) in [y[:2] for y in _kept(conn)["years"]]
    store.rederive()  # every derived row rewritten from the records
    assert _kept(conn) == _recount(conn)
    with store.writing("rebuilding"):
        timeline.rebuild_years(conn)
        archrefs.rebuild_nodes(conn)
        documents.rebuild_type_counts(conn)
    assert _kept(conn) == _recount(conn)


def _plans(archive: Archive, calls) -> list[tuple[str, list[str]]]:
    """Each statement the calls run, with its query plan."""
    conn = archive.store.conn
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    try:
        for call in calls:
            call()
    finally:
        conn.set_trace_callback(None)
    out = []
    for sql in statements:
        if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
            continue
        out.append((sql, [r[3] for r in conn.execute("EXPLAIN QUERY PLAN " + sql)]))
    return out


def _unbounded(sql: str, plan: list[str]) -> list[str]:
    """Plan lines that read a large table whole: a scan without an index, or an index walked
    without a LIMIT."""
    bad = []
    for line in plan:
        m = re.match(r"SCAN (\w+)", line)
        if not m or ALIASES.get(m.group(1), m.group(1)) not in BIG:
            continue
        if "USING" not in line or not re.search(r"\bLIMIT\b", sql, re.I):
            bad.append(line)
    return bad


def test_every_page_query_is_an_index_walk_bounded_by_its_page(copies):
    a = copies
    tree = a.archive_tree()
    code = tree[0]["archive"]
    fonds = a.archive_tree(code)
    leaf = next(r for r in a.citing(code, limit=5))
    doc_type = a.document_type_counts()[0]["doc_type"]
    calls = [
        a.timeline_years, lambda: a.timeline_page(limit=100), lambda: a.timeline_page("1945", "1946", limit=100),
        lambda: a.timeline_page(place="place:tacheng", limit=100), lambda: a.timeline_page(person="Stalin", limit=100),
        lambda: a.timeline_page(place="Chuguchak", person="Stalin", limit=100),
        lambda: a.suggest("ta"), lambda: a.suggest("Chu", "PLACE"),
        lambda: a.archive_tree(limit=50), lambda: a.archive_tree(code, limit=50, after=""),
        lambda: a.archive_tree(code, fonds[0]["fond"], limit=50),
        lambda: a.archive_tree(code, leaf["fond"], leaf["opis"], limit=50),
        lambda: a.citing(code, limit=100), lambda: a.citing(code, leaf["fond"], leaf["opis"], leaf["delo"], limit=100, offset=1),
        lambda: a.list(50, 0), lambda: a.list(50, 0, doc_type=doc_type), lambda: a.count(),
        lambda: a.count(doc_type=doc_type), a.document_type_counts, a.document_types,
    ]
    plans = _plans(a, calls)
    assert len(plans) > 30
    bad = [(sql[:160], lines) for sql, plan in plans if (lines := _unbounded(sql, plan))]
    assert not bad, bad


def _walk(page, **kw) -> list[dict]:
    out, cursor = [], None
    while True:
        p = page(cursor=cursor, **kw)
        out += p["items"]
        cursor = p["next"]
        if not cursor:
            return out


@pytest.mark.parametrize("filters", [{}, {"place": "place:tacheng"}, {"place": "Chuguchak", "person": "Stalin"},
                                     {"date_from": "1945", "date_to": "1960", "place": "Xinjiang"}])
def test_cursor_pages_add_up_to_the_whole_timeline_even_with_tiny_budgets(copies, monkeypatch, filters):
    everything = copies.timeline(limit=None, **filters)
    assert _walk(copies.timeline_page, limit=7, **filters) == everything
    for name, value in (("BUDGET", 3), ("BUDGET_DOCUMENTS", 2), ("BUDGET_KNOWN", 5), ("ROUNDS", 1)):
        monkeypatch.setattr(timeline, name, value)
    assert _walk(copies.timeline_page, limit=4, **filters) == everything
    monkeypatch.setattr(timeline, "MAX_SPANS", 1)  # every document's mentions read as it is walked
    monkeypatch.setattr(timeline, "FEW_DOCUMENTS", 0)
    assert _walk(copies.timeline_page, limit=4, **filters) == everything
    if filters:
        assert everything, "the filter keeps something in these copies"


def test_offset_pages_are_slices_of_the_whole_timeline(copies):
    everything = copies.timeline(limit=None)
    assert copies.timeline(limit=5, offset=10) == everything[10:15]


def test_archive_tree_and_citing_pages_add_up(copies):
    code = copies.archive_tree()[0]["archive"]
    whole = copies.archive_tree(code)
    paged, after = [], None
    while True:
        page = copies.archive_tree(code, limit=1, after=after)
        paged += page
        if len(page) < 1 or page[-1]["fond"] is None:
            break
        after = page[-1]["fond"]
    assert paged == whole
    cited = copies.citing(code, limit=10_000)
    assert [c for o in range(0, len(cited), 2) for c in copies.citing(code, limit=2, offset=o)] == cited
    assert sorted(map(str, cited)) == sorted(map(str, copies.citing(code)))  # the whole list: the same, by date
    assert sum(n["refs"] for n in whole) == len(cited)


def test_document_list_total_and_types_come_from_the_kept_counts(copies):
    types = copies.document_type_counts()
    assert sum(t["documents"] for t in types) == copies.count() == copies.list(1).total
    for t in types:
        if t["doc_type"]:
            assert copies.count(doc_type=t["doc_type"]) == t["documents"] == copies.list(1, doc_type=t["doc_type"]).total
    assert copies.document_types() == sorted(t["doc_type"] for t in types if t["doc_type"])
