"""Curation with an audit trail (issue 17), through the library: every correction kind previews
what it changes (storing nothing), applies the same, is recorded with its author, before and
after, survives a re-ingest of new versions of the files, and can be undone."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import SEEDS_DIR
from opis.archive import Archive
from opis.audit import diff
from opis.authority.curation import CorrectionError
from opis.model import Document


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """The seeds, copied (so that a test can write new versions of them), ingested once."""
    root = tmp_path_factory.mktemp("curation")
    corpus = root / "corpus"
    shutil.copytree(SEEDS_DIR, corpus)
    with Archive(root / "seeds.db") as archive:
        assert all(r.status == "added" for r in archive.ingest([corpus]))
        archive.store.conn.execute("PRAGMA wal_checkpoint(FULL)")
    return root


@pytest.fixture()
def archive(template, tmp_path):
    shutil.copy(template / "seeds.db", tmp_path / "c.db")
    with Archive(tmp_path / "c.db") as a:
        yield a


def _corpus(archive: Archive) -> Path:
    return Path(next(iter(archive.documents())).provenance.path).parent


def _doc_with_claims(archive: Archive) -> Document:
    return max(archive.documents(), key=lambda d: len([c for c in d.claims if c.start is not None]))


def _two_of_a_type(archive: Archive, type: str) -> tuple[dict, dict]:
    ents = [e for e in archive.entities(type=type, limit=50)
            if any(m["start"] is not None for m in archive.mentions(e["id"]))]
    return ents[0], ents[1]


def _snapshot(archive: Archive) -> dict[str, dict]:
    return {d.id: d.to_dict() for d in archive.documents()}


def _mention(archive: Archive, entity_id: str) -> dict:
    return next(m for m in archive.mentions(entity_id) if m["start"] is not None)


def _span(m: dict) -> dict:
    return {"doc_id": m["doc_id"], "start": m["start"], "end": m["end"], "note": m["note"]}


def _corrections(archive: Archive) -> list[tuple[str, dict]]:
    """One correction of every kind, chosen from what the pipeline found in the seeds."""
    doc = _doc_with_claims(archive)
    claims = [c for c in doc.claims if c.start is not None]
    a, b = _two_of_a_type(archive, "PERSON")
    p1, p2 = _two_of_a_type(archive, "PLACE")
    orgs = archive.entities(type="ORG", limit=5) or archive.entities(type="UNIT", limit=5)
    linked = next(m for m in doc.mentions if m.entity_id and m.entity_id not in {a["id"], b["id"], p1["id"], p2["id"]})
    return [
        ("entity.merge", {"into": a["id"], "other": b["id"]}),
        ("entity.split", {"entity": a["id"], "label": "Someone Else", "mentions": [_span(_mention(archive, b["id"]))]}),
        ("entity.rename", {"id": p1["id"], "label": p1["label"] + " (curated)"}),
        ("entity.reject", {"id": orgs[-1]["id"]}),
        ("mention.retype", {"doc_id": doc.id, "start": linked.start, "end": linked.end, "note": linked.note,
                            "type": "ORG" if linked.type != "ORG" else "PERSON"}),
        ("claim.reject", {"doc_id": doc.id, "start": claims[0].start, "end": claims[0].end, "note": claims[0].note}),
        ("claim.correct", {"doc_id": doc.id, "start": claims[-1].start, "end": claims[-1].end,
                           "note": claims[-1].note, "date": "1901-02-03", "value": 77, "place": p2["id"]}),
        ("document.set", {"doc_id": doc.id, "field": "date", "value": "1902-03-04"}),
        ("document.set", {"doc_id": doc.id, "field": "title", "value": "A title given by the curator"}),
        ("document.set", {"doc_id": doc.id, "field": "archival_refs", "value": "GARF, f. 9401, op. 2, d. 93, l. 5"}),
    ]


def test_preview_stores_nothing_and_apply_makes_the_previewed_changes(archive):
    corrections = _corrections(archive)
    for n, (kind, args) in enumerate(corrections):
        before = _snapshot(archive)
        plan = archive.preview(kind, args)
        assert plan.preview and plan.changes and plan.documents, (kind, args)
        assert _snapshot(archive) == before and len(archive.corrections()) == len(archive.history()) == n
        done = archive.correct(kind, args, author="eve")
        assert [c.to_dict() for c in plan.changes] == done.changes, kind
        assert _snapshot(archive) != before


def test_every_kind_is_recorded_with_author_before_and_after(archive):
    for kind, args in _corrections(archive):
        archive.correct(kind, args, author="eve")
    history = archive.history()
    assert [h.kind for h in reversed(history)] == [
        "entity.merge", "entity.split", "entity.rename", "entity.reject", "mention.retype", "claim.reject",
        "claim.correct", "document.set", "document.set", "document.set"]
    for h in history:
        assert h.author == "eve" and h.at and h.documents and h.correction_id
        assert set(h.before) == set(h.after) and any(h.before[k] != h.after[k] for k in h.before)
    date_change = next(h for h in history if h.args.get("field") == "date")
    assert list(date_change.after.values()) == ["1902-03-04"]
    # filters: author, kind family, subject
    assert archive.history(author="someone-else") == []
    assert {h.kind for h in archive.history(kind="claim")} == {"claim.reject", "claim.correct"}
    doc_id = date_change.args["doc_id"]
    assert date_change.id in {h.id for h in archive.history(subject=doc_id)}


def test_re_ingest_of_new_versions_keeps_every_correction(archive):
    for kind, args in _corrections(archive):
        archive.correct(kind, args, author="eve")
    kept = _snapshot(archive)
    corpus = _corpus(archive)
    for f in sorted(corpus.iterdir()):  # a new version of every file: the text goes on after the end
        f.write_text(f.read_text(encoding="utf-8") + "\n\nRe-scanned copy.\n", encoding="utf-8")
    try:
        results = list(archive.ingest([corpus]))
        assert {r.status for r in results} == {"updated"}, [r.to_dict() for r in results]
        for doc_id, old in kept.items():
            new = archive.get(doc_id)
            changes = [c for c in diff(Document.from_dict(old), new)]
            assert changes == [], changes[:5]
    finally:
        for f in sorted(corpus.iterdir()):
            f.write_text(f.read_text(encoding="utf-8").removesuffix("\n\nRe-scanned copy.\n"), encoding="utf-8")


def test_undo_restores_the_previous_state_and_keeps_later_corrections(archive):
    doc = _doc_with_claims(archive)
    original = archive.get(doc.id)
    first = archive.correct("document.set", {"doc_id": doc.id, "field": "date", "value": "1903"}, author="eve")
    second = archive.correct("document.set", {"doc_id": doc.id, "field": "title", "value": "Curated title"},
                             author="eve")
    preview = archive.undo(first.audit_id, author="ada", preview=True)
    assert [c.label for c in preview.changes] == ["date"]
    assert archive.get(doc.id).date.edtf == "1903"
    undone = archive.undo(first.audit_id, author="ada")
    now = archive.get(doc.id)
    assert now.date.edtf == original.date.edtf and now.title == "Curated title"
    assert [c["id"] for c in archive.corrections()] == [second.id]
    entry = archive.history_entry(undone.audit_id)
    assert entry.action == "undo" and entry.author == "ada" and entry.undoes == first.audit_id
    assert archive.history_entry(first.audit_id).undone_by == undone.audit_id
    with pytest.raises(CorrectionError, match="undone already"):
        archive.undo(first.audit_id)
    with pytest.raises(CorrectionError, match="is an undo"):
        archive.undo(undone.audit_id)
    archive.undo(second.audit_id, author="ada")
    assert diff(original, archive.get(doc.id)) == []


def test_undo_of_a_merge_gives_the_entity_back(archive):
    a, b = _two_of_a_type(archive, "PERSON")
    before = _snapshot(archive)
    done = archive.correct("entity.merge", {"into": a["id"], "other": b["id"]}, author="eve")
    assert archive.mentions(b["id"]) == []
    archive.undo(done.audit_id, author="eve")
    assert len(archive.mentions(b["id"])) == b["mentions"]
    after = _snapshot(archive)
    assert all(diff(Document.from_dict(before[i]), Document.from_dict(after[i])) == [] for i in before)


@pytest.mark.parametrize("kind, args, message", [
    ("claim.correct", {"start": 0, "end": 3, "date": "the fifth of May"}, "not an EDTF date"),
    ("claim.correct", {"start": 0, "end": 3}, "give a value, a date or a place"),
    ("claim.reject", {"start": 0, "end": 1}, "no claim at"),
    ("mention.retype", {"start": 0, "end": 1, "type": "PLACE"}, "no mention at"),
    ("mention.retype", {"start": 0, "end": 1, "type": "DATE"}, "type must be one of"),
    ("document.set", {"field": "sha256", "value": "x"}, "no field"),
    ("document.set", {"field": "date", "value": "5 May"}, "not an EDTF date"),
    ("entity.split", {"entity": "person:x", "label": "Y", "mentions": []}, "lacks mentions"),
])
def test_bad_corrections_are_refused_and_nothing_is_stored(archive, kind, args, message):
    doc = _doc_with_claims(archive)
    args = {**args, "doc_id": doc.id} if kind != "entity.split" else args
    with pytest.raises(CorrectionError, match=message):
        archive.correct(kind, args)
    assert archive.corrections() == [] and archive.history() == []


def test_cli_correct_history_and_undo(archive):
    import json

    from click.testing import CliRunner

    from opis.cli import cli

    doc = _doc_with_claims(archive)
    db = archive.path
    original = archive.get(doc.id).date.edtf
    archive.close()
    run = CliRunner().invoke
    args = json.dumps({"doc_id": doc.id[:8], "field": "date", "value": "1904-05"})
    r = run(cli, ["correct", "document.set", args, "--preview", "--db", db])
    assert r.exit_code == 0 and "would change 1 values" in r.output and "1904-05" in r.output
    r = run(cli, ["correct", "document.set", args, "--db", db])
    assert r.exit_code == 0 and "(history #1)" in r.output
    r = run(cli, ["history", "--db", db, "--format", "json"])
    rows = json.loads(r.output)
    assert [(x["kind"], x["author"], list(x["after"].values())) for x in rows] == [("document.set", None, ["1904-05"])]
    r = run(cli, ["undo", "1", "--db", db])
    assert r.exit_code == 0
    with Archive(db) as a:
        assert a.get(doc.id).date.edtf == original
    r = run(cli, ["undo", "1", "--db", db])
    assert r.exit_code == 1 and "undone already" in r.output
    r = run(cli, ["history", "--db", db, "--format", "csv", "--author", "-"])
    assert r.output.count("\n") == 3 and "undo" in r.output
    r = run(cli, ["correct", "document.set", args, "--db", db, "--as", "nobody"])
    assert r.exit_code == 1
