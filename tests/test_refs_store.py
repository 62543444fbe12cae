"""The archive tree, "who cites this file", and the refs/archives/export commands."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from conftest import SEEDS
from opis.cli import cli
from opis.ingest import ingest_file
from opis.pipeline import Pipeline
from opis.store import Store
from opis.store.archrefs import archive_tree, citing

STAGES = ["boilerplate", "metadata", "language", "apparatus", "archrefs", "notes"]


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("tree") / "t.db"
    store = Store(path)
    pipe = Pipeline(STAGES)
    ids = {p: ingest_file(store, str(f), None, pipe).id for p, f in SEEDS.items()}
    store.close()
    return path, ids


def test_archive_tree_levels(db):
    path, ids = db
    with Store(path) as store:
        top = {r["archive"]: r for r in archive_tree(store)}
        assert {"GARF", "RGASPI", "PRC FMA", "AP RK", "SGA KNB RK", "SGA MVD RK", "SGA DP VKO", "SGA DP g. Almaty"} <= set(top)
        assert top["GARF"]["documents"] == 2  # the Beria report (R-9401ss) and the article (P-3316)
        assert top["RGASPI"]["known"] and top["RGASPI"]["name"].startswith("Rossiiskii")
        fonds = {r["fond"]: r["refs"] for r in archive_tree(store, "RGASPI")}
        assert fonds == {"17": 3, "558": 1}
        # any alias of the archive works
        assert archive_tree(store, "RTsKhIDNI") == archive_tree(store, "RGASPI")
        opisi = {r["opis"]: r["refs"] for r in archive_tree(store, "GA RF", "R-9401ss")}
        assert opisi == {"2": 1}
        dela = {r["delo"]: r["refs"] for r in archive_tree(store, "SGA KNB RK", "9", "1")}
        assert dela == {"438": 4, "356": 1}


def test_which_documents_cite_rgaspi_fond_17(db):
    path, ids = db
    with Store(path) as store:
        rows = citing(store, "RGASPI", "17")
        assert {r["doc_id"] for r in rows} == {ids["002"]}
        assert sorted(r["note"] for r in rows) == [25, 26, 33]
        assert citing(store, "RGASPI", "558")[0]["doc_id"] == ids["004"]
        assert citing(store, "RGASPI", "558")[0]["note"] is None
        one = citing(store, "SGA KNB RK", "9", "1", "438")
        assert sorted(r["note"] for r in one) == [44, 45, 46, 62]
        assert citing(store, "NARA") == []


def test_reingest_replaces_rows(db, tmp_path):
    path, ids = db
    with Store(path) as store:
        n = store.conn.execute("SELECT count(*) FROM archival_refs").fetchone()[0]
        store.write(store.get(ids["003"]))
        assert store.conn.execute("SELECT count(*) FROM archival_refs").fetchone()[0] == n
        store.delete(ids["003"])
        assert citing(store, "PRC FMA", None, None, "118-01764-04") == []


def test_cli_refs_parse_json_one_object_per_line():
    res = CliRunner().invoke(cli, ["refs", "parse", "--json", "GA RF, f. P-3316, op. 64, d. 925, l. 1–6",
                                   "Ibid., l. 8", "hello world", "SU RSFSR, 1918, no. 44",
                                   "AVP RF, f. 0100, op. 46, p. 362, d. 12, l. 28"])
    assert res.exit_code == 0, res.output
    rows = [json.loads(x) for x in res.output.splitlines()]
    assert [r["kind"] for r in rows] == ["archival", "archival", "unparsed", "published", "archival"]
    assert rows[0]["archive"] == "GARF" and rows[0]["folios"] == ["1-6"]
    assert rows[1]["delo"] == "925" and rows[1]["folios"] == ["8"] and rows[1]["ibid"]
    assert rows[2] == {"raw": "hello world", "kind": "unparsed", "archive": None, "archive_name": None,
                       "fond": None, "opis": None, "delo": None, "folios": []}
    assert rows[4]["papka"] == "362"


def test_cli_archives_and_export(db):
    path, ids = db
    runner = CliRunner()
    res = runner.invoke(cli, ["archives", "--db", str(path), "--json"])
    assert res.exit_code == 0, res.output
    assert "SGA KNB RK" in {r["archive"] for r in json.loads(res.output)}
    res = runner.invoke(cli, ["archives", "RGASPI", "17", "--citing", "--db", str(path), "--json"])
    assert sorted(r["note"] for r in json.loads(res.output)) == [25, 26, 33]
    res = runner.invoke(cli, ["archives", "GARF", "--db", str(path)])
    assert "R-9401ss" in res.output and "P-3316" in res.output
    res = runner.invoke(cli, ["export", ids["001"], "--format", "ris", "--db", str(path)])
    assert res.exit_code == 0 and "DB  - PRC FMA" in res.output
    res = runner.invoke(cli, ["export", "nope", "--format", "ris", "--db", str(path)])
    assert res.exit_code == 1 and "Error:" in res.output


def test_full_pipeline_records_carry_notes_and_bibliography(seed_records):
    """Integration: the default pipeline (all components) on the seeds."""
    rec = seed_records["002"]
    assert len(rec["notes"]) == 63 and len(rec["bibliography"]) == 24
    assert rec["notes"][21]["archival_refs"][0]["folios"] == ["8-9"]
    assert seed_records["001"]["archival_refs"][0]["delo"] == "118-01764-05"


def test_eval_scores_archival_refs_and_footnotes_on_seeds(seed_db):
    """Integration: `opis eval` on the default pipeline's records."""
    from conftest import GOLD_DIR
    from opis.evaluate import evaluate

    report = evaluate(seed_db, GOLD_DIR).to_dict()["fields"]
    for name in ("archival_refs", "footnote.archival_refs", "footnote.published", "footnote.ibid_bibliographic",
                 "footnote.count", "bibliography.count"):
        assert report[name]["f1"] == 1.0, (name, report[name]["misses"])


def test_eval_scorer_counts_a_wrong_part(seed_records):
    from conftest import gold
    from opis.evaluate.archrefs import score

    rec = json.loads(json.dumps(seed_records["002"]))
    rec["notes"][25]["archival_refs"][0]["opis"] = "3"  # Ibid. resolved wrongly
    tallies = {t.field: t for t in score(gold("002"), rec)}
    t = tallies["footnote.archival_refs"]
    assert (t.tp, t.fp, t.fn) == (22, 1, 1)


def test_cyrillic_and_latin_signatures_meet_in_one_tree_node(store):
    from opis.model import Document, Provenance
    from opis.refs.parse import parse_ref

    for i, raw in enumerate(["ГАРФ. Ф. Р-9401. Оп. 2. Д. 64. Л. 9.", "GARF, f. R-9401, op. 2, d. 64, l. 12"]):
        doc = Document(id=f"d{i}", title=f"doc {i}", archival_refs=[parse_ref(raw)],
                       provenance=Provenance(path=f"/x/{i}.txt", sha256=f"{i}" * 64, format="text", reader="t"))
        store.upsert(doc)
    assert archive_tree(store, "GARF") == [{"level": "fond", "fond": "R-9401", "refs": 2, "documents": 2}]
    assert {r["doc_id"] for r in citing(store, "ГА РФ", "Р-9401", "2", "64")} == {"d0", "d1"}


def test_cli_refs_parse_reads_notes_from_stdin():
    notes = "SGA KNB RK, f. 9, op. 1, d. 438, l. 119, 135.\n\n*Ibid.*, l. 75.\nO. Mozokhin, *VCHK – OGPU*, 182–185.\n"
    res = CliRunner().invoke(cli, ["refs", "parse", "--json", "-"], input=notes)
    assert res.exit_code == 0, res.output
    rows = [json.loads(x) for x in res.output.splitlines()]
    assert [r["kind"] for r in rows] == ["archival", "archival", "book"]
    assert rows[1]["delo"] == "438" and rows[1]["folios"] == ["75"]
    assert rows[2]["author"] == [{"family": "Mozokhin", "given": "O."}] and rows[2]["locator"] == "182-185"
