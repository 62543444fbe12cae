"""``opis serve --workers N`` on PostgreSQL shares the database's connections between its
processes (opis.web.inflight): under more requests in flight than the database takes
connections, every request is answered, none fails with "too many connections"."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from opis.web.inflight import LEAST, MOST, PER_PROCESS, RESERVED, share
from team import MAIN, ROOT, free_port, wait_for

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("budget", [20, 30, 97, 297, 1000])
@pytest.mark.parametrize("workers", [1, 2, 4, 8])
def test_the_processes_share_stays_within_the_budget(budget, workers):
    each = share(budget, workers)
    assert LEAST <= each <= MOST
    if each > LEAST:  # (below LEAST requests a process could not work; the docs say to raise the limit)
        assert workers * (each + PER_PROCESS) + RESERVED <= budget


def _get(url: str) -> int | str:
    try:
        with urllib.request.urlopen(url, timeout=120) as r:
            r.read()
            return r.status
    except urllib.error.HTTPError as exc:
        return f"{exc.code} {exc.read()[:200]!r}"
    except OSError as exc:
        return f"{type(exc).__name__}: {exc}"


def test_more_requests_than_connections_all_answered(pg_url, tmp_path):
    import psycopg

    from opis.archive import Archive

    Archive(pg_url).close()  # the schema, no documents: the pages still read the database
    name = pg_url.rsplit("/", 1)[1]
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(f'ALTER DATABASE "{name}" CONNECTION LIMIT 30')
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = open(tmp_path / "serve.log", "w")  # noqa: SIM115 - closed below
    env = {"PYTHONPATH": str(ROOT / "src"), "XDG_DATA_HOME": str(tmp_path / "data"), "PATH": "/usr/bin:/bin"}
    proc = subprocess.Popen([sys.executable, "-c", MAIN, "serve", "--db", pg_url, "--port", str(port),
                             "--workers", "2"], stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        wait_for(lambda: _get(base + "/api/documents?limit=1") == 200, 90)
        urls = [base + u for u in ("/", "/api/documents", "/entities", "/archives", "/api/search?q=border")] * 40
        t = time.monotonic()
        with ThreadPoolExecutor(100) as pool:  # 100 in flight, 30 connections to share
            answers = list(pool.map(_get, urls))
        assert [a for a in answers if a != 200] == [], (tmp_path / "serve.log").read_text()[-2000:]
        assert time.monotonic() - t < 120
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
