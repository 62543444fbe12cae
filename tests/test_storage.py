"""How records are stored (issue 20): each text once, records compressed, no search rows for
tantivy, one serialisation per write, and a database written before all this upgraded in place
with every record read back as it was written."""

from __future__ import annotations

import gzip
import json
import shutil
import sqlite3
import zlib
from pathlib import Path

import pytest

from opis.model import Document
from opis.search import reindex, search
from opis.store import Store
from opis.store.check import check_store
from opis.store.documents import pack_record, unpack_record
from test_search import corpus, make_doc

OLD_DB = Path(__file__).parent / "data" / "storage" / "main_f0db90e.db.gz"


@pytest.fixture()
def old_db(tmp_path) -> Path:
    """A copy of the database the code of commit f0db90e wrote (tests/data/storage/README.md)."""
    path = tmp_path / "old.db"
    path.write_bytes(gzip.decompress(OLD_DB.read_bytes()))
    return path


def old_records(path: Path) -> dict[str, str]:
    """The record JSON as the old code stored it (plain text), by id."""
    conn = sqlite3.connect(path)
    try:
        return dict(conn.execute("SELECT id, record FROM documents"))
    finally:
        conn.close()


def test_an_older_database_is_upgraded_and_reads_back_every_record_as_written(old_db):
    before = old_records(old_db)
    assert len(before) == 3 and all(json.loads(r)["text"] for r in before.values())
    with Store(old_db) as store:
        kinds = {r[0] for r in store.conn.execute("SELECT typeof(record) FROM documents")}
        assert kinds == {"blob"}  # compressed by the migration
        for doc_id, raw in before.items():
            # the same JSON, key for key and in the same order
            assert json.dumps(store.get_dict(doc_id), ensure_ascii=False) == raw
        assert [json.dumps(r, ensure_ascii=False) for r in store.iter_records()] == [before[i] for i in sorted(before)]
        assert store.texts(list(before)) == {i: json.loads(r)["text"] for i, r in before.items()}
        # the old search rows are gone (FTS5 is built again when it is chosen)
        assert store.conn.execute("SELECT count(*) FROM search_fts").fetchone()[0] == 0
        assert check_store(store).ok
        title = json.loads(before[sorted(before)[0]])["title"]
        word = max(title.split(), key=len).strip(".,:;()")
        for backend in ("tantivy", "fts5"):
            assert sorted(before)[0] in search(store, word, backend=backend, limit=50).ids
        assert check_store(store).ok


def test_each_text_is_stored_once(archive_path):
    with Store(archive_path) as store:
        doc = store.get("d1")
        raw = store.conn.execute("SELECT record FROM documents WHERE id = 'd1'").fetchone()[0]
        assert isinstance(raw, bytes)
        assert doc.text.encode("utf-8") not in raw  # compressed, and without its text
        stored = json.loads(zlib.decompress(raw))
        assert stored["text"] == ""
        assert store.texts(["d1", "nope"]) == {"d1": doc.text}
        # tantivy is the default engine: no FTS5 row, no second copy of the text
        tables = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        for table in ("search_docs", "search_fts"):
            assert store.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0
        assert "text" not in {r[1] for r in store.conn.execute("PRAGMA table_info(search_docs)")}
        assert "document_texts" in tables


def test_texts_are_read_without_the_records(archive_path):
    with Store(archive_path) as store:
        want = store.texts(["d1", "d4"])
        assert search(store, "Mukden").ids == ["d4"]  # (the index built from the records)
        with store.conn:
            store.conn.execute("UPDATE documents SET record = x'00'")  # the records unreadable
        assert store.texts(["d1", "d4"]) == want
        # a page of hits reads titles, dates and texts only
        assert search(store, "Mukden").hits[0].title == "Antonov to Marshal Malinovsky"


def test_the_tantivy_index_names_documents_by_id_only(archive_path):
    from opis.search import tantivy_index

    assert "rowid" not in Path(tantivy_index.__file__).read_text(encoding="utf-8")
    with Store(archive_path) as store:
        engine = tantivy_index.TantivyBackend(store)
        assert engine.ids() == {"d1", "d2", "d3", "d4", "d5"}
        searcher = engine.index.searcher()
        addr = searcher.search(tantivy_index.tantivy.Query.all_query(), 1).hits[0][1]
        with pytest.raises(ValueError):
            searcher.fast_field_values("row", [addr])


def test_a_write_serialises_the_record_once(store, monkeypatch):
    calls = []
    real = Document.to_dict

    def counted(self):
        calls.append(self.id)
        return real(self)

    monkeypatch.setattr(Document, "to_dict", counted)
    for doc in corpus():
        store.upsert(doc)
    assert sorted(calls) == ["d1", "d2", "d3", "d4", "d5"]


def test_fts5_rows_follow_writes_once_chosen_and_go_when_tantivy_is(store):
    if store.conn.dialect.name != "sqlite":
        pytest.skip("FTS5 is SQLite's; a PostgreSQL store searches with tantivy")
    docs = corpus()
    for doc in docs[:3]:
        store.upsert(doc)
    count = "SELECT count(*) FROM search_fts"
    assert store.conn.execute(count).fetchone()[0] == 0
    assert search(store, "Chuguchak", backend="fts5", exact=True).total == 1  # built when first chosen
    for doc in docs[3:]:
        store.upsert(doc)
    assert store.conn.execute(count).fetchone()[0] == 5  # and written with every upsert since
    store.delete("d5")
    assert store.conn.execute(count).fetchone()[0] == 4
    assert search(store, "Mukden", backend="fts5").ids == ["d4"]
    assert reindex(store, "tantivy") == {"tantivy": 4}
    assert store.conn.execute(count).fetchone()[0] == 0
    store.upsert(make_doc("d6", "Harvest", "The harvest in Ili was good.", "1950", "1950-01-01", "1950-12-31"))
    assert store.conn.execute(count).fetchone()[0] == 0
    assert search(store, "harvest").ids == ["d6"]


def test_pack_and_unpack_keep_the_record_identical():
    record = {"id": "x", "title": "T", "text": "Некий текст 塔城", "notes": [{"n": 1, "text": "a note"}], "z": None}
    body, text = pack_record(record)
    assert record["text"] == "Некий текст 塔城"  # not changed
    out = unpack_record(body, text)
    assert json.dumps(out, ensure_ascii=False) == json.dumps(record, ensure_ascii=False)
    # a record stored as plain JSON (before the migration) reads as it is
    assert unpack_record(json.dumps(record, ensure_ascii=False), None) == record


def test_check_reports_a_record_that_does_not_decompress(archive_path):
    with Store(archive_path) as store, store.conn:
        store.conn.execute("UPDATE documents SET record = x'789c0000' WHERE id = 'd2'")
    with Store(archive_path, readonly=True) as store:
        report = check_store(store, quick=True)
    problems = [p for c in report.checks for p in c.problems]
    assert any("'d2'" in p and "does not decompress" in p for p in problems), problems


@pytest.fixture()
def archive_path(tmp_path) -> Path:
    path = tmp_path / "a.db"
    with Store(path) as store:
        for doc in corpus():
            store.upsert(doc)
    return path


def test_backup_copies_the_texts(archive_path, tmp_path):
    from opis.store.backup import backup

    with Store(archive_path) as store:
        backup(store, tmp_path / "b.db")
        want = [store.get_dict(i) for i in ("d1", "d2", "d3", "d4", "d5")]
    shutil.copy(tmp_path / "b.db", tmp_path / "c.db")
    with Store(tmp_path / "c.db") as copy:
        assert [copy.get_dict(i) for i in ("d1", "d2", "d3", "d4", "d5")] == want


def test_the_searchable_part_of_a_record_indexes_as_the_whole_record(seed_records):
    """The index converts only the part of a record it reads; on the seeds' real records that
    part gives the same analysed row and word list as the whole record."""
    from opis.search.fields import index_row, searchable, words_of

    for rec in seed_records.values():
        whole, part = Document.from_dict(rec), searchable(rec)
        assert index_row(part) == index_row(whole)
        assert words_of(part) == words_of(whole)
    assert len(seed_records) == 5
