"""Curation and its history on PostgreSQL too (issue 17): the same correction, preview, history
and undo as on SQLite (skipped where the store has no PostgreSQL engine)."""

from __future__ import annotations

import pytest

from conftest import SEEDS
from opis.archive import Archive

pytest.importorskip("opis.store.postgres")


def test_correct_history_and_undo_on_postgresql(pg_url, tmp_path):
    with Archive(pg_url, index=tmp_path / "index") as archive:
        list(archive.ingest([SEEDS["000"], SEEDS["003"]]))
        doc = next(d for d in archive.documents() if d.date.edtf)
        original = archive.get(doc.id)
        args = {"doc_id": doc.id, "field": "date", "value": "1899-12"}
        assert archive.preview("document.set", args).changes and archive.history() == []
        done = archive.correct("document.set", args, author="eve")
        person = archive.entities(type="PERSON", limit=2)
        merged = archive.correct("entity.merge", {"into": person[0]["id"], "other": person[1]["id"]}, author="eve")
        assert archive.get(doc.id).date.edtf == "1899-12"
        rows = archive.history(author="eve", kind="document")
        assert [(r.id, r.kind, list(r.after.values())) for r in rows] == [(done.audit_id, "document.set", ["1899-12"])]
        assert {r.id for r in archive.history(subject=person[1]["id"])} == {merged.audit_id}
        archive.undo(done.audit_id, author="ada")
        assert archive.get(doc.id).date.edtf == original.date.edtf
        assert archive.history_entry(done.audit_id).undone_by is not None
        assert [c["id"] for c in archive.corrections()] == [merged.id]
