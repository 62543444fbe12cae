"""Moving an archive between SQLite and PostgreSQL keeps every correction (issue 17): the seeds
ingested on SQLite, an editor merges two people, rejects a place and corrects a date (through
``Archive.correct``), an account, a token, a saved search and an upload exist; ``opis copy`` to
PostgreSQL and back to a fresh SQLite. On each target: the records, the entity pages, the
corrections with their authors, the history (undo works from it), accounts and tokens, the saved
search and the uploaded file are the source's; re-ingesting new versions of the files keeps every
correction. A non-empty target is refused without --force; an interrupted copy runs again."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import SEEDS_DIR
from opis.archive import Archive
from opis.audit import diff
from opis.cli import cli
from opis.model import Document
from opis.move import CopyError, copy_archive
from opis.store import copy as store_copy

NEW_DATE = "1902-03-04"


def _snapshot(archive: Archive) -> dict[str, dict]:
    return {d.id: d.to_dict() for d in archive.documents()}


def _people(archive: Archive) -> tuple[dict, dict]:
    ents = [e for e in archive.entities(type="PERSON", limit=50)
            if any(m["start"] is not None for m in archive.mentions(e["id"]))]
    return ents[0], ents[1]


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    """The seeds (copied: the test writes new versions of them) on SQLite, with the corrections,
    an account and its token, a saved search and an upload."""
    root = tmp_path_factory.mktemp("copy")
    corpus = root / "corpus"
    shutil.copytree(SEEDS_DIR, corpus)
    db = root / "source.db"
    with Archive(db) as archive:
        assert all(r.status == "added" for r in archive.ingest([corpus]))
        a, b = _people(archive)
        place = archive.entities(type="PLACE", limit=20)[-1]
        doc = next(iter(archive.documents()))
        archive.correct("entity.merge", {"into": a["id"], "other": b["id"]}, author="eve")
        archive.correct("entity.reject", {"id": place["id"]}, author="eve")
        archive.correct("document.set", {"doc_id": doc.id, "field": "date", "value": NEW_DATE}, author="ada")
        archive.add_user("eve", "editor", "eve-editor-password")
        token, _ = archive.create_token("eve", "script")
        archive.save_search("crossings", "Tacheng OR Chuguchak")
        archive.upload("note.txt", io.BytesIO(b"An uploaded original, kept in the file store.\n"))
        # (after a merge the merged entity's row keeps its own variants until a reindex, while the
        # records have the other's too; the copy rebuilds the rows from the records, so the source
        # is compared as 'opis reindex' leaves it)
        archive.reindex()
        archive.store.conn.execute("PRAGMA wal_checkpoint(FULL)")
    facts = {"merged": a["id"], "gone": b["id"], "place": place["id"], "doc": doc.id, "token": token}
    return root, str(db), facts


def _same_archive(src: str, dst: str, facts: dict) -> None:
    """Everything a curator and a reader see is the same on both."""
    with Archive(src, readonly=True) as a, Archive(dst, readonly=True) as b:
        assert _snapshot(a) == _snapshot(b)
        assert b.record(facts["doc"])["date"]["edtf"] == NEW_DATE
        assert a.entity(facts["merged"]) == b.entity(facts["merged"])
        assert _sorted(a.mentions(facts["merged"])) == _sorted(b.mentions(facts["merged"]))  # (ties: engine order)
        known = {e["id"] for e in b.entities(limit=1000)}
        assert facts["gone"] not in known and facts["place"] not in known
        assert a.corrections() == b.corrections()
        assert [(c["kind"], c["author"]) for c in b.corrections()] == [
            ("entity.merge", "eve"), ("entity.reject", "eve"), ("document.set", "ada")]
        assert [h.to_dict() for h in a.history()] == [h.to_dict() for h in b.history()]
        assert [u.to_dict() for u in a.users()] == [u.to_dict() for u in b.users()]
        assert b.token_user(facts["token"]).name == "eve"
        assert [s.to_dict() for s in a.saved_searches(count_new=False)] == \
            [s.to_dict() for s in b.saved_searches(count_new=False)]
        assert [u.to_dict() for u in a.uploads()] == [u.to_dict() for u in b.uploads()]
        assert a.search("Tacheng", limit=50).ids == b.search("Tacheng", limit=50).ids
        assert a.store.last_seq() == b.store.last_seq()
        assert b.check().ok


def _sorted(rows: list[dict]) -> list[str]:
    return sorted(json.dumps(r, sort_keys=True) for r in rows)


def _file_of(archive_db: str, files: Path) -> bytes:
    with Archive(archive_db, readonly=True) as archive:
        key = archive.uploads()[0].key
    return (files / key).read_bytes()


def test_sqlite_to_postgresql_and_back_keeps_every_correction(source, pg_url, tmp_path):
    root, src, facts = source
    report = copy_archive(src, pg_url, files_to=tmp_path / "pg-files")
    assert report.ok, report.format()
    assert report.tables["corrections"] == (3, 3) and report.tables["audit"] == (3, 3)
    _same_archive(src, pg_url, facts)
    assert _file_of(pg_url, tmp_path / "pg-files") == _file_of(src, Path(src + ".files"))
    # a second copy into it is refused, unless forced
    with pytest.raises(CopyError, match="not empty"):
        copy_archive(src, pg_url)
    back = str(tmp_path / "back.db")
    report = copy_archive(pg_url, back, files_from=tmp_path / "pg-files")
    assert report.ok, report.format()
    _same_archive(src, back, facts)
    assert _file_of(back, Path(back + ".files")) == _file_of(src, Path(src + ".files"))
    # the history works on the copy: undoing the date correction gives the pipeline's date back
    with Archive(back) as archive, Archive(src, readonly=True) as original:
        entry = next(h for h in archive.history() if h.kind == "document.set")
        archive.undo(entry.id, author="ada")
        assert archive.record(facts["doc"])["date"] != original.record(facts["doc"])["date"]
        assert archive.record(facts["doc"])["date"]["edtf"] == list(entry.before.values())[0]


def test_corrections_hold_after_re_ingesting_new_versions_on_the_copy(source, pg_url):
    root, src, facts = source
    assert copy_archive(src, pg_url).ok
    corpus = root / "corpus"
    with Archive(pg_url) as archive:
        kept = _snapshot(archive)
        for f in sorted(corpus.iterdir()):
            f.write_text(f.read_text(encoding="utf-8") + "\n\nRe-scanned copy.\n", encoding="utf-8")
        try:
            results = list(archive.ingest([corpus]))
            assert {r.status for r in results} == {"updated"}, [r.to_dict() for r in results]
            for doc_id, old in kept.items():
                assert list(diff(Document.from_dict(old), archive.get(doc_id))) == []
            assert archive.record(facts["doc"])["date"]["edtf"] == NEW_DATE
        finally:
            for f in sorted(corpus.iterdir()):
                f.write_text(f.read_text(encoding="utf-8").removesuffix("\n\nRe-scanned copy.\n"), encoding="utf-8")


def test_an_interrupted_copy_runs_again_and_force_replaces(source, tmp_path, monkeypatch):
    _root, src, facts = source
    dst = str(tmp_path / "target.db")
    real = store_copy.copy_table

    def failing(s, t, table):
        if table == "corrections":
            raise KeyboardInterrupt  # killed half-way
        return real(s, t, table)

    monkeypatch.setattr(store_copy, "copy_table", failing)
    with pytest.raises(KeyboardInterrupt):
        copy_archive(src, dst)
    monkeypatch.setattr(store_copy, "copy_table", real)
    with Archive(dst, readonly=True) as half:
        assert half.corrections() == []  # it did stop before the corrections
    report = copy_archive(src, dst)  # the same command again: no --force needed
    assert report.ok and report.restarted
    _same_archive(src, dst, facts)
    with pytest.raises(CopyError, match="not empty"):
        copy_archive(src, dst)
    assert copy_archive(src, dst, force=True).ok
    with pytest.raises(CopyError, match="same"):
        copy_archive(src, src)


def test_cli_copy(source, tmp_path):
    _root, src, _facts = source
    dst = str(tmp_path / "cli.db")
    ok = CliRunner().invoke(cli, ["copy", "--from", src, "--to", dst, "--json"])
    assert ok.exit_code == 0, ok.output
    data = json.loads(ok.output)
    assert data["ok"] and data["tables"]["corrections"] == {"source": 3, "target": 3}
    again = CliRunner().invoke(cli, ["copy", "--from", src, "--to", dst])
    assert again.exit_code == 1 and "not empty" in again.output
