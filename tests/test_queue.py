"""The ingest queue (issue 16): jobs on procrastinate over PostgreSQL (the ``pg_url`` fixture), a
SQLite store, the content-addressed file store, ``opis worker`` processes, ``opis jobs``, a worker
killed with SIGKILL during a job, and uploads run by the workers. Real pages: the sample corpus
(``examples/corpus``) and the dev set (``tests/data/dev/corpus``)."""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import warnings
from pathlib import Path

import pytest
from click.testing import CliRunner

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from opis.archive import Archive
from opis.cli import cli
from opis.files import FileStore
from opis.queue import JobQueue, QueueError, enqueue_paths, queue_url
from opis.readers import ReadOptions

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "examples" / "corpus"
DEV = sorted((ROOT / "tests" / "data" / "dev" / "corpus").glob("*.txt"))
MAIN = "from opis.cli import main; main()"


def opis(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run the opis command in a new process (as a user would)."""
    return subprocess.run([sys.executable, "-c", MAIN, *args], capture_output=True, text=True, env=env or _env(),
                          timeout=600)


def _env() -> dict:
    return {**os.environ, "PYTHONPATH": str(ROOT / "src")}


def start_worker(db, queue, files, *extra: str) -> subprocess.Popen:
    """An ``opis worker`` process (its output to a file beside the file store, so a full pipe never
    blocks it)."""
    log = open(Path(files).parent / f"worker{time.monotonic_ns()}.log", "w")  # noqa: SIM115 - closed with the process
    return subprocess.Popen([sys.executable, "-c", MAIN, "worker", "--db", str(db), "--queue", queue,
                             "--files", str(files), *extra], stdout=log, stderr=subprocess.STDOUT, env=_env())


def wait_for(check, seconds: float = 240, step: float = 0.1):
    """Poll ``check()`` until it returns something true; fail after ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        got = check()
        if got:
            return got
        time.sleep(step)
    raise AssertionError(f"not reached within {seconds} s")


def run_worker_here(db, queue, files) -> None:
    """Run the queue empty in this process (``opis worker --until-empty``)."""
    result = CliRunner().invoke(cli, ["worker", "--db", str(db), "--queue", queue, "--files", str(files),
                                      "--until-empty"])
    assert result.exit_code == 0, result.output


def test_queue_url_defaults_to_a_postgresql_store_and_refuses_other_urls():
    assert queue_url(None, "opis.db") is None
    assert queue_url(None, "postgresql://h/db") == "postgresql://h/db"
    assert queue_url("postgresql://q/jobs", "postgresql://h/db") == "postgresql://q/jobs"
    with pytest.raises(QueueError, match="PostgreSQL URL"):
        queue_url("redis://h", "opis.db")


def test_enqueue_keeps_each_content_once_and_queues_it_once(pg_url, tmp_path):
    twin = tmp_path / "in" / "copy of a page.txt"
    twin.parent.mkdir()
    shutil.copy(DEV[0], twin)
    with Archive(tmp_path / "s.db") as archive, JobQueue(pg_url) as q:
        files = archive.files
        done = list(enqueue_paths(q, archive.store, files, [DEV[0], DEV[1], twin], ReadOptions()))
        assert [e.status for e in done] == ["queued", "queued", "already queued"]
        assert done[0].key == done[2].key and done[2].job_id is None
        assert len([p for p in files.root.rglob("*") if p.is_file()]) == 2  # the twin's bytes are not kept twice
        assert q.counts()["queued"] == 2
        assert [r.name for r in q.recent()] == [str(DEV[1]), str(DEV[0])]
    JobQueue(pg_url).open().close()  # the schema is applied once; opening again is fine


def _store_engines():
    """The stores the story runs on: SQLite always; PostgreSQL once the store speaks it."""
    import importlib.util

    pg = importlib.util.find_spec("opis.store.engine") is not None
    return ["sqlite", pytest.param("postgresql", marks=pytest.mark.skipif(
        not pg, reason="the PostgreSQL store is not in this tree yet"))]


@pytest.mark.parametrize("engine", _store_engines())
def test_cli_story_two_workers_ingest_the_queue_and_search_finds_tacheng(engine, pg_url, tmp_path):
    # SQLite store + the queue on PostgreSQL (--queue URL); or a PostgreSQL store that is its own queue
    db, files = (tmp_path / "team.db", tmp_path / "files") if engine == "sqlite" else (pg_url, tmp_path / "files")
    where = ("--queue", pg_url) if engine == "sqlite" else ("--queue",)
    queued = opis("ingest", *where, str(SEEDS), "--db", str(db), "--files", str(files))
    assert queued.returncode == 0, queued.stderr
    assert queued.stdout.count("queued") == len(list(SEEDS.iterdir()))
    workers = [start_worker(db, pg_url, files, "--heartbeat", "1") for _ in range(2)]
    try:
        def all_done():
            listing = json.loads(opis("jobs", "--queue", pg_url, "--json").stdout)
            return listing if listing["counts"]["done"] == len(list(SEEDS.iterdir())) else None

        listing = wait_for(all_done, step=1.0)
    finally:
        for w in workers:
            w.send_signal(signal.SIGTERM)
        codes = [w.wait(60) for w in workers]
    assert codes == [0, 0]  # a graceful stop on SIGTERM
    assert listing["counts"]["failed"] == 0 and listing["counts"]["queued"] == 0
    assert {j["result"] for j in listing["jobs"]} == {"added"} and all(j["doc_id"] for j in listing["jobs"])
    found = opis("search", "Tacheng", "--db", str(db), "--json")
    assert found.returncode == 0, found.stderr
    assert json.loads(found.stdout)["total"] >= 1
    again = opis("ingest", *where, str(SEEDS), "--db", str(db), "--files", str(files))
    assert again.stdout.count("unchanged") == len(list(SEEDS.iterdir()))  # stored already: nothing queued


def test_a_failed_file_names_itself_and_is_retried_on_demand(pg_url, tmp_path):
    db, files = tmp_path / "f.db", tmp_path / "files"
    bad = tmp_path / "scan.pdf"
    bad.write_bytes(b"this is not a PDF at all")
    runner = CliRunner()
    queued = runner.invoke(cli, ["ingest", "--queue", pg_url, str(bad), str(DEV[0]), "--db", str(db),
                                 "--files", str(files)])
    assert queued.exit_code == 0, queued.output
    run_worker_here(db, pg_url, files)
    failed = runner.invoke(cli, ["jobs", "--queue", pg_url, "--failed"])
    assert failed.exit_code == 0 and "1 failed" in failed.output and "1 done" in failed.output
    [line] = [ln for ln in failed.output.splitlines() if "failed" in ln and "scan.pdf" in ln]
    assert f"{bad}: " in line and "PDF" in line  # one line naming the file and the problem
    job_id = line.split()[0]
    retried = runner.invoke(cli, ["jobs", "--queue", pg_url, "retry", job_id])
    assert retried.exit_code == 0 and "queued again" in retried.output
    listing = json.loads(runner.invoke(cli, ["jobs", "--queue", pg_url, "--json", "--status", "queued"]).output)
    assert [j["id"] for j in listing["jobs"]] == [int(job_id)] and listing["jobs"][0]["error"] is None
    run_worker_here(db, pg_url, files)
    after = json.loads(runner.invoke(cli, ["jobs", "--queue", pg_url, "--json"]).output)
    assert after["counts"]["failed"] == 1 and after["counts"]["done"] == 1  # the same bytes fail the same way
    not_failed = runner.invoke(cli, ["jobs", "--queue", pg_url, "retry", str(next(
        j["id"] for j in after["jobs"] if j["status"] == "done"))])
    assert not_failed.exit_code == 1 and "only a failed job" in not_failed.output
    with Archive(db) as archive:
        assert archive.count() == 1


def test_a_worker_killed_during_a_job_loses_nothing_and_stores_once(pg_url, tmp_path):
    db, files = tmp_path / "k.db", tmp_path / "files"
    with Archive(db) as archive, JobQueue(pg_url) as q:
        [e] = list(enqueue_paths(q, archive.store, FileStore(files), [DEV[3]], ReadOptions()))
    fast = ("--heartbeat", "0.5", "--stalled-after", "2")
    first = start_worker(db, pg_url, files, *fast)
    try:
        with JobQueue(pg_url) as q:
            wait_for(lambda: q.job(e.job_id).status == "running", step=0.05)
    finally:
        first.kill()  # SIGKILL, in the middle of the job
        first.wait(30)
    second = start_worker(db, pg_url, files, *fast)
    try:
        with JobQueue(pg_url) as q:
            job = wait_for(lambda: (j := q.job(e.job_id)).status in ("done", "failed") and j)
    finally:
        second.send_signal(signal.SIGTERM)
        assert second.wait(60) == 0
    assert job.status == "done" and job.attempts >= 2  # run again after its worker died
    with Archive(db) as archive:
        assert archive.count() == 1 and archive.store.find_by_sha256(archive.get(job.doc_id).provenance.sha256)


def test_uploads_become_jobs_the_workers_run(pg_url, tmp_path, monkeypatch):
    from opis.web import create_app

    db, files = tmp_path / "web.db", tmp_path / "originals"
    Archive(db).close()
    monkeypatch.setenv("OPIS_QUEUE", pg_url)
    app = create_app(str(db), allow_write=True, token="s3cret", files=str(files))
    with TestClient(app) as client:
        parts = [("files", (p.name, p.read_bytes(), "text/plain")) for p in DEV[:2]]
        parts.append(("files", ("scan.pdf", b"not a PDF", "application/pdf")))
        r = client.post("/api/uploads", files=parts, headers={"Authorization": "Bearer s3cret"})
        assert r.status_code == 202, r.text
        ids = [u["id"] for u in r.json()["uploads"]]
        with JobQueue(pg_url) as q:
            assert q.counts()["queued"] == 3  # queued for the workers, not read by the server
        assert {client.get(f"/api/uploads/{i}").json()["status"] for i in ids} == {"queued"}
        run_worker_here(db, pg_url, files)
        ends = [client.get(f"/api/uploads/{i}").json() for i in ids]
    assert [e["status"] for e in ends] == ["done", "done", "failed"]
    assert all(e["doc_id"] for e in ends[:2]) and ends[2]["error"].startswith("scan.pdf: ")
    with JobQueue(pg_url) as q:
        counts = q.counts()
        assert counts["done"] == 2 and counts["failed"] == 1
        assert [r.upload for r in q.recent()] == ids[::-1]


def test_without_a_queue_the_commands_say_how_to_give_one(tmp_path, monkeypatch):
    monkeypatch.delenv("OPIS_QUEUE", raising=False)
    result = CliRunner().invoke(cli, ["jobs", "--db", str(tmp_path / "x.db")])
    assert result.exit_code == 1 and "--queue postgresql://" in result.output
    result = CliRunner().invoke(cli, ["ingest", "--queue", str(DEV[0]), "--db", str(tmp_path / "x.db")])
    assert result.exit_code == 1 and "no job queue" in result.output
    assert not (tmp_path / "x.db").exists() or Archive(tmp_path / "x.db").count() == 0


def test_an_upload_through_the_queue_is_read_from_the_file_store(pg_url, tmp_path):
    with Archive(tmp_path / "u.db") as archive, JobQueue(pg_url) as q:
        up = archive.upload(DEV[5].name, io.BytesIO(DEV[5].read_bytes()))
        q.defer_upload(up.id, up.key, up.name, up.sha256)
    run_worker_here(tmp_path / "u.db", pg_url, tmp_path / "u.db.files")
    with Archive(tmp_path / "u.db") as archive:
        done = archive.get_upload(up.id)
        assert done.status == "done" and done.attempts == 1
        assert archive.original(archive.get(done.doc_id)) == (up.key, DEV[5].name)
