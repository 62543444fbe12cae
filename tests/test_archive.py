"""``opis.Archive``, the library API, end to end on the sample corpus (``examples/corpus``).

Also the regression of issue 15: a malformed correction posted through the web API was
stored unchecked, and every later ingest then failed ("unexpected KeyError: 'into'").
"""

from __future__ import annotations

import json
import shutil
import warnings
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from opis import Archive
from opis.authority.curation import CorrectionError
from opis.errors import NotFound

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

CORPUS = Path(__file__).resolve().parent.parent / "examples" / "corpus"
FORMATS = ["chicago", "bibtex", "ris", "csl-json", "tei", "json", "geojson", "csv"]
TOKEN = "s3cret"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    """The sample corpus ingested through the API (read by the tests; copy it to change it)."""
    path = tmp_path_factory.mktemp("archive") / "opis.db"
    with Archive(path) as arch:
        results = list(arch.ingest([CORPUS]))
        assert [r.status for r in results] == ["added"] * len(list(CORPUS.glob("*.txt"))), \
            [r.to_dict() for r in results]
        yield arch


@pytest.fixture()
def copy(archive, tmp_path):
    """A writable copy of the sample archive, made with ``Archive.backup``."""
    archive.backup(tmp_path / "copy.db")
    with Archive(tmp_path / "copy.db") as arch:
        yield arch


def _entity_in_some_document(archive: Archive) -> dict:
    return next(e for e in archive.entities(limit=50) if e["documents"] >= 1 and e["mentions"] >= 1)


# --- ingest, list, get ------------------------------------------------------------------------

def test_ingest_again_changes_nothing(archive):
    before = archive.count()
    again = list(archive.ingest([CORPUS]))
    assert {r.status for r in again} == {"unchanged"} and archive.count() == before


def test_list_pages_through_every_document_once(archive):
    total = archive.count()
    first, rest = archive.list(limit=2), archive.list(limit=100, offset=2)
    assert first.total == rest.total == total == len(list(archive.documents()))
    ids = [d["id"] for d in first.documents + rest.documents]
    assert len(ids) == len(set(ids)) == total
    dated = [d["date_earliest"] for d in first.documents + rest.documents if d["date_earliest"]]
    assert dated == sorted(dated)  # by date, undated last
    assert first.to_dict()["documents"] == first.documents


def test_list_filters_agree_with_the_records(archive):
    docs = list(archive.documents())
    some_type = next(d.doc_type for d in docs if d.doc_type)
    listing = archive.list(limit=100, doc_type=some_type)
    assert listing.total == archive.count(doc_type=some_type) == sum(d.doc_type == some_type for d in docs)
    assert {d["doc_type"] for d in listing.documents} == {some_type}
    assert some_type in archive.document_types()
    cited = next(r.archive for d in docs for r in d.archival_refs if r.archive)
    citing = archive.list(limit=100, archive=cited)
    assert citing.total >= 1
    assert all(any(r.archive == cited for r in archive.get(d["id"]).archival_refs) for d in citing.documents)


def test_get_by_prefix(archive):
    doc = next(archive.documents())
    assert archive.get(doc.id[:8]).id == doc.id
    assert archive.record(doc.id[:8])["id"] == doc.id
    assert archive.titles([doc.id, "nope"]) == {doc.id: doc.title}
    with pytest.raises(NotFound):
        archive.get("ffffffffffffffff")
    with pytest.raises(NotFound, match="ambiguous"):
        archive.get("")  # every id starts with ""


# --- search, export ---------------------------------------------------------------------------

def test_search_finds_a_document_by_a_word_of_its_title(archive):
    doc = next(d for d in archive.documents() if d.title and any(len(w) > 6 for w in d.title.split()))
    word = max(doc.title.split(), key=len).strip(".,:;()\"'")
    result = archive.search(word)
    assert doc.id in result.ids and result.total >= 1
    assert archive.search(word, exact=True).total >= 1


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_every_format(archive, fmt):
    doc = next(d for d in archive.documents() if d.title)
    body = archive.export(doc.id[:10], fmt)
    assert body.strip()
    if fmt in ("csl-json", "json", "geojson"):
        json.loads(body)
    elif fmt == "tei":
        ET.fromstring(body)
    elif fmt == "bibtex":
        assert body.lstrip().startswith("@")
    elif fmt == "ris":
        assert body.startswith("TY  -") and "ER  -" in body


def test_export_unknown_format_is_refused(archive):
    from opis.export import ExportError

    with pytest.raises(ExportError):
        archive.export(next(archive.documents()).id, "docx")


# --- entities, claims, timeline, archives ----------------------------------------------------

def test_entities_and_their_mentions(archive):
    stored = {d.id for d in archive.documents()}
    ent = _entity_in_some_document(archive)
    one = archive.entity(ent["id"])
    assert one["id"] == ent["id"] and one["documents"] == ent["documents"]
    mentions = archive.mentions(ent["id"])
    assert len(mentions) == one["mentions"] and {m["doc_id"] for m in mentions} <= stored
    assert all(c["id"] != ent["id"] for c in archive.cooccurring(ent["id"]))
    assert all(p["lat"] is not None for p in archive.places())
    with pytest.raises(NotFound):
        archive.entity("place:no-such-place-anywhere")


def test_claims_come_from_stored_documents(archive):
    stored = {d.id for d in archive.documents()}
    claims = archive.claims()
    assert claims and {c["doc_id"] for c in claims} <= stored
    for group in archive.claims(compare=True):
        assert len({c["doc_id"] for c in group["claims"]}) >= 2


def test_timeline_is_chronological_and_covers_every_dated_document(archive):
    items = archive.timeline()
    starts = [i["date"]["earliest"] or "" for i in items]
    assert starts == sorted(starts)
    dated = {d.id for d in archive.documents() if d.date.earliest}
    assert {i["doc_id"] for i in items if i["kind"] == "document"} == dated
    assert all(i["kind"] == "document" for i in archive.timeline(kinds=["document"]))


def test_archive_tree_leads_to_the_citing_documents(archive):
    top = archive.archive_tree()
    code = next(a["archive"] for a in top if a["archive"])
    fonds = archive.archive_tree(code)
    assert fonds and all(f["level"] == "fond" for f in fonds)
    assert sum(f["refs"] for f in fonds) == next(a["refs"] for a in top if a["archive"] == code)
    assert {c["doc_id"] for c in archive.citing(code)} == {d["id"] for d in archive.list(100, archive=code).documents}


# --- corrections ------------------------------------------------------------------------------

def test_a_valid_correction_is_stored_and_applied_at_once(copy):
    ent = _entity_in_some_document(copy)
    done = copy.correct("entity.rename", {"id": ent["id"], "label": "A Curated Label"})
    assert done.id and len(done.documents) == ent["documents"]
    assert [c["args"] for c in copy.corrections()] == [{"id": ent["id"], "label": "A Curated Label"}]
    for doc_id in done.documents:
        assert any(e.label == "A Curated Label" for e in copy.get(doc_id).entities if e.id == ent["id"])


def test_a_span_correction_is_completed_from_the_document(copy):
    doc = next(d for d in copy.documents() if len(d.text) > 40)
    ent = _entity_in_some_document(copy)
    done = copy.correct("entity.link", {"doc_id": doc.id[:10], "start": 0, "end": 10, "entity": ent["id"]})
    assert done.args["doc_id"] == doc.id and done.args["surface"] == doc.text[:10]
    assert done.args["path"] == doc.provenance.path
    assert any(m.start == 0 and m.end == 10 and m.entity_id == ent["id"] for m in copy.get(doc.id).mentions)


@pytest.mark.parametrize("kind,args,why", [
    ("entity.merge", {}, "lacks into, other"),
    ("entity.merge", {"into": "place:a", "other": "place:a"}, "into itself"),
    ("entity.merge", {"into": ["place:a"], "other": "place:b"}, "must be a non-empty string"),
    ("entity.rename", {"id": "place:no-such-place-anywhere", "label": "X"}, "no entity"),
    ("entity.rename", {"id": "ENTITY", "label": "X", "extra": 1}, "unknown argument extra"),
    ("entity.link", {"doc_id": "DOC", "start": "0", "end": 5, "entity": "ENTITY"}, "must be an integer"),
    ("entity.link", {"doc_id": "DOC", "start": 0, "end": 10**9, "entity": "ENTITY"}, "outside the text"),
    ("entity.unlink", {"doc_id": "DOC", "start": 0, "end": 5, "surface": "not these words"}, "not 'not these"),
    ("entity.unlink", {"doc_id": "ffffffffffffffff", "start": 0, "end": 5}, "no document"),
    ("entity.bogus", {}, "unknown correction kind"),
])
def test_a_bad_correction_is_refused_and_nothing_is_stored(copy, kind, args, why):
    doc, ent = next(copy.documents()), _entity_in_some_document(copy)
    args = {k: doc.id if v == "DOC" else ent["id"] if v == "ENTITY" else v for k, v in args.items()}
    before = copy.record(doc.id)
    with pytest.raises(CorrectionError, match=why):
        copy.correct(kind, args)
    assert copy.corrections() == [] and copy.record(doc.id) == before


def test_a_malformed_correction_stored_before_validation_does_not_stop_ingest(copy, tmp_path):
    """Databases written by the old API may hold one: ingest passes it over, check names it."""
    copy.store.add_correction("entity.merge", {})  # below the API, as the old POST did
    src = tmp_path / "new.txt"
    src.write_text(next(CORPUS.glob("*.txt")).read_text(encoding="utf-8") + "\nA later note.\n", encoding="utf-8")
    [res] = list(copy.ingest([src]))
    assert res.status == "added", res.error
    report = copy.check()
    assert report.ok
    line = next(c for c in report.checks if c.name == "corrections")
    assert "malformed: #1" in line.summary


# --- care of the database ---------------------------------------------------------------------

def test_check_backup_and_restore(copy, tmp_path):
    assert copy.check().ok and copy.check(quick=True).ok
    count, corrections = copy.count(), copy.corrections()
    res = copy.backup(tmp_path / "b.db")
    assert res.documents == count
    copy.delete(next(copy.documents()).id)
    ent = _entity_in_some_document(copy)
    copy.correct("entity.rename", {"id": ent["id"], "label": "Later"})
    assert copy.count() == count - 1
    restored = copy.restore(tmp_path / "b.db")
    assert restored.documents == count and restored.kept_aside
    assert copy.count() == count and copy.corrections() == corrections
    assert copy.check().ok


def test_readonly_archive_refuses_corrections(archive, tmp_path):
    from opis.errors import StoreError

    with Archive(archive.path, readonly=True) as ro:
        ent = _entity_in_some_document(ro)
        with pytest.raises(StoreError, match="read-only"):
            ro.correct("entity.rename", {"id": ent["id"], "label": "X"})
        assert ro.corrections() == archive.corrections()


# --- issue 15: through the web API, then ingest -------------------------------------------------

def test_web_refuses_a_bad_correction_with_422_json_and_ingest_goes_on(archive, tmp_path):
    from opis.web import create_app

    archive.backup(tmp_path / "web.db")
    client = TestClient(create_app(str(tmp_path / "web.db"), allow_write=True, token=TOKEN))
    bad = client.post("/api/corrections", json={"kind": "entity.merge", "args": {}}, headers=AUTH)
    assert bad.status_code == 422
    assert bad.json()["error"] == "invalid_correction" and "into" in bad.json()["detail"]
    assert client.get("/api/corrections").json() == []
    ent = client.get("/api/entities", params={"limit": 1}).json()[0]
    good = client.post("/api/corrections", json={"kind": "entity.rename", "args": {"id": ent["id"], "label": "Curated"}},
                       headers=AUTH)
    assert good.status_code == 201 and good.json()["documents"]
    assert client.get(f"/api/entities/{ent['id']}").json()["label"] == "Curated"  # applied at once

    # a new version of a stored file is ingested, and the correction re-applied to it
    src = tmp_path / "again" / Path(archive.record(good.json()["documents"][0])["provenance"]["path"]).name
    src.parent.mkdir()
    shutil.copy(archive.record(good.json()["documents"][0])["provenance"]["path"], src)
    with src.open("a", encoding="utf-8") as f:
        f.write("\nA later note.\n")
    with Archive(tmp_path / "web.db") as arch:
        [res] = list(arch.ingest([src]))
        assert res.status in ("added", "updated"), res.error
        assert any(e.label == "Curated" for e in arch.get(res.id).entities if e.id == ent["id"])


def test_cli_refuses_a_span_outside_the_text(archive, tmp_path):
    from click.testing import CliRunner

    from opis.cli import cli

    archive.backup(tmp_path / "cli.db")
    doc = next(archive.documents())
    r = CliRunner().invoke(cli, ["entity", "unlink", f"{doc.id}:0-{len(doc.text) + 5}", "--db", str(tmp_path / "cli.db")])
    assert r.exit_code == 1 and "outside the text" in r.output
    with Archive(tmp_path / "cli.db") as arch:
        assert arch.corrections() == []


def test_every_export_format_is_served_and_offered():
    from fastapi import FastAPI

    from opis.cli import cli
    from opis.export import names
    from opis.web.api.exports import build_router

    assert names() == tuple(FORMATS)
    fmt_option = next(p for p in cli.commands["export"].params if p.name == "fmt")
    assert tuple(fmt_option.type.choices) == names()
    app = FastAPI()
    app.include_router(build_router())
    [param] = [p for p in app.openapi()["paths"]["/documents/{doc_id}/export"]["get"]["parameters"]
               if p["name"] == "format"]
    assert tuple(param["schema"]["enum"]) == names()
