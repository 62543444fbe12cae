"""Store and ingest: idempotent re-ingest, updates keep the id, bad files never stop a batch or
lose what is stored."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import SEEDS
from opis.ingest import ingest_paths
from opis.pipeline import Pipeline
from opis.store import Store

DATA = Path(__file__).parent / "data" / "core"
# Storage does not depend on what later components extract: run the core components only.
CORE = Pipeline(["boilerplate", "metadata"])


def ingest(store, *paths):
    return list(ingest_paths(store, [str(p) for p in paths], pipeline=CORE))


def test_same_file_twice_is_stored_once(store, tmp_path):
    first = ingest(store, SEEDS["003"])
    again = ingest(store, SEEDS["003"])
    assert [r.status for r in first] == ["added"]
    assert [r.status for r in again] == ["unchanged"]
    assert again[0].id == first[0].id
    assert store.count() == 1


def test_same_content_at_another_path_is_unchanged(store, tmp_path):
    copy = tmp_path / "copy.txt"
    shutil.copy(SEEDS["003"], copy)
    a = ingest(store, SEEDS["003"])[0]
    b = ingest(store, copy)[0]
    assert (b.status, b.id) == ("unchanged", a.id)
    assert store.count() == 1


def test_changed_file_at_same_path_updates_and_keeps_id(store, tmp_path):
    page = tmp_path / "page.txt"
    shutil.copy(DATA / "header_page.txt", page)
    a = ingest(store, page)[0]
    page.write_text(page.read_text(encoding="utf-8").replace("March 12, 1949", "March 14, 1949"), encoding="utf-8")
    b = ingest(store, page)[0]
    assert (a.status, b.status) == ("added", "updated")
    assert b.id == a.id
    assert store.count() == 1
    rec = store.get_dict(a.id)
    assert rec["date"]["edtf"] == "1949-03-14"
    assert rec["provenance"]["sha256"] != a.id  # the stored version is the new one


def test_same_record_id_at_another_path_updates(store, tmp_path):
    one, two = tmp_path / "one.txt", tmp_path / "two.txt"
    text = (DATA / "citation_page.txt").read_text(encoding="utf-8")
    one.write_text(text, encoding="utf-8")
    two.write_text(text.replace("Zhou Enlai asked", "Premier Zhou Enlai asked"), encoding="utf-8")
    a = ingest(store, one)[0]
    b = ingest(store, two)[0]
    assert b.status == "updated" and b.id == a.id
    assert store.get_dict(a.id)["record_id"] == "115975"
    assert store.count() == 1


def test_errors_do_not_stop_the_batch_or_lose_records(store, tmp_path):
    ingest(store, SEEDS["004"])
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "image.bin").write_bytes(b"\x00\x01\x02garbage\x00")
    (tmp_path / "emptydir").mkdir()
    good = tmp_path / "good.txt"
    shutil.copy(SEEDS["003"], good)
    results = ingest(store, tmp_path / "missing.txt", tmp_path / "emptydir", tmp_path / "empty.txt",
                     tmp_path / "image.bin", good)
    by_name = {Path(r.path).name: r for r in results}
    assert by_name["missing.txt"].error == "no such file or directory"
    assert by_name["emptydir"].error == "directory contains no readable files"
    assert by_name["empty.txt"].error == "empty file"
    assert by_name["image.bin"].error.startswith("binary file")
    assert by_name["good.txt"].status == "added"
    assert store.count() == 2  # the earlier record is still there


def test_record_survives_reopening(tmp_path):
    path = tmp_path / "x.db"
    with Store(path) as s:
        doc_id = ingest(s, SEEDS["001"])[0].id
    with Store(path) as s:
        rec = s.get_dict(doc_id[:8])
        assert rec["record_id"] == "121617"
        assert [r.status for r in ingest(s, SEEDS["001"])] == ["unchanged"]


def test_record_json_has_the_public_keys(seed_records):
    keys = {
        "id", "title", "date", "doc_type", "authors", "recipients", "classification", "document_number",
        "original_language", "languages", "translators", "contributors", "funders", "summary", "source_url",
        "record_id", "doi", "journal", "volume", "issue", "pages", "keywords", "abstract", "archival_refs",
        "notes", "bibliography", "mentions", "entities", "claims", "apparatus", "text", "provenance",
    }
    for rec in seed_records.values():
        assert keys <= set(rec)
        assert {"edtf", "earliest", "latest"} <= set(rec["date"])
        assert {"path", "sha256", "format", "reader", "ingested_at"} <= set(rec["provenance"])
        assert "fields" not in rec
    art = seed_records["002"]
    assert len(art["notes"]) == 63 and all(n["anchor"] is not None for n in art["notes"])


def test_batch_is_one_transaction_rolled_back_whole(tmp_path):
    """Writes in Store.batch() commit together; an error inside it stores none of them."""
    store = Store(tmp_path / "b.db")
    ingest(store, SEEDS["003"])
    docs = list(store.iter_documents())
    assert len(docs) == 1
    doc = docs[0]
    try:
        with store.batch():
            doc.title = "Changed inside a batch"
            store.write(doc)
            raise RuntimeError("stop")
    except RuntimeError:
        pass
    assert store.get(doc.id).title != "Changed inside a batch"
    with store.batch():
        store.write(doc)
    assert store.get(doc.id).title == "Changed inside a batch"
    assert store.texts([doc.id, "missing"]) == {doc.id: doc.text}
