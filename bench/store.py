"""Benchmark: the database under stress (issue 14), with the figures the README quotes.

    .venv/bin/python bench/store.py [--trials 50] [--corpus DIR ...]

1. **Migration race**: ``--trials`` times each, 2, 3 and 4 processes open the same fresh
   database at once (each a separate interpreter calling ``Store(path)``); counts the trials in
   which every process succeeded and every migration was recorded exactly once.
2. **Killed reindex**: ``--kill-trials`` times, a reindex is killed (``os._exit``) right after the
   FTS5 rebuild committed, before the tantivy index was marked stale; then every document's
   first long title word is searched with tantivy and with FTS5, and the queries whose hits
   differ are counted (wrong documents returned).
3. **check / backup / restore** timings on each corpus, ingested into a fresh database with the
   full pipeline, and whether ``dump --all`` and the corrections are identical after a backup,
   more work, and a restore.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
SRC = str(REPO / "src")
SHARED = REPO.parent / "shared" / "corpus"
DEFAULT_CORPORA = [d for d in (SHARED / "seeds", SHARED / "dev") if d.exists()] or [REPO / "examples" / "corpus"]

OPEN = "import sys; from opis.store import Store; Store(sys.argv[1]).close()"
KILL = """
import os, sys
import opis.search.tantivy_index as ti
from opis.search import reindex
from opis.store import Store
ti.forget = lambda store: os._exit(9)
reindex(Store(sys.argv[1]))
"""


def spawn(code: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", code, *args], env={**os.environ, "PYTHONPATH": SRC},
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def race(processes: int, trials: int, tmp: Path) -> tuple[int, list[str]]:
    from opis.store.migrations import migration_files

    names = sorted(name for name, _ in migration_files())
    ok, errors = 0, []
    for t in range(trials):
        path = tmp / f"race{processes}-{t}.db"
        procs = [spawn(OPEN, str(path)) for _ in range(processes)]
        results = [(p.wait(), p.stderr.read()) for p in procs]
        conn = sqlite3.connect(path)
        applied = [r[0] for r in conn.execute("SELECT name FROM schema_migrations ORDER BY name")]
        conn.close()
        if all(code == 0 for code, _ in results) and applied == names:
            ok += 1
        else:
            errors += [err.strip().splitlines()[-1] for code, err in results if code] or ["migrations recorded wrongly"]
    return ok, errors


def queries(store) -> list[str]:
    out: list[str] = []
    for (title,) in store.conn.execute("SELECT title FROM documents ORDER BY id"):
        for w in (title or "").split():
            w = w.strip(".,:;()[]\"'")
            if len(w) > 5 and w.isalpha() and w.lower() not in {x.lower() for x in out}:
                out.append(w)
                break
    return out


def wrong_queries(db: Path) -> tuple[int, int]:
    from opis.search import search
    from opis.store import Store

    with Store(db) as store:
        qs = queries(store)
        wrong = sum(
            sorted(search(store, q, limit=50, backend="tantivy").ids) != sorted(search(store, q, limit=50, backend="fts5").ids)
            for q in qs
        )
    return len(qs), wrong


def killed_reindex(db: Path, trials: int) -> tuple[int, int, int]:
    total = wrong = killed = 0
    for _ in range(trials):
        wrong_queries(db)  # the index in step before the kill
        p = spawn(KILL, str(db))
        killed += p.wait() == 9
        n, w = wrong_queries(db)
        total += n
        wrong += w
    return killed, total, wrong


def timed(fn, *args):
    t = time.perf_counter()
    out = fn(*args)
    return out, time.perf_counter() - t


def care(corpus: Path, tmp: Path) -> dict:
    from click.testing import CliRunner

    from opis.cli import cli
    from opis.ingest import ingest_paths
    from opis.store import Store
    from opis.store.backup import backup, restore
    from opis.store.check import check_store

    db = tmp / f"{corpus.name}.db"
    with Store(db) as store:
        list(ingest_paths(store, [str(corpus)]))
        store.add_correction("entity.rename", {"id": "place:tacheng", "label": "Tacheng (Chuguchak)"})
        n = store.count()

    def dump() -> str:
        return CliRunner().invoke(cli, ["dump", "--all", "--db", str(db)]).output

    before = dump()
    with Store(db, readonly=True) as store:
        report, t_check = timed(check_store, store)
        _, t_quick = timed(check_store, store, True)
        res, t_backup = timed(backup, store, tmp / f"{corpus.name}.backup.db")
        corrections = store.corrections()
    with Store(db) as store:  # work after the backup, lost by the restore
        store.add_correction("entity.rename", {"id": "place:ili", "label": "Ili"})
    _, t_restore = timed(restore, db, res.path)
    with Store(db) as store:
        same = dump() == before and store.corrections() == corrections
    return {"corpus": str(corpus), "documents": n, "MB": db.stat().st_size / 1e6, "check_ok": report.ok,
            "check": t_check, "quick": t_quick, "backup": t_backup, "restore": t_restore, "identical": same}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--trials", type=int, default=50)
    ap.add_argument("--kill-trials", type=int, default=10)
    ap.add_argument("--corpus", action="append", type=Path)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="opis-bench-store-"))
    try:
        print(f"1. migration race: {args.trials} trials each")
        for n in (2, 3, 4):
            (ok, errors), secs = timed(race, n, args.trials, tmp)
            print(f"   {n} processes: {ok}/{args.trials} trials all succeeded ({secs:.1f} s)"
                  + (f"; e.g. {errors[0]}" if errors else ""))
        corpora = args.corpus or DEFAULT_CORPORA
        print(f"2. reindex killed after the FTS5 rebuild: {args.kill_trials} trials on {corpora[-1].name}")
        from opis.ingest import ingest_paths
        from opis.pipeline import Pipeline
        from opis.store import Store

        kdb = tmp / "kill.db"
        with Store(kdb) as store:
            list(ingest_paths(store, [str(corpora[-1])], pipeline=Pipeline(["boilerplate", "metadata"])))
        killed, total, wrong = killed_reindex(kdb, args.kill_trials)
        print(f"   {killed}/{args.kill_trials} reindexes killed at that point; {wrong} of {total} queries"
              " afterwards returned other documents than FTS5")
        print("3. check / backup / restore (full pipeline ingest; seconds)")
        for corpus in corpora:
            r = care(corpus, tmp)
            print(f"   {Path(r['corpus']).name}: {r['documents']} documents, {r['MB']:.1f} MB; check {r['check']:.2f}"
                  f" (ok: {r['check_ok']}), check --quick {r['quick']:.2f}, backup {r['backup']:.2f},"
                  f" restore {r['restore']:.2f}; dump --all and corrections identical after restore: {r['identical']}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
