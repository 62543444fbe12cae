"""The two store engines: the same schema, the SQL translated for PostgreSQL, and what is
PostgreSQL's own (a connection pool under concurrent readers, the search index replica kept in
step by the change journal, one-line errors naming the server without its password)."""

from __future__ import annotations

import json
import sqlite3
import threading

import pytest
from click.testing import CliRunner

from conftest import SEEDS_DIR
from opis.errors import OpisError, StoreError
from opis.store import Store
from opis.store.migrations import DATA_STEPS, SQLITE_ONLY_STEPS, migration_files
from opis.store.postgres import translate

BASELINE = 16  # the PostgreSQL schema starts at SQLite's version 16 (postgresql/0016_baseline.sql)


def _sqlite_schema(tmp_path) -> dict[str, set[str]]:
    with Store(tmp_path / "schema.db") as store:
        tables = store.conn.dialect.tables(store.conn)
        virtual = {r[0] for r in store.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL%'")}
        keep = [t for t in tables if t not in virtual and t != "sqlite_sequence"
                and not any(t.startswith(v + "_") for v in virtual)]  # (FTS5 and its shadow tables)
        return {t: set(store.conn.dialect.columns(store.conn, t)) for t in keep}


def test_both_engines_have_the_same_tables_and_columns(tmp_path, pg_url):
    """The schemas cannot drift: every table and column of SQLite's migrations is in PostgreSQL's,
    and nothing else (PostgreSQL adds only a ``rowid`` where SQLite has an implicit one)."""
    lite = _sqlite_schema(tmp_path)
    with Store(pg_url, index=tmp_path / "index") as store:
        conn = store.conn
        pg = {t: set(conn.dialect.columns(conn, t)) for t in conn.dialect.tables(conn)}
    assert set(pg) == set(lite)
    for table, columns in lite.items():
        assert pg[table] - ({"rowid"} - columns) == columns, table


def test_every_later_sqlite_migration_has_a_postgresql_twin():
    lite = [name for name, _ in migration_files() if int(name[:4]) > BASELINE]
    pg = {name for name, _ in migration_files("postgresql")}
    assert f"{BASELINE:04d}_baseline.sql" in pg
    assert [name for name in lite if name not in pg] == []
    assert all(int(name[:4]) >= BASELINE for name in pg)
    # a Python data step of a later migration runs on both engines; the older ones are SQLite's alone
    assert all(int(name[:4]) <= BASELINE for name in SQLITE_ONLY_STEPS)
    assert all(name in pg for name in DATA_STEPS if name not in SQLITE_ONLY_STEPS)


def test_postgresql_database_is_at_schema_version_16_or_later(pg_url, tmp_path):
    from opis.store.migrations import applied, schema_version

    with Store(pg_url, index=tmp_path / "index") as store:
        names = applied(store.conn)
    assert "0016_baseline.sql" in names
    assert schema_version(names) == max(int(n[:4]) for n, _ in migration_files("postgresql"))


@pytest.mark.parametrize(("sql", "want"), [
    ("SELECT id FROM documents WHERE id = ? AND title LIKE '50% ?'",
     "SELECT id FROM documents WHERE id = %s AND title LIKE '50%% ?'"),
    ("SELECT value FROM t WHERE id IN (SELECT value FROM json_each(?))",
     "SELECT value FROM t WHERE id IN (SELECT value FROM jsonb_array_elements_text(%s::jsonb))"),
    ("SELECT * FROM (SELECT 1 AS a) WHERE a = 1", "SELECT * FROM (SELECT 1 AS a) AS _q1 WHERE a = 1"),
    ("SELECT x FROM claims c INDEXED BY claims_order WHERE c.id > 0", "SELECT x FROM claims c WHERE c.id > 0"),
    ("SELECT json_array(archive, fond) FROM t", "SELECT opis_json_array(archive, fond) FROM t"),
])
def test_sqlite_sql_is_translated_once(sql, want):
    assert translate(sql).sql == want


def test_conflict_clauses_and_limits_need_the_tables_key(pg_url, tmp_path):
    """INSERT OR IGNORE / OR REPLACE become ON CONFLICT on the table's key; LIMIT -1 is no limit;
    lastrowid comes back through RETURNING."""
    with Store(pg_url, index=tmp_path / "index") as store:
        conn = store.conn
        with store.writing():
            conn.execute("INSERT OR REPLACE INTO store_meta (key, value) VALUES (?, ?)", ("k", "1"))
            conn.execute("INSERT OR REPLACE INTO store_meta (key, value) VALUES (?, ?)", ("k", "2"))
            conn.execute("INSERT OR IGNORE INTO store_meta (key, value) VALUES (?, ?)", ("k", "3"))
            first = conn.execute("INSERT INTO corrections (kind, args, created_at) VALUES (?, ?, ?)",
                                 ("entity.merge", "{}", "now")).lastrowid
            second = conn.execute("INSERT INTO corrections (kind, args, created_at) VALUES (?, ?, ?)",
                                  ("entity.merge", "{}", "now")).lastrowid
        assert conn.execute("SELECT value FROM store_meta WHERE key = ?", ("k",)).fetchone()["value"] == "2"
        assert second == first + 1
        rows = conn.execute("SELECT key FROM store_meta ORDER BY key LIMIT ?", (-1,)).fetchall()
        assert len(rows) == conn.execute("SELECT count(*) FROM store_meta").fetchone()[0] >= 2


def test_fts5_on_postgresql_is_one_clear_error(pg_url, tmp_path):
    from opis.search import search

    with Store(pg_url, index=tmp_path / "index") as store, pytest.raises(OpisError, match="searches with tantivy"):
        search(store, "Tacheng", backend="fts5")


def test_bad_url_and_unreachable_server_are_one_line_without_the_password():
    for url in ("postgresql://ada:s3cret@127.0.0.1:1/opis", "postgresql://ada:s3cret@[::1/opis"):
        with pytest.raises(StoreError) as err:
            Store(url)
        text = str(err.value)
        assert "s3cret" not in text and "\n" not in text and "ada:***@" in text, text
    from opis.cli import cli

    out = CliRunner().invoke(cli, ["list", "--db", "postgresql://ada:s3cret@127.0.0.1:1/opis"])
    assert out.exit_code == 1 and "s3cret" not in out.output and "cannot connect to PostgreSQL" in out.output
    assert len(out.output.strip().splitlines()) == 1


def test_backup_and_restore_of_postgresql_by_pg_dump(pg_url, tmp_path, monkeypatch):
    """opis backup / restore on PostgreSQL: pg_dump's archive, put back by pg_restore; what was
    written after the backup is gone after the restore, and the search replica follows."""
    from opis.cli import cli

    monkeypatch.setenv("OPIS_INDEX", str(tmp_path / "index"))
    runner = CliRunner()
    assert runner.invoke(cli, ["ingest", str(SEEDS_DIR), "--db", pg_url]).exit_code == 0
    out = runner.invoke(cli, ["backup", str(tmp_path / "seeds.dump"), "--db", pg_url])
    assert out.exit_code == 0 and "backed up 5 documents" in out.output, out.output
    def found() -> set[str]:
        out = runner.invoke(cli, ["search", "Tacheng OR Moscow OR border", "--db", pg_url, "--json", "--limit", "50"])
        return {hit["id"] for hit in json.loads(out.output)["hits"]}

    before = found()
    with Store(pg_url) as store:
        gone = sorted(before)[0]
        store.delete(gone)
        assert store.count() == 4
    assert found() == before - {gone}
    out = runner.invoke(cli, ["restore", str(tmp_path / "seeds.dump"), "--db", pg_url])
    assert out.exit_code == 0 and "restored 5 documents" in out.output, out.output
    assert found() == before
    (tmp_path / "not-a-dump").write_text("hello")
    out = runner.invoke(cli, ["restore", str(tmp_path / "not-a-dump"), "--db", pg_url])
    assert out.exit_code == 1 and "not a pg_dump archive" in out.output
    with Store(pg_url) as store:
        assert store.count() == 5


def test_reingest_is_idempotent_and_the_journal_keeps_the_replica_in_step(pg_url, tmp_path):
    """Ingest twice: nothing stored twice. Another connection's write (another process, another
    machine) is in the journal, and the next search replays it into this machine's index."""
    from opis.archive import Archive
    from opis.search.tantivy_index import read_state

    index = tmp_path / "replica"
    with Archive(pg_url) as archive:
        archive.store.index_path = index
        first = [r.status for r in archive.ingest([SEEDS_DIR])]
        assert first.count("added") == 5
        counts = {t: archive.store.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                  for t in ("documents", "mentions", "claims", "archival_refs", "changes")}
        assert {r.status for r in archive.ingest([SEEDS_DIR])} == {"unchanged"}
        again = {t: archive.store.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in counts}
        assert again == counts
        assert archive.search("Tacheng").total >= 1
        seq = read_state(index)["seq"]
        with Store(pg_url, index=tmp_path / "other") as other:  # another writer
            doc = other.get(archive.search("Tacheng").ids[0])
            other.delete(doc.id)
        assert doc.id not in archive.search("Tacheng").ids  # replayed from the journal, not rebuilt
        assert read_state(index)["seq"] > seq
        report = archive.check()
        assert report.ok, report.format()


def test_pool_serves_concurrent_readers(pg_url, tmp_path, monkeypatch):
    """A web app over PostgreSQL: 8 threads read at once through the pool, every answer right."""
    from fastapi.testclient import TestClient

    from opis.archive import Archive
    from opis.store import postgres
    from opis.web.app import create_app

    monkeypatch.setenv("OPIS_INDEX", str(tmp_path / "index"))
    with Archive(pg_url) as archive:
        list(archive.ingest([SEEDS_DIR]))
    client = TestClient(create_app(pg_url))
    paths = ["/api/documents", "/api/entities", "/api/search?q=Tacheng", "/api/timeline", "/api/places"]
    want = {p: client.get(p).json() for p in paths}
    errors: list[str] = []

    def reader(k: int) -> None:
        for i in range(10):
            p = paths[(k + i) % len(paths)]
            r = client.get(p)
            if r.status_code != 200 or r.json() != want[p]:
                errors.append(f"{p}: {r.status_code}")

    threads = [threading.Thread(target=reader, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    pool = postgres._POOLS[pg_url]
    assert 1 <= pool.get_stats()["pool_size"] <= postgres.POOL_MAX


def test_writers_on_two_connections_keep_the_counts_exact(pg_url, tmp_path):
    """Two writers at once (two processes, or two machines' workers): the advisory write lock
    serialises them as SQLite's file lock does, and the kept counts agree with a recount."""
    from opis.ingest import ingest_paths

    files = sorted(SEEDS_DIR.glob("*.txt"))
    errors: list[BaseException] = []

    def write(part) -> None:
        try:
            with Store(pg_url, index=tmp_path / "index") as store:
                for r in ingest_paths(store, part):
                    assert r.status == "added", r.to_dict()
        except BaseException as exc:  # (reported below)
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(files[i::2],)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    from opis.store import aggregates

    with Store(pg_url, index=tmp_path / "index") as store:
        assert store.count() == len(files)
        assert aggregates.problems(store.conn) == []


def test_server_errors_are_the_sqlite_modules_classes(pg_url, tmp_path):
    """The store modules catch sqlite3's DB-API classes: the PostgreSQL connection raises them too."""
    with Store(pg_url, index=tmp_path / "index") as store:
        with pytest.raises(sqlite3.IntegrityError), store.conn:
            store.conn.execute("INSERT INTO store_meta (key, value) VALUES (?, ?)", ("epoch", "x"))
        with pytest.raises(sqlite3.DatabaseError):
            store.conn.execute("SELECT no_such_column FROM documents")


def test_cli_keeps_the_index_replica_where_index_says(pg_url, tmp_path, monkeypatch):
    from opis.archive import Archive
    from opis.cli import cli

    monkeypatch.setenv("OPIS_INDEX", "")  # (restored after the test: --index sets it for the process)
    with Archive(pg_url, index=tmp_path / "first") as archive:
        list(archive.ingest([SEEDS_DIR]))
    out = CliRunner().invoke(cli, ["search", "Tacheng", "--db", pg_url, "--index", str(tmp_path / "cli")])
    assert out.exit_code == 0 and "Tacheng" in out.output, out.output
    assert (tmp_path / "cli" / "state.json").is_file()
    out = CliRunner().invoke(cli, ["reindex", "--db", pg_url, "--index", str(tmp_path / "cli")])
    assert out.exit_code == 0 and "tantivy: 5 documents" in out.output, out.output


def test_processes_opening_a_fresh_database_at_once_migrate_it_once(pg_url, tmp_path):
    """Several servers or workers starting together on an empty database: one applies each
    migration (under an advisory lock), the others wait and find it applied."""
    import subprocess
    import sys

    code = f"import sys; sys.path.insert(0, {str(SEEDS_DIR.parent.parent / 'src')!r});" \
           f" from opis.store import Store; Store(sys.argv[1], index={str(tmp_path / 'i')!r}).close()"
    procs = [subprocess.Popen([sys.executable, "-c", code, pg_url], stderr=subprocess.PIPE, text=True)
             for _ in range(3)]
    errors = [p.communicate(timeout=120)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], errors
    with Store(pg_url, index=tmp_path / "i") as store:
        rows = store.conn.execute("SELECT name, count(*) FROM schema_migrations GROUP BY name").fetchall()
    assert {name for name, _ in rows} == {name for name, _ in migration_files("postgresql")}
    assert all(n == 1 for _, n in rows)


def test_tables_of_the_job_queue_in_the_same_database_are_not_the_stores(pg_url, tmp_path):
    """The job queue keeps its tables in the store's PostgreSQL database by default: a table of
    theirs keyed by document is neither rebuilt by 'opis reindex' nor compared by 'opis check'."""
    from opis.store.sqlite import derived_tables

    with Store(pg_url, index=tmp_path / "index") as store:
        with store.writing():
            store.conn.execute("CREATE TABLE opis_job_outcomes (job_id BIGINT, doc_id TEXT)")
            store.conn.execute("INSERT INTO opis_job_outcomes (job_id, doc_id) VALUES (?, ?)", (1, "not-stored"))
        assert "opis_job_outcomes" not in derived_tables(store.conn) and "mentions" in derived_tables(store.conn)
        store.rederive()
        assert store.conn.execute("SELECT count(*) FROM opis_job_outcomes").fetchone()[0] == 1
        from opis.store.check import check_store

        assert check_store(store).ok
