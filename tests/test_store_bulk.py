"""``opis.store.bulk.load`` writes what ``Store.write`` writes: a corpus loaded both ways (the
seeds, and synthetic records made from them by ``bench/synth.py``, so that entities are shared
by many documents and counted in every aggregate) gives the same rows in every table, the same
aggregates (``opis check`` clean) and the same pages."""

from __future__ import annotations

import importlib.util
import sqlite3
import sys
from pathlib import Path

import pytest

from opis.store import Store, aggregates, bulk

REPO = Path(__file__).resolve().parent.parent
# columns that hold the time of the write (different in any two writes)
VOLATILE = {"changes": ("at",), "documents": ("ingested_at", "updated_at"), "collections": ("created",), "schema_migrations": ("applied_at",),
            "store_meta": ("value",), "search_meta": ("value",)}  # (keys compared; random ids)
N = 80


@pytest.fixture(scope="module")
def synth():
    spec = importlib.util.spec_from_file_location("bench_synth_bulk", REPO / "bench" / "synth.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules["bench_synth_bulk"] = mod  # (its dataclasses look their module up while being made)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def templates(synth, seed_db):
    return synth.load_templates(seed_db.path)


@pytest.fixture(scope="module")
def docs(synth, templates):
    return [t.doc for t in templates] + list(synth.iter_documents(templates, N))


def _write_each(path: Path, docs) -> None:
    with Store(path) as store, store.batch("one by one"):
        for doc in docs:
            store.write(doc)


def _tables(path: Path) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(path)
    out = {}
    names = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'search_fts%'")]
    for name in names:
        cols = [r[1] for r in conn.execute(f'PRAGMA table_info("{name}")') if r[1] not in VOLATILE.get(name, ())]
        out[name] = sorted(conn.execute(f'SELECT {", ".join(cols)} FROM "{name}"').fetchall(), key=repr)
    out["indexes"] = sorted(conn.execute("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index'").fetchall())
    conn.close()
    return out


def test_bulk_load_writes_the_rows_store_write_writes(docs, tmp_path):
    _write_each(tmp_path / "each.db", docs)
    with Store(tmp_path / "bulk.db") as store:
        assert bulk.load(store, iter(docs), batch=30) == len(docs)
        assert aggregates.problems(store.conn) == []
    each, loaded = _tables(tmp_path / "each.db"), _tables(tmp_path / "bulk.db")
    assert each.keys() == loaded.keys()
    assert sum(len(v) for k, v in each.items() if k in ("mentions", "entity_docs", "claim_entities")) > 1000
    for name in each:
        assert each[name] == loaded[name], name


def test_bulk_load_gives_the_same_pages(docs, tmp_path):
    from opis import Archive

    _write_each(tmp_path / "each.db", docs)
    with Store(tmp_path / "bulk.db") as store:
        bulk.load(store, iter(docs), batch=50)
    answers = []
    for path in (tmp_path / "each.db", tmp_path / "bulk.db"):
        with Archive(path, readonly=True) as archive:
            top = archive.entities(limit=5)
            place = next(e["id"] for e in archive.entities(type="PLACE", limit=1))
            answers.append([top, archive.entity(place), archive.timeline_page(limit=50), archive.timeline_years(),
                            archive.timeline_page(place=place, limit=20), archive.claims(limit=30),
                            archive.list(20, 10).documents, archive.places(limit=20),
                            archive.cooccurring(place)])
    assert answers[0] == answers[1]


def test_an_interrupted_load_is_finished_by_the_next(docs, tmp_path):
    path = tmp_path / "bulk.db"
    with Store(path) as store:
        def boom():
            yield from docs[:40]
            raise KeyboardInterrupt

        with pytest.raises(KeyboardInterrupt):
            bulk.load(store, boom(), batch=20)
        assert store.count() == 40
        assert aggregates.problems(store.conn)  # (counted only at the end of a load)
        bulk.load(store, iter(docs[40:]), batch=20)
        assert store.count() == len(docs)
        assert aggregates.problems(store.conn) == []
    _write_each(tmp_path / "each.db", docs)
    assert _tables(path) == _tables(tmp_path / "each.db")


def test_bulk_load_on_each_engine(docs, empty_db):
    with Store(empty_db) as store:
        assert bulk.load(store, iter(docs[:30]), batch=10) == 30
        assert store.count() == 30
        assert aggregates.problems(store.conn) == []


def test_a_parallel_tantivy_rebuild_finds_what_one_process_finds(docs, tmp_path, monkeypatch):
    from opis import Archive
    from opis.search import tantivy_index

    path = tmp_path / "bulk.db"
    with Store(path) as store:
        bulk.load(store, iter(docs), batch=50)
    queries = ["Soviet", '"border guards"', "Tacheng OR Moscow", "date:1920..1960 refugees"]
    answers = []
    for jobs in (1, 2):
        monkeypatch.setattr(tantivy_index, "PARALLEL_MIN", 0)
        with Store(path) as store:
            assert tantivy_index.TantivyBackend(store, sync=False).rebuild(jobs=jobs) == len(docs)
        with Archive(path, readonly=True) as archive:
            answers.append([[h.to_dict() for h in archive.search(q, limit=20).hits] for q in queries])
    assert answers[0] == answers[1]
    assert sum(len(a) for a in answers[0]) > 10


def test_copies_write_what_store_write_writes_for_the_copied_record(synth, templates, tmp_path):
    """Items past the pool are copies (``bulk.Copy``): their rows, copied in SQL, are the rows
    ``Store.write`` writes for the source's record under the copy's id, path, sha256, record id
    and source URL."""
    items = list(synth.iter_items(templates, N, pool=25))
    assert sum(isinstance(i, bulk.Copy) for i in items) == N - 25
    with Store(tmp_path / "bulk.db") as store:
        assert bulk.load(store, iter(items), batch=20) == N
        assert aggregates.problems(store.conn) == []
    _write_each(tmp_path / "each.db", list(synth.iter_documents(templates, N, pool=25)))
    each, loaded = _tables(tmp_path / "each.db"), _tables(tmp_path / "bulk.db")
    for name in each:
        assert each[name] == loaded[name], name
    with Store(tmp_path / "bulk.db") as a, Store(tmp_path / "each.db") as b:
        ids = a.ids()
        assert [a.get_dict(i) for i in ids] == [b.get_dict(i) for i in ids]


def test_a_tantivy_rebuild_sharing_the_fields_of_copies_finds_the_same(synth, templates, tmp_path, monkeypatch):
    from opis import Archive
    from opis.search import tantivy_index

    path = tmp_path / "bulk.db"
    items = list(synth.iter_items(templates, N, pool=25))
    with Store(path) as store:
        bulk.load(store, iter(items), batch=50)
    copies = {c.id: c.source for c in items if isinstance(c, bulk.Copy)}
    queries = ["Soviet", '"border guards"', "Tacheng OR Moscow", "date:1920..1960 refugees", "archive:GARF"]
    answers = []
    monkeypatch.setattr(tantivy_index, "PARALLEL_MIN", 0)
    for jobs, shared in ((1, None), (2, copies)):
        with Store(path) as store:
            assert tantivy_index.TantivyBackend(store, sync=False).rebuild(jobs=jobs, copies=shared) == N
        with Archive(path, readonly=True) as archive:
            answers.append([archive.search(q, limit=30).to_dict() for q in queries])
    assert answers[0] == answers[1]
