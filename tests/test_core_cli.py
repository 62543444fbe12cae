"""The core commands as a user runs them: ingest, list, show, dump, eval."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from conftest import GOLD_DIR, SEEDS, SEEDS_DIR
from opis.cli import cli


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    """A database the seeds were ingested into with ``opis ingest`` (and the command's result)."""
    db = tmp_path_factory.mktemp("cli") / "o.db"
    return db, run("ingest", SEEDS_DIR, "--db", db)


def test_ingest_list_show_dump(seeded):
    db, r = seeded
    assert r.exit_code == 0, r.output
    lines = [ln for ln in r.stdout.splitlines() if ln.startswith("added")]
    assert len(lines) == 5
    assert any("1945-09-05  report" in ln and "Report from L. Beria" in ln for ln in lines)
    assert "notes 63" in r.stdout  # what was stored is reported

    r = run("list", "--db", db)
    assert r.exit_code == 0
    rows = [ln for ln in r.stdout.splitlines()[1:] if ln.strip()]
    assert len(rows) == 5
    assert "1945-09-05" in rows[0]  # ordered by date

    listed = json.loads(run("list", "--db", db, "--json").stdout)
    beria = next(x for x in listed if x["doc_type"] == "report")
    shown = run("show", beria["id"][:6], "--db", db)
    assert "Top Secret" in shown.stdout and "Gary Goldberg" in shown.stdout

    rec = json.loads(run("show", beria["id"], "--db", db, "--json").stdout)
    assert rec["document_number"] == "1041/b"

    dumped = [json.loads(ln) for ln in run("dump", "--db", db).stdout.splitlines()]
    assert len(dumped) == 5 and all("text" in d and "provenance" in d for d in dumped)


def test_ingest_json_and_exit_code(tmp_path):
    db = tmp_path / "o.db"
    (tmp_path / "empty.txt").write_bytes(b"")
    r = run("ingest", SEEDS["003"], tmp_path / "empty.txt", tmp_path / "nope.txt", "--db", db, "--json")
    assert r.exit_code == 1
    out = [json.loads(ln) for ln in r.stdout.splitlines()]
    assert [o["status"] for o in out] == ["added", "error", "error"]
    assert out[1] == {"path": str(tmp_path / "empty.txt"), "id": None, "status": "error", "error": "empty file"}
    assert out[2]["error"] == "no such file or directory"
    assert set(out[0]) >= {"path", "id", "status"}

    again = run("ingest", SEEDS["003"], "--db", db, "--json")
    assert again.exit_code == 0
    assert json.loads(again.stdout)["status"] == "unchanged"


def test_ingest_errors_are_one_line_naming_the_file(tmp_path):
    db = tmp_path / "o.db"
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x00binary\x00")
    r = run("ingest", bad, SEEDS["004"], "--db", db)
    assert r.exit_code == 1
    errors = [ln for ln in r.stderr.splitlines() if ln.startswith("Error:")]
    assert errors == [f"Error: {bad}: binary file: not a text, HTML, PDF, DOCX or image file"]
    assert "added" in r.stdout


def test_show_unknown_id_and_missing_db(tmp_path):
    db = tmp_path / "o.db"
    run("ingest", SEEDS["003"], "--db", db)
    r = run("show", "ffffffff", "--db", db)
    assert r.exit_code == 1 and "no document with id 'ffffffff'" in r.stderr
    r = run("list", "--db", tmp_path / "none.db")
    assert r.exit_code == 1 and "no such database" in r.stderr


def test_eval_reports_metadata_fields(seeded):
    db, _ = seeded
    r = run("eval", GOLD_DIR, "--db", db, "--json")
    assert r.exit_code == 0
    report = json.loads(r.stdout)
    assert len(report["documents"]) == 5
    fields = report["fields"]
    for name in ["title", "date", "doc_type", "classification", "document_number", "original_language",
                 "translators", "contributors", "funders", "record_id", "source_url", "doi", "edn", "journal",
                 "volume", "issue", "pages", "year", "keywords", "summary", "footnote_count"]:
        assert fields[f"metadata.{name}"]["f1"] == 1.0, (name, fields[f"metadata.{name}"]["misses"])
    text = run("eval", GOLD_DIR, "--db", db).stdout
    assert "metadata.title" in text and "F1" in text
