"""How a record is encoded in the store (opis.store.codec, 0017_size.sql): entities kept once by
reference, mentions read back from their table, pieces of the text as offsets, lists as columns;
every record reads back exactly as written, and a database written before is upgraded."""

from __future__ import annotations

import json
import sqlite3
import zlib

import pytest

from opis.model import Document
from opis.store import Store, codec
from opis.store.check import check_store
from opis.store.documents import pack_record


def _raw(store: Store, doc_id: str) -> dict:
    return json.loads(zlib.decompress(store.conn.execute(
        "SELECT record FROM documents WHERE id = ?", (doc_id,)).fetchone()[0]))


def _dump(rec: dict) -> str:
    return json.dumps(rec, ensure_ascii=False)


@pytest.fixture()
def seeds(seed_records) -> list[Document]:
    """The five seed records (real pages through the whole pipeline)."""
    return [Document.from_dict(json.loads(_dump(r))) for r in seed_records.values()]


def _copy(doc: Document, n: int) -> Document:
    rec = doc.to_dict()
    rec["id"] = f"{doc.id[:12]}{n:04d}"
    rec["provenance"] = {**rec["provenance"], "path": f"{rec['provenance']['path']}#{n}",
                         "sha256": f"{n:04d}{rec['provenance']['sha256'][4:]}"}
    return Document.from_dict(rec)


def test_records_read_back_exactly_with_entities_stored_once(tmp_path, seeds):
    with Store(tmp_path / "a.db") as store:
        want = {}
        for n in range(3):
            for doc in seeds:
                copy = _copy(doc, n)
                want[copy.id] = _dump(copy.to_dict())
                store.write(copy)
        for doc_id, rec in want.items():
            assert _dump(store.get_dict(doc_id)) == rec
        assert {r["id"]: _dump(r) for r in store.iter_records()} == want
        assert {i: _dump(r) for i, r in store.records(list(want)).items()} == want
        # each distinct entity entry once, however many records name it
        distinct = {_dump(e) for doc in seeds for e in doc.to_dict()["entities"]}
        assert store.conn.execute("SELECT count(*) FROM record_entities").fetchone()[0] == len(distinct)
        body = _raw(store, next(iter(want)))
        assert codec.VERSION in body and codec.needs_mentions(body)
        assert all(type(k) is int for k in body["entities"])
        assert check_store(store).ok


def test_entries_whose_hashes_collide_are_told_apart(tmp_path, seeds, monkeypatch):
    monkeypatch.setattr(codec, "entity_hash", lambda raw: 7)  # every entry hashes alike
    doc = max(seeds, key=lambda d: len(d.entities))
    with Store(tmp_path / "c.db") as store:
        store.write(doc)
        store.write(_copy(doc, 1))
        for d in (doc, _copy(doc, 1)):
            assert _dump(store.get_dict(d.id)) == _dump(d.to_dict())
        assert tuple(store.conn.execute("SELECT count(*), min(hash), max(hash) FROM record_entities").fetchone()) == (
            len(doc.entities), 7, 7)
        assert _raw(store, doc.id)["entities"] == _raw(store, _copy(doc, 1).id)["entities"]


def test_a_record_written_without_the_entities_indexer_keeps_its_mentions(tmp_path, seeds):
    doc = seeds[0]
    with Store(tmp_path / "o.db") as store:
        store.write(doc, only=["claims"])
        assert not codec.needs_mentions(_raw(store, doc.id))
        assert store.conn.execute("SELECT count(*) FROM mentions").fetchone()[0] == 0
        assert _dump(store.get_dict(doc.id)) == _dump(doc.to_dict())


def test_mentions_differing_from_their_rows_stay_in_the_record():
    rec = {"id": "x", "text": "Ivan went to Moscow.", "mentions": [
        {"start": 13, "end": 19, "surface": "Moscow", "type": "PLACE", "entity_id": "place:moscow", "gloss": None,
         "source": "rule", "lang": "en", "note": None, "role": None},
        {"start": 0, "end": 4, "surface": "Ivan", "type": "DATE", "entity_id": None, "gloss": None,
         "source": "ner", "lang": "en", "note": None, "role": None}]}
    row = (13, 19, "Moscow", "PLACE", "place:moscow", None, "rule", None, None)
    body, _ = codec.encode(rec, rec["text"], [row])
    assert codec.needs_mentions(body)
    assert _dump(codec.decode(body, rec["text"], {}, [row])) == _dump({**rec, "text": ""})
    for rows in ([], [row[:2] + ("Moskva",) + row[3:]], [row, row]):
        body, _ = codec.encode(rec, rec["text"], rows)
        assert not codec.needs_mentions(body)
        assert _dump(codec.decode(body, rec["text"], {})) == _dump({**rec, "text": ""})
    with pytest.raises(ValueError):  # the rows it needs are gone
        codec.decode(codec.encode(rec, rec["text"], [row])[0], rec["text"], {}, [])


def test_a_record_with_a_reserved_key_is_kept_as_it_is():
    rec = {"id": "x", "text": "some words of text here and there", "fields": {"\x00v": 1},
           "notes": [{"start": 0, "end": 4, "text": "some"}, {"start": 5, "end": 10, "text": "words"}]}
    body, entries = codec.encode(rec, rec["text"])
    assert codec.VERSION not in body and not entries
    assert body == {**rec, "text": ""}


def test_pieces_of_the_text_and_like_lists_are_encoded():
    text = "The delegation arrived in Urumqi on 5 September 1945 with two hundred men and horses."
    rec = {"id": "x", "text": text, "title": None, "dates": [
        {"text": "5 September 1945", "start": 36, "end": 52, "edtf": "1945-09-05"},
        {"text": "Urumqi", "start": 26, "end": 32, "edtf": None}],
        "claims": [{"sentence": text, "value": 200.0}], "summary": "elsewhere: not in the text at all, long"}
    body, _ = codec.encode(rec, text)
    flat = codec.dumps(body)
    assert "September" not in flat and "delegation" not in flat and "elsewhere" in flat
    assert codec.KEYS in body["dates"]  # the dates as columns
    assert _dump(codec.decode(body, text, {})) == _dump({**rec, "text": ""})


def test_a_database_of_plain_records_is_encoded_on_upgrade(tmp_path, seeds):
    """A database as 0016 left it (records compressed but not encoded) is upgraded by 0017's
    step: every record encoded, and each reads back as it was."""
    path = tmp_path / "old.db"
    with Store(path) as store:
        for doc in seeds:
            store.write(doc)
        want = {r["id"]: _dump(r) for r in store.iter_records()}
    conn = sqlite3.connect(path)  # back to what 0016 wrote
    with conn:
        for doc_id, rec in want.items():
            conn.execute("UPDATE documents SET record = ? WHERE id = ?", (pack_record(json.loads(rec))[0], doc_id))
        conn.execute("DROP TABLE record_entities")
        conn.execute("DELETE FROM schema_migrations WHERE name = '0017_size.sql'")
    size = conn.execute("SELECT sum(length(record)) FROM documents").fetchone()[0]
    conn.close()
    with Store(path) as store:
        for doc_id, rec in want.items():
            assert codec.VERSION in _raw(store, doc_id)
            assert _dump(store.get_dict(doc_id)) == rec
        assert store.conn.execute("SELECT sum(length(record)) FROM documents").fetchone()[0] < 0.7 * size
        assert check_store(store).ok


def test_a_text_read_up_to_a_point_holds_at_least_that_much():
    from opis.store.documents import pack_text, unpack_text

    text = "Чугучак 塔城 " * 4000 + "end"
    packed = pack_text(text)
    assert unpack_text(packed) == text
    for upto in (0, 1, 7, 5000, 9999, len(text) - 1, len(text), len(text) + 50):
        got = unpack_text(packed, upto)
        assert text.startswith(got) and len(got) >= min(upto, len(text))
        assert len(got) < len(text) or upto >= len(text) // 4  # the rest was not decompressed
