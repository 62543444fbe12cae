"""The database under stress (issue 14): processes racing to create it, a reindex killed half
way, damaged files, backups taken while another process writes, and a full disk.

Real pages from ``tests/data/dev/corpus`` (copied from the shared dev set, see its SOURCES.md)
are ingested with the core components only: what is checked here is storage, not extraction.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from opis.cli import cli
from opis.errors import StoreError
from opis.ingest import ingest_paths
from opis.pipeline import Pipeline
from opis.search import search
from opis.store import Store
from opis.store.backup import backup, restore
from opis.store.check import check_store
from opis.store.failures import CorruptStore
from opis.store.migrations import migration_files

DEV = Path(__file__).parent / "data" / "dev" / "corpus"
SRC = str(Path(__file__).resolve().parent.parent / "src")
CORE = Pipeline(["boilerplate", "metadata"])
PAGES = sorted(DEV.glob("*.txt"))[:16]


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def python(code: str, *args: str, wait: bool = True):
    """Run ``code`` in a fresh interpreter with this checkout's ``opis`` (a separate process)."""
    env = {**os.environ, "PYTHONPATH": SRC}
    proc = subprocess.Popen([sys.executable, "-c", textwrap.dedent(code), *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if not wait:
        return proc
    out, err = proc.communicate(timeout=120)
    return proc.returncode, out, err


@pytest.fixture(scope="module")
def dev_db(tmp_path_factory) -> Path:
    """Sixteen real pages ingested, with two corrections and the ingest log (read-only: copy it)."""
    path = tmp_path_factory.mktemp("dev") / "dev.db"
    with Store(path) as store:
        results = list(ingest_paths(store, [str(p) for p in PAGES], pipeline=CORE))
        assert [r.status for r in results] == ["added"] * len(PAGES)
        store.add_correction("entity.rename", {"id": "place:tacheng", "label": "Tacheng (Chuguchak)"})
        store.add_correction("entity.unlink", {"doc": results[0].id, "surface": "Ili"})
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture()
def db(dev_db, tmp_path) -> Path:
    path = tmp_path / "copy.db"
    shutil.copy(dev_db, path)
    return path


def words_of(store: Store, n: int = 30) -> list[str]:
    """Distinctive title words of the stored documents, as queries."""
    seen: list[str] = []
    for (title,) in store.conn.execute("SELECT title FROM documents ORDER BY id"):
        for w in (title or "").split():
            w = w.strip(".,:;()[]\"'")
            if len(w) > 6 and w.isalpha() and w.lower() not in {x.lower() for x in seen}:
                seen.append(w)
                break
    return seen[:n]


def agree(path: Path) -> tuple[int, int]:
    """(queries, queries whose tantivy hits differ from FTS5's) over the stored titles' words."""
    with Store(path) as store:
        queries = words_of(store)
        wrong = 0
        for q in queries:
            a = search(store, q, limit=20, backend="tantivy")
            b = search(store, q, limit=20, backend="fts5")
            wrong += sorted(a.ids) != sorted(b.ids) or a.total != b.total
    return len(queries), wrong


# --- 1. migrations ------------------------------------------------------------------------
OPEN = """
import sys
from opis.store import Store
Store(sys.argv[1]).close()
"""


@pytest.mark.parametrize("processes", [2, 4])
def test_processes_opening_a_fresh_database_at_once_all_succeed(tmp_path, processes):
    names = [name for name, _ in migration_files()]
    for trial in range(10 if processes == 4 else 5):
        path = tmp_path / f"fresh{trial}.db"
        procs = [python(OPEN, str(path), wait=False) for _ in range(processes)]
        results = [(p.wait(timeout=120), p.stderr.read()) for p in procs]
        assert all(code == 0 for code, _ in results), [err[-300:] for code, err in results if code]
        conn = sqlite3.connect(path)
        applied = [r[0] for r in conn.execute("SELECT name FROM schema_migrations ORDER BY name")]
        conn.close()
        assert applied == names  # each once, all of them


def test_a_failing_migration_leaves_nothing_behind(tmp_path, monkeypatch):
    from opis.store import migrations

    good = migration_files()
    bad = ("9999_broken.sql", "CREATE TABLE half_done (x);\nINSERT INTO no_such_table VALUES (1);\n")
    monkeypatch.setattr(migrations, "migration_files", lambda: [*good, bad])
    with pytest.raises(StoreError):
        Store(tmp_path / "m.db")
    conn = sqlite3.connect(tmp_path / "m.db")
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    applied = {r[0] for r in conn.execute("SELECT name FROM schema_migrations")}
    conn.close()
    assert "half_done" not in tables and "9999_broken.sql" not in applied  # the file, all or nothing
    assert "documents" in tables and len(applied) == len(good)  # the files before it stay applied
    monkeypatch.setattr(migrations, "migration_files", lambda: good)
    Store(tmp_path / "m.db").close()  # and the database opens once the file is fixed


# --- 2. reindex killed between the FTS5 rebuild and the tantivy index -----------------------
KILLED_REINDEX = """
import os, sys
import opis.search.tantivy_index as ti
from opis.search import reindex
from opis.store import Store
ti.forget = lambda store: os._exit(9)   # killed right after the FTS5 rebuild committed
reindex(Store(sys.argv[1]))
"""


def test_reindex_killed_after_the_fts5_rebuild_never_returns_wrong_documents(db):
    n, wrong = agree(db)  # builds the tantivy index, in step
    assert n >= 10 and wrong == 0
    code, _out, err = python(KILLED_REINDEX, str(db))
    assert code == 9, err
    n, wrong = agree(db)
    assert wrong == 0, f"{wrong} of {n} queries returned other documents after the killed reindex"
    assert run("check", "--db", db).exit_code == 0


def test_reindex_seen_from_another_process_is_not_trusted_from_memory(db):
    """A process that searched before another's reindex must not keep using its old view."""
    with Store(db) as store:
        queries = words_of(store)
        before = {q: sorted(search(store, q, limit=20).ids) for q in queries}
        code, _out, err = python(KILLED_REINDEX, str(db))
        assert code == 9, err
        after = {q: sorted(search(store, q, limit=20).ids) for q in queries}
    assert after == before


# --- 3. damage: check, detection on open, nothing written -----------------------------------
def flip(src: Path, dest: Path, n: int, seed: int) -> None:
    data = bytearray(src.read_bytes())
    rng = random.Random(seed)
    for _ in range(n):
        i = rng.randrange(100, len(data))  # past the file header
        data[i] ^= 1 << rng.randrange(8)
    dest.write_bytes(bytes(data))


def test_check_passes_on_a_sound_database(db):
    with Store(db) as store:
        search(store, "conversation")  # the tantivy index in step, so it is compared too
    r = run("check", "--db", db)
    assert r.exit_code == 0, r.output
    assert "no problems found" in r.output
    assert "search index  in step: 16 documents" in r.output
    report = json.loads(run("check", "--db", db, "--json").output)
    assert report["ok"] and {c["name"] for c in report["checks"]} >= {"integrity", "records", "derived"}


@pytest.mark.parametrize("seed", range(6))
def test_check_fails_clearly_on_flipped_bytes_and_nothing_is_written(dev_db, tmp_path, seed):
    bad = tmp_path / "bad.db"
    flip(dev_db, bad, 50, seed)
    digest = hashlib.sha256(bad.read_bytes()).hexdigest()
    r = run("check", "--db", bad)
    assert r.exit_code == 1, r.output
    assert "PROBLEM" in r.output and "problems found" in r.output
    # opening it for work: refused on open, or (damage only inside text) reads fail clearly
    try:
        store = Store(bad)
    except CorruptStore as exc:
        assert "damaged" in str(exc) and "opis check" in str(exc) and "\n" not in str(exc)
    else:
        with store, pytest.raises(StoreError):
            list(store.iter_records())
            store.list()
            search(store, "conversation", backend="fts5")
            store.add_correction("entity.rename", {"id": "x"})
    failed = []
    for cmd in (["dump"], ["search", "conversation"], ["list"]):
        r = CliRunner().invoke(cli, [*cmd, "--db", str(bad)])
        assert not isinstance(r.exception, (UnicodeDecodeError, sqlite3.Error)), cmd  # never a raw crash
        failed.append(r.exit_code != 0)
    # (where 50 random flips land depends on the file's layout: a command that reads none of the
    # damaged bytes may succeed — `list` reads no record, `dump` no title column)
    assert any(failed)
    assert hashlib.sha256(bad.read_bytes()).hexdigest() == digest  # nothing written into it


@pytest.mark.parametrize("seed", range(6))
def test_damage_met_while_reading_a_large_file_is_a_store_error_and_stops_writes(dev_db, tmp_path, seed,
                                                                                monkeypatch):
    """Above QUICK_CHECK_MAX_BYTES a file is not checked on open: damage is met while reading."""
    from opis.store import sqlite as store_sqlite

    monkeypatch.setattr(store_sqlite, "QUICK_CHECK_MAX_BYTES", 0)
    bad = tmp_path / "bad.db"
    flip(dev_db, bad, 50, seed)
    digest = hashlib.sha256(bad.read_bytes()).hexdigest()
    try:
        store = Store(bad)
    except StoreError:
        return  # the schema itself did not read: refused on open
    with store:
        found = False
        for read in (lambda: list(store.iter_records()), store.list, store.corrections, store.ingest_log,
                     lambda: search(store, "conversation", backend="fts5")):
            try:
                read()
            except CorruptStore:
                found = True
            except StoreError as exc:
                found = found or "damaged" in str(exc)
        if found:
            with pytest.raises(StoreError):
                store.add_correction("entity.rename", {"id": "place:x", "label": "y"})
            assert hashlib.sha256(bad.read_bytes()).hexdigest() == digest


def test_damaged_text_inside_a_record_is_reported_and_then_never_written(db):
    with Store(db) as store:
        title = store.conn.execute("SELECT title FROM documents WHERE length(title) > 30 LIMIT 1").fetchone()[0]
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(db.read_bytes())
    key = title.encode("utf-8")[:24]
    i, hits = data.find(key), 0
    while i >= 0:  # a flipped byte in the text, where SQLite's own checks do not look
        data[i + 4] = 0xFF
        hits += 1
        i = data.find(key, i + 1)
    assert hits
    db.write_bytes(bytes(data))
    digest = hashlib.sha256(db.read_bytes()).hexdigest()
    r = run("check", "--db", db)
    assert r.exit_code == 1 and "is not UTF-8" in r.output, r.output
    # (the record itself is stored compressed: the damaged copy is the title column, which
    # the listing reads)
    with Store(db) as store:
        with pytest.raises(CorruptStore):
            store.list()
        with pytest.raises(CorruptStore):
            store.add_correction("entity.rename", {"id": "place:x", "label": "y"})
        with pytest.raises(sqlite3.OperationalError):  # even SQL sent past the store
            store.conn.execute("DELETE FROM corrections")
    assert hashlib.sha256(db.read_bytes()).hexdigest() == digest


def test_check_finds_derived_rows_that_disagree_with_the_records(db):
    with Store(db) as store, store.conn:
        store.conn.execute("PRAGMA foreign_keys = OFF")  # (as another program might write)
        doc_id = store.conn.execute("SELECT doc_id FROM archival_refs LIMIT 1").fetchone()[0]
        store.conn.execute("DELETE FROM archival_refs WHERE doc_id = ?", (doc_id,))
        store.conn.execute("INSERT INTO archival_refs (doc_id, seq, kind, raw) VALUES ('gone', 0, 'archival', 'x')")
    r = run("check", "--db", db)
    assert r.exit_code == 1
    assert f"archival_refs: document '{doc_id}' has 0 rows, its record gives " in r.output
    assert "archival_refs: 1 rows of documents that are not stored" in r.output
    assert "'opis reindex' rebuilds them" in r.output
    assert run("reindex", "--db", db).exit_code == 0
    r = run("check", "--db", db)
    assert r.exit_code == 0, r.output


# --- backup and restore ---------------------------------------------------------------------
def dump_all(path: Path) -> list[str]:
    r = run("dump", "--all", "--db", path)
    assert r.exit_code == 0
    return r.output.splitlines()


def test_dump_all_holds_the_records_the_corrections_and_the_ingest_log(db):
    lines = [json.loads(ln) for ln in dump_all(db)]
    kinds = [next(iter(x)) for x in lines]
    assert kinds.count("record") == len(PAGES)
    assert kinds.count("correction") == 2
    assert kinds.count("ingest_log") == len(PAGES)
    plain = run("dump", "--db", db).output.splitlines()
    assert [json.loads(ln) for ln in plain] == [x["record"] for x in lines if "record" in x]


def test_backup_then_restore_gives_the_same_dump_and_corrections(db, tmp_path):
    before, corrections = dump_all(db), Store(db).corrections()
    copy = tmp_path / "backup.db"
    r = run("backup", copy, "--db", db)
    assert r.exit_code == 0 and f"backed up {len(PAGES)} documents" in r.output
    assert run("backup", copy, "--db", db).exit_code == 1  # never overwritten silently
    with Store(db) as store:  # work after the backup, then lost by restoring it
        list(ingest_paths(store, [str(p) for p in sorted(DEV.glob("*.txt"))[16:19]], pipeline=CORE))
        store.add_correction("entity.rename", {"id": "place:ili", "label": "Ili"})
        search(store, "conversation")
    assert dump_all(db) != before
    r = run("restore", copy, "--db", db)
    assert r.exit_code == 0, r.output
    assert "kept as" in r.output
    assert dump_all(db) == before
    with Store(db) as store:
        assert store.corrections() == corrections
    aside = next(tmp_path.glob("copy.db.before-restore-*"))
    assert Store(aside, readonly=True).count() == len(PAGES) + 3  # the replaced database, kept
    n, wrong = agree(db)  # the search index follows the restored store (rebuilt)
    assert wrong == 0
    assert run("check", "--db", db).exit_code == 0


WRITER = """
import sys
from opis.store import Store
s = Store(sys.argv[1])
print("ready", flush=True)
for i in range(400):
    s.add_correction("entity.rename", {"id": f"place:p{i}", "label": str(i)})
"""


def test_backup_while_another_process_writes_is_consistent(db, tmp_path):
    writer = python(WRITER, str(db), wait=False)
    assert writer.stdout.readline().strip() == "ready"
    copies = []
    for k in range(3):
        with Store(db, readonly=True) as store:
            copies.append(backup(store, tmp_path / f"b{k}.db"))
    assert writer.wait(timeout=120) == 0, writer.stderr.read()
    for res in copies:
        with Store(res.path, readonly=True) as b:
            assert check_store(b).ok
            n = len(b.corrections())
            assert 2 <= n <= 402 and b.count() == len(PAGES)


def test_restore_refuses_a_damaged_backup_and_changes_nothing(db, dev_db, tmp_path):
    bad = tmp_path / "bad-backup.db"
    flip(dev_db, bad, 50, 1)
    digest = hashlib.sha256(db.read_bytes()).hexdigest()
    with pytest.raises(StoreError, match="the backup is damaged and was not restored"):
        restore(db, bad)
    r = run("restore", bad, "--db", db)
    assert r.exit_code == 1 and "not restored" in r.output
    assert hashlib.sha256(db.read_bytes()).hexdigest() == digest
    assert not list(tmp_path.glob("*.before-restore-*"))


def test_a_backup_made_before_the_latest_migration_restores(db, tmp_path):
    old = tmp_path / "old.db"
    shutil.copy(db, old)
    conn = sqlite3.connect(old)
    with conn:  # as a database of the version before migration 0008 was
        conn.execute("DROP TABLE store_meta")
        conn.execute("DELETE FROM schema_migrations WHERE name = '0008_store_meta.sql'")
    conn.close()
    copy = tmp_path / "old-backup.db"
    assert run("backup", copy, "--db", old).exit_code == 0
    r = run("restore", copy, "--db", db)
    assert r.exit_code == 0, r.output
    assert run("check", "--db", db).exit_code == 0
    assert agree(db)[1] == 0


def test_restore_replaces_a_damaged_database(dev_db, tmp_path):
    good = tmp_path / "good.db"
    with Store(dev_db, readonly=True) as store:
        backup(store, good)
    live = tmp_path / "live.db"
    flip(dev_db, live, 50, 2)
    res = restore(live, good)
    assert res.documents == len(PAGES)
    with Store(live) as store:
        assert check_store(store).ok


# --- 4. disk full -----------------------------------------------------------------------------
def test_disk_full_while_storing_leaves_nothing_half_written(db):
    big = db.parent / "big.txt"
    big.write_text("\n\n".join(p.read_text(encoding="utf-8") for p in sorted(DEV.glob("*.txt"))[16:]),
                   encoding="utf-8")
    with Store(db) as store:
        store.conn.execute("VACUUM")  # no free pages left in the file
        counts = {t: store.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                  for t in ("documents", "document_texts", "changes", "archival_refs", "mentions", "search_words")}
        used = store.conn.execute("PRAGMA page_count").fetchone()[0]
        store.conn.execute(f"PRAGMA max_page_count = {used}")  # the disk is full
        results = list(ingest_paths(store, [str(big)], pipeline=CORE))
        assert results[0].status == "error" and "disk full" in results[0].error, results[0]
        with pytest.raises(StoreError, match="disk full while storing a correction; nothing was written"):
            store.add_correction("entity.rename", {"id": "place:x", "label": "x" * 100_000})
        after = {t: store.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in counts}
        assert after == counts
        assert check_store(store).ok
        assert search(store, "conversation").total  # still searchable


def test_search_when_the_index_cannot_be_written_is_one_clear_error(db, monkeypatch):
    import errno

    from opis.search import tantivy_index as ti

    class FullDisk:
        def __init__(self, writer):
            self.writer = writer

        def __getattr__(self, name):
            return getattr(self.writer, name)

        def commit(self):
            raise OSError(errno.ENOSPC, "No space left on device")

    real = ti.TantivyBackend._writer
    monkeypatch.setattr(ti.TantivyBackend, "_writer", lambda self, *a: FullDisk(real(self, *a)))
    with Store(db) as store, pytest.raises(StoreError, match="disk full"):
        search(store, "conversation")
    monkeypatch.undo()
    r = CliRunner().invoke(cli, ["search", "conversation", "--db", str(db)])
    assert r.exit_code == 0 and "documents" in r.output  # once there is room, the index is built
