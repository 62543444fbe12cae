"""Uploads (issue 16): the file store, the uploads table, the library calls and the HTTP API,
on real record pages from the repository's dev set."""

from __future__ import annotations

import io
import time
import warnings
from pathlib import Path

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from opis.archive import Archive
from opis.errors import OpisError
from opis.files import FileStore, key_for, safe_suffix
from opis.store import uploads as store_uploads
from opis.uploads import UploadRefused, clean_name
from opis.web import create_app

DEV = Path(__file__).parent / "data" / "dev" / "corpus"
PAGES = sorted(DEV.glob("*.txt"))[:3]
AUTH = {"Authorization": "Bearer s3cret"}


# --- the file store -----------------------------------------------------------------
def test_file_store_keeps_content_once_atomically(tmp_path):
    files = FileStore(tmp_path / "files")
    data = PAGES[0].read_bytes()
    first = files.put(io.BytesIO(data), "box 3/Report.TXT")
    again = files.put(io.BytesIO(data), "other name.txt")
    assert first.created and not again.created and first.key == again.key
    assert first.key.startswith("sha256/" + first.sha256[:2] + "/" + first.sha256[2:4] + "/")
    assert first.key.endswith(".txt") and files.path(first.key).read_bytes() == data
    assert files.holds(first.path) == first.key and files.holds(PAGES[0]) is None
    assert not [p for p in (tmp_path / "files").iterdir() if p.name.startswith(".upload-")]


def test_file_store_refuses_large_files_and_bad_keys(tmp_path):
    files = FileStore(tmp_path / "files")
    with pytest.raises(OpisError, match="limit of 10 bytes"):
        files.put(io.BytesIO(b"x" * 100), "big.txt", max_size=10)
    assert list((tmp_path / "files").rglob("*")) == []  # nothing of it kept, not even the temporary file
    for bad in ("../../etc/passwd", "sha256/ab/cd/../../x", "sha256/00/00/" + "0" * 64 + "/x", "x" * 300):
        with pytest.raises(OpisError):
            files.path(bad)
    with pytest.raises(OpisError):
        key_for("not-a-hash")
    assert safe_suffix("a.PDF") == ".pdf" and safe_suffix("a.tar.g z") == "" and safe_suffix("noext") == ""


def test_sent_names_are_cleaned_for_display_never_paths():
    assert clean_name("C:\\box 3\\report.pdf") == clean_name("box 3/report.pdf")
    assert clean_name("../../etc/passwd").name == "passwd" and clean_name("../../etc/passwd").folder == "etc"
    assert clean_name("a\u202eb\x00.txt").name == "ab.txt"
    for empty in ("", None, "/", "../.."):
        with pytest.raises(UploadRefused):
            clean_name(empty)


# --- the library ----------------------------------------------------------------------
def test_uploads_are_queued_then_ingested_in_order(empty_db):
    with Archive(empty_db) as archive:
        sent = [archive.upload(f"dev/{p.name}", p.open("rb")) for p in PAGES]
        sent.append(archive.upload("again.txt", PAGES[0].open("rb")))
        assert [u.status for u in sent] == ["queued"] * 4 and sent[0].folder == "dev"
        assert archive.upload_counts()["queued"] == 4
        done = archive.process_uploads()
        assert [u.id for u in done] == [u.id for u in sent]
        assert [u.status for u in done] == ["done"] * 4
        assert [u.result for u in done] == ["added"] * 3 + ["unchanged"]
        assert done[3].doc_id == done[0].doc_id
        doc = archive.get(done[0].doc_id)
        assert doc.title and archive.files.holds(doc.provenance.path) == done[0].key
        assert archive.count() == 3 and archive.upload_counts() == {"queued": 0, "running": 0, "done": 4, "failed": 0}


def test_a_bad_file_fails_alone_with_its_error(empty_db):
    with Archive(empty_db) as archive:
        bad = archive.upload("scan.pdf", io.BytesIO(b"this is not a PDF at all"))
        good = archive.upload(PAGES[1].name, PAGES[1].open("rb"))
        with pytest.raises(UploadRefused, match="empty"):
            archive.upload("empty.txt", io.BytesIO(b""))
        done = {u.id: u for u in archive.process_uploads()}
        assert done[bad.id].status == "failed" and done[bad.id].error.startswith("scan.pdf: ")
        assert "PDF" in done[bad.id].error
        assert done[good.id].status == "done" and archive.count() == 1


def test_an_upload_left_running_by_a_dead_runner_is_taken_again(empty_db):
    with Archive(empty_db) as archive:
        up = archive.upload(PAGES[2].name, PAGES[2].open("rb"))
        [claimed] = store_uploads.claim(archive.store)
        assert claimed.id == up.id and archive.get_upload(up.id).status == "running"
        assert archive.process_uploads() == []  # a live runner holds it: not taken twice
        assert store_uploads.requeue_stale(archive.store, older_than=-1, max_attempts=3) == 1
        [done] = archive.process_uploads()
        assert done.status == "done" and done.attempts == 2
        again = archive.upload("x.txt", PAGES[2].open("rb"))
        for _ in range(3):
            store_uploads.claim(archive.store)
            store_uploads.requeue_stale(archive.store, older_than=-1, max_attempts=3)
        assert archive.get_upload(again.id).status == "failed"
        assert "interrupted 3 times" in archive.get_upload(again.id).error


def test_a_read_only_archive_takes_no_upload(empty_db):
    Archive(empty_db).close()
    with Archive(empty_db, readonly=True) as archive, pytest.raises(OpisError, match="read-only"):
        archive.upload(PAGES[0].name, PAGES[0].open("rb"))


# --- over HTTP ------------------------------------------------------------------------
@pytest.fixture()
def server(tmp_path, empty_db):
    db = empty_db
    Archive(db).close()
    app = create_app(str(db), allow_write=True, token="s3cret", max_body="64KB", files=str(tmp_path / "originals"))
    with TestClient(app) as client:  # the lifespan starts the upload runner
        yield client


def _wait(client, upload_id: int, seconds: float = 120) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        u = client.get(f"/api/uploads/{upload_id}").json()
        if u["status"] in ("done", "failed"):
            return u
        time.sleep(0.2)
    raise AssertionError(f"upload {upload_id} still {u['status']}")


def test_upload_over_http_is_ingested_in_the_background(server, tmp_path):
    parts = [("files", (p.name, p.read_bytes(), "text/plain")) for p in PAGES[:2]]
    parts.append(("files", ("../..", b"no name left", "text/plain")))
    r = server.post("/api/uploads", files=parts, headers=AUTH)
    assert r.status_code == 202, r.text
    body = r.json()
    assert [u["name"] for u in body["uploads"]] == [p.name for p in PAGES[:2]]
    assert [x["error"] for x in body["refused"]] == ["the file has no name"]
    ends = [_wait(server, u["id"]) for u in body["uploads"]]
    assert [e["status"] for e in ends] == ["done", "done"]
    doc = server.get(f"/api/documents/{ends[0]['doc_id']}").json()
    assert doc["title"]
    original = server.get(f"/api/files/{ends[0]['key']}", params={"name": PAGES[0].name})
    assert original.status_code == 200 and original.content == PAGES[0].read_bytes()
    assert original.headers["content-type"] == "application/octet-stream"
    assert original.headers["content-disposition"].startswith("attachment")
    assert (tmp_path / "originals" / ends[0]["key"]).is_file()
    doc_page = server.get(f"/documents/{ends[0]['doc_id']}").text  # the page links the original
    assert f'<dt>Original file</dt><dd><a href="/api/files/{ends[0]["key"]}?name={PAGES[0].name}" download>' in doc_page
    listing = server.get("/api/uploads").json()
    assert listing["counts"]["done"] == 2 and len(listing["uploads"]) == 2
    page = server.get("/upload")
    assert page.status_code == 200 and PAGES[0].name in page.text and 'src="/static/upload.js"' in page.text


def test_uploads_need_the_token_and_respect_the_size_limit(server):
    part = [("files", (PAGES[0].name, PAGES[0].read_bytes(), "text/plain"))]
    assert server.post("/api/uploads", files=part).status_code == 401
    big = [("files", ("big.txt", b"x" * (70 * 1024), "text/plain"))]
    assert server.post("/api/uploads", files=big, headers=AUTH).status_code == 413
    assert server.get("/api/files/sha256/00/00/" + "0" * 64 + ".txt").status_code == 404
    assert server.get("/api/files/../../etc/passwd").status_code == 404


def test_read_only_server_shows_how_to_enable_uploads(seed_db):
    client = TestClient(create_app(seed_db.path))
    page = client.get("/upload")
    assert page.status_code == 200 and "--allow-write" in page.text and "upload.js" not in page.text
    assert client.post("/api/uploads", files=[("files", ("a.txt", b"x", "text/plain"))]).status_code == 403
