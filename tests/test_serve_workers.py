"""``opis serve --workers N``: N processes answer behind one port, and the search index they
share is written by one process at a time (searches right after an ingest, from both processes
at once, all bring the index in step without a lock error and find the new document)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

DEV = Path(__file__).parent / "data" / "dev" / "corpus"
FIRST = ["cable-from-the-chinese-embassy-in-hungary-the-hungarian.txt",
         "chinese-ministry-of-foreign-affairs-preliminary-study-of.txt"]
LATER = "cable-from-ambassador-katori-to-the-foreign-minister-prime.txt"  # the only page naming Katori
OPIS = [sys.executable, "-c", "from opis.cli import main; main()"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=60) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def _workers(pid: int) -> list[int]:
    """The worker processes uvicorn started for the server ``pid``."""
    out = subprocess.run(["ps", "-ww", "-o", "pid=,args=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    return [int(line.split()[0]) for line in out.splitlines() if "spawn_main" in line]


def _has_open(pid: int, path: str) -> bool:
    try:
        fds = os.listdir(f"/proc/{pid}/fd")
    except OSError:
        return False
    for fd in fds:
        try:
            if os.readlink(f"/proc/{pid}/fd/{fd}") == path:
                return True
        except OSError:
            continue
    return False


@pytest.fixture()
def served(tmp_path):
    db = str(tmp_path / "w.db")
    subprocess.run([*OPIS, "ingest", *(str(DEV / f) for f in FIRST), "--db", db], check=True, capture_output=True)
    port = _free_port()
    proc = subprocess.Popen([*OPIS, "serve", "--db", db, "--port", str(port), "--workers", "2"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(base + "/api/documents?limit=1", timeout=2).read()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"opis serve --workers 2 did not start: {proc.stderr.read()}")
            time.sleep(0.2)
    yield db, base, proc
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


def test_two_worker_processes_answer(served):
    db, base, proc = served
    workers = _workers(proc.pid)
    assert len(workers) == 2
    deadline = time.monotonic() + 30
    with ThreadPoolExecutor(16) as pool:
        while not all(_has_open(w, db) for w in workers):  # each opens the database on its first request
            assert time.monotonic() < deadline, "not every worker process answered a request"
            statuses = list(pool.map(lambda _: _get(base + "/api/documents?limit=5")[0], range(64)))
            assert statuses == [200] * 64


def test_searches_of_both_processes_after_an_ingest_find_the_new_document(served):
    db, base, _ = served
    assert b'"total":0' in _get(base + "/api/search?q=Katori")[1].replace(b" ", b"")
    subprocess.run([*OPIS, "ingest", str(DEV / LATER), "--db", db], check=True, capture_output=True)
    with ThreadPoolExecutor(16) as pool:  # 16 at once: each must wait for the one process bringing the index in step
        answers = list(pool.map(lambda _: _get(base + "/api/search?q=Katori"), range(32)))
    assert [status for status, _ in answers] == [200] * 32, [body[:200] for _, body in answers]
    assert all(b'"total":1' in body.replace(b" ", b"") for _, body in answers)


def test_the_search_gate_lets_one_process_in_at_a_time(tmp_path):
    """Two processes taking the gate of one database at once (opis.web.gate) never overlap."""
    db = str(tmp_path / "g.db")
    log = tmp_path / "times.txt"
    code = ("import sys, time; from opis.web.gate import gate\n"
            "for _ in range(5):\n"
            "    with gate(sys.argv[1]).hold():\n"
            "        a = time.monotonic(); time.sleep(0.05); b = time.monotonic()\n"
            "    open(sys.argv[2], 'a').write(f'{a} {b}\\n')\n")
    procs = [subprocess.Popen([sys.executable, "-c", code, db, str(log)]) for _ in range(3)]
    assert [p.wait(60) for p in procs] == [0, 0, 0]
    spans = sorted(tuple(map(float, line.split())) for line in log.read_text().splitlines())
    assert len(spans) == 15
    assert all(b[0] >= a[1] for a, b in zip(spans, spans[1:], strict=False))


def test_connections_are_served_without_nagle_delay():
    """A connection accepted from a socket bound the way uvicorn binds one for several workers
    (protocol number 0) keeps Nagle's algorithm on, which asyncio does not turn off for it: the
    server's protocol does (opis.web.nodelay), and ``opis serve`` uses that protocol."""
    from opis.cli import web as cli_web
    from opis.web.nodelay import HTTP, NoDelayProtocol, nodelay

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    client = socket.create_connection(listener.getsockname())
    conn, _ = listener.accept()

    class Transport:
        def get_extra_info(self, name):
            return conn if name == "socket" else None

    try:
        assert conn.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 0
        nodelay(Transport())
        assert conn.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
    finally:
        for s in (conn, client, listener):
            s.close()
    module, name = HTTP.split(":")
    assert getattr(__import__(module, fromlist=[name]), name) is NoDelayProtocol
    assert "http=HTTP" in Path(cli_web.__file__).read_text(encoding="utf-8")
