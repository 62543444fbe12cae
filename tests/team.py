"""The README's "For a team" steps as real processes, for the story tests
(tests/test_team_story.py, tests/test_team_browser.py): on a fresh PostgreSQL database, an admin
account and its API token, ``opis serve --allow-write`` with the queue on the same database, and
two ``opis worker`` processes sharing one file store. Every command runs as a user would run it
(a new process, the settings in ``OPIS_DB``, ``OPIS_QUEUE`` and ``OPIS_FILES``)."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "examples" / "corpus"
MAIN = "from opis.cli import main; main()"
ADMIN, PASSWORD = "ada", "ada-admin-password"


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(check, seconds: float = 60, step: float = 0.5):
    """Poll ``check()`` until it returns something true; fail after ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        got = check()
        if got:
            return got
        time.sleep(step)
    raise AssertionError(f"not reached within {seconds} s")


@dataclass
class Team:
    """A running team server: its URL, the environment of its commands, the admin's token, the
    processes (the server first, then the workers) and the folder of their logs."""

    base: str
    env: dict[str, str]
    token: str
    folder: Path
    server: subprocess.Popen | None = None
    workers: list[subprocess.Popen] = field(default_factory=list)

    def opis(self, *args: str, stdin: str | None = None, check: bool = True) -> subprocess.CompletedProcess:
        """Run one opis command with the team's environment."""
        done = subprocess.run([sys.executable, "-c", MAIN, *args], input=stdin, capture_output=True, text=True,
                              env=self.env, timeout=300)
        if check:
            assert done.returncode == 0, f"opis {' '.join(args)}: {done.stderr}"
        return done

    def start(self, *args: str, log: str) -> subprocess.Popen:
        """Start a long-running opis command, its output to a log file (so a full pipe never blocks it)."""
        out = open(self.folder / log, "w")  # noqa: SIM115 - closed with the process
        return subprocess.Popen([sys.executable, "-c", MAIN, *args], stdout=out, stderr=subprocess.STDOUT,
                                env=self.env)

    def jobs(self) -> dict:
        """``opis jobs --json``: counts, live workers and the latest jobs."""
        return json.loads(self.opis("jobs", "--json", "--limit", "100").stdout)

    def logs(self) -> str:
        """Every log of the team's processes (for a failing test's message)."""
        return "\n".join(f"--- {p.name}\n{p.read_text()[-3000:]}" for p in sorted(self.folder.glob("*.log")))


def start_team(pg_url: str, folder: Path, workers: int = 2) -> Team:
    """The README's steps: an admin with a token, a writable server and ``workers`` workers, all on
    the PostgreSQL database ``pg_url`` (the store and the queue) and the file store ``folder/files``;
    the server runs two processes (``--workers 2``)."""
    folder.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "OPIS_DB": pg_url, "OPIS_QUEUE": pg_url,
           "OPIS_FILES": str(folder / "files"), "XDG_DATA_HOME": str(folder / "data")}  # the search replica
    env.pop("OPIS_TOKEN", None)
    team = Team(base="", env=env, token="", folder=folder)
    team.opis("users", "add", ADMIN, "--role", "admin", "--password-stdin", stdin=PASSWORD + "\n")
    team.token = team.opis("users", "token", ADMIN).stdout.strip()
    port = free_port()
    team.base = f"http://127.0.0.1:{port}"
    team.server = team.start("serve", "--allow-write", "--workers", "2", "--port", str(port), log="serve.log")
    team.workers = [team.start("worker", log=f"worker{i}.log") for i in range(workers)]

    def answers() -> bool:
        assert team.server.poll() is None, f"opis serve stopped: {team.logs()}"
        try:
            with urllib.request.urlopen(team.base + "/api/documents?limit=1", timeout=5):
                return True
        except OSError:
            return False

    try:
        wait_for(answers, 240)  # (a bound, not a timing: a loaded machine starts slowly)
        wait_for(lambda: team.jobs()["workers"] == workers, 180, 1.0)  # each registered with the queue
    except BaseException:
        stop_team(team)
        raise
    return team


def descendants(pid: int) -> list[int]:
    """Every live process below ``pid`` (a worker's extraction processes, the server's processes)."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    kids = [int(c) for c in fh.read().split()]
                out += kids
                todo += kids
        except OSError:
            continue
    return out


def stop_team(team: Team) -> tuple[list[int], list[int]]:
    """Stop the workers (SIGTERM: a graceful stop) and the server: the workers' exit codes, and
    the processes they had started that were still alive 10 s after they stopped (then killed)."""
    procs = [*team.workers, *([team.server] if team.server else [])]
    below = [c for p in procs if p.poll() is None for c in descendants(p.pid)]
    for p in procs:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    codes = []
    for p in procs:
        try:
            codes.append(p.wait(60))
        except subprocess.TimeoutExpired:
            p.kill()
            codes.append(p.wait())
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(c) for c in below):
        time.sleep(0.2)
    left = [c for c in below if _alive(c)]
    for c in left:
        with contextlib.suppress(OSError):
            os.kill(c, signal.SIGKILL)
    return codes[:len(team.workers)], left


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def upload_with_curl(team: Team, paths: list[Path]) -> list[dict]:
    """``curl -sS -H "Authorization: Bearer $TOKEN" -F "files=@$f" URL/api/uploads`` for each file,
    as the README says; each answer's JSON."""
    answers = []
    for path in paths:
        done = subprocess.run(["curl", "-sS", "-H", f"Authorization: Bearer {team.token}", "-F", f"files=@{path}",
                               team.base + "/api/uploads"], capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        answers.append(json.loads(done.stdout))
    return answers


def inline_search(folder: Path, query: str) -> list[str]:
    """The ids ``opis search QUERY`` finds in the sample corpus ingested inline into a SQLite file
    (one person's archive): what the team server must find too."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    for k in ("OPIS_DB", "OPIS_QUEUE", "OPIS_FILES"):
        env.pop(k, None)
    db = str(folder / "solo.db")
    for args in (["ingest", str(SEEDS), "--db", db], ["search", query, "--db", db, "--json"]):
        done = subprocess.run([sys.executable, "-c", MAIN, *args], capture_output=True, text=True, env=env,
                              timeout=300)
        assert done.returncode == 0, done.stderr
    return sorted(h["id"] for h in json.loads(done.stdout)["hits"])
