"""Issue 16's done-means from the command line, as the README's "For a team" says it: a fresh
PostgreSQL database, ``opis serve --allow-write`` and two ``opis worker`` processes on it (real
processes), the sample corpus uploaded with ``curl`` to ``POST /api/uploads``, ``opis jobs``
until every job is done, then ``opis search Tacheng`` and ``/api/search?q=Tacheng`` find what the
same corpus ingested inline into a SQLite file finds. Both workers ran jobs (each job names its
worker). Also: ``opis jobs prune`` on a real queue."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request

import pytest

from team import MAIN, ROOT, SEEDS, inline_search, start_team, stop_team, upload_with_curl, wait_for

pytestmark = pytest.mark.slow


@pytest.fixture()
def team(pg_url, tmp_path):
    team = start_team(pg_url, tmp_path / "team")
    yield team
    stop_team(team)


@pytest.mark.skipif(shutil.which("curl") is None, reason="the README uploads with curl")
def test_upload_the_samples_to_a_team_server_two_workers_run_them_search_finds_tacheng(team, tmp_path):
    solo: dict[str, list[str]] = {}
    inline = threading.Thread(target=lambda: solo.update(ids=inline_search(tmp_path / "solo", "Tacheng")))
    (tmp_path / "solo").mkdir()
    inline.start()  # one person's SQLite archive of the same files, meanwhile
    samples = sorted(SEEDS.iterdir())
    sent = upload_with_curl(team, samples)
    assert [a["refused"] for a in sent] == [[]] * len(samples)
    assert [u["status"] for a in sent for u in a["uploads"]] == ["queued"] * len(samples)

    listing = wait_for(lambda: (j := team.jobs())["counts"]["done"] + j["counts"]["failed"] == len(samples) and j,
                       300, 1.0)
    inline.join(120)
    assert listing["counts"] == {"queued": 0, "running": 0, "failed": 0, "done": len(samples), "cancelled": 0}, \
        team.logs()
    jobs = listing["jobs"]
    assert sorted(j["name"] for j in jobs) == sorted(p.name for p in samples)
    assert {j["result"] for j in jobs} == {"added"}
    shown = team.opis("jobs").stdout.splitlines()
    assert shown[0] == f"0 queued  0 running  0 failed  {len(samples)} done  (2 workers running)"
    ran = {j["worker"] for j in jobs}
    assert ran == {f"{socket.gethostname()}:{w.pid}" for w in team.workers}, team.logs()  # both workers ran jobs

    with urllib.request.urlopen(team.base + "/api/uploads", timeout=30) as r:  # the uploads followed their jobs
        uploads = json.load(r)
    assert uploads["counts"]["done"] == len(samples)
    assert sorted(u["doc_id"] for u in uploads["uploads"]) == sorted(j["doc_id"] for j in jobs)

    assert solo["ids"], "the inline SQLite archive finds Tacheng"
    found = json.loads(team.opis("search", "Tacheng", "--json").stdout)
    assert sorted(h["id"] for h in found["hits"]) == solo["ids"]
    with urllib.request.urlopen(team.base + "/api/search?q=Tacheng", timeout=30) as r:
        api = json.load(r)
    assert sorted(h["id"] for h in api["hits"]) == solo["ids"]

    codes, left = stop_team(team)
    assert codes == [0, 0]  # SIGTERM stops each worker gracefully
    assert left == []  # with its extraction process, and the server with its processes


def test_prune_deletes_old_ended_jobs_only(pg_url, tmp_path):
    """``opis jobs prune``: only jobs that ended longer ago than the age go, of the status asked;
    queued jobs stay whatever their age."""
    from opis.archive import Archive
    from opis.queue import JobQueue

    db = tmp_path / "p.db"
    env_args = ("--queue", pg_url)
    pages = sorted(SEEDS.iterdir())[:3]
    with Archive(db) as archive:
        enq = list(archive.enqueue(pages[:2], pg_url))
    assert [e.status for e in enq] == ["queued", "queued"]
    bad = tmp_path / "scan.pdf"
    bad.write_bytes(b"not a PDF at all")
    with Archive(db) as archive:
        list(archive.enqueue([bad], pg_url))
    _opis("worker", "--db", str(db), *env_args, "--files", str(db) + ".files", "--until-empty")
    with Archive(db) as archive:
        list(archive.enqueue(pages[2:], pg_url))  # queued, never run
    with JobQueue(pg_url) as q:
        assert q.counts() == {"queued": 1, "running": 0, "failed": 1, "done": 2, "cancelled": 0}

    def prune(*args: str) -> str:
        return _opis("jobs", "--db", str(db), *env_args, "prune", *args).stdout

    assert prune("--older-than", "1h").startswith("pruned 0 done jobs")  # they ended seconds ago
    time.sleep(1.2)
    assert prune("--older-than", "1s").startswith("pruned 2 done jobs")
    with JobQueue(pg_url) as q:
        assert q.counts() == {"queued": 1, "running": 0, "failed": 1, "done": 0, "cancelled": 0}
        assert [r.status for r in q.recent()] == ["queued", "failed"]
    assert prune("--older-than", "1s", "--status", "all").startswith("pruned 1 ended job ")
    with JobQueue(pg_url) as q:
        assert q.counts() == {"queued": 1, "running": 0, "failed": 0, "done": 0, "cancelled": 0}
    bad_age = _opis("jobs", "--db", str(db), *env_args, "prune", "--older-than", "soon", check=False)
    assert bad_age.returncode != 0 and "not an age" in bad_age.stderr


def test_a_worker_prunes_old_jobs_itself(pg_url, tmp_path):
    """``opis worker --prune-done-after``: a worker deletes the done jobs older than the age when it
    starts (and every hour); failed jobs follow their own age."""
    from opis.archive import Archive
    from opis.queue import JobQueue
    from opis.queue_worker import Runtime, WorkerConfig, prune_old

    db = tmp_path / "w.db"
    with Archive(db) as archive:
        list(archive.enqueue(sorted(SEEDS.iterdir())[:1], pg_url))
    _opis("worker", "--db", str(db), "--queue", pg_url, "--files", str(db) + ".files", "--until-empty")
    config = WorkerConfig(queue=pg_url, db=str(db), files=str(db) + ".files", prune_done_after=3600)
    assert prune_old(Runtime(config)) == 0  # ended a moment ago: kept
    time.sleep(1.2)
    config = WorkerConfig(queue=pg_url, db=str(db), files=str(db) + ".files", prune_done_after=1.0,
                          prune_failed_after=None)
    assert prune_old(Runtime(config)) == 1
    with JobQueue(pg_url) as q:
        assert q.counts()["done"] == 0


def _opis(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run([sys.executable, "-c", MAIN, *args], capture_output=True, text=True, env=env, timeout=300)
    if check:
        assert done.returncode == 0, done.stderr
    return done
