"""Shared fixtures: the seed corpus (``examples/corpus``, a copy of the project's five sample files)
with its gold (``tests/data/seeds_gold``) and a database with it ingested. Everything a test reads
is inside the repository."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SEEDS_DIR = REPO / "examples" / "corpus"
GOLD_DIR = REPO / "tests" / "data" / "seeds_gold"

SEEDS = {p.name[:3]: p for p in sorted(SEEDS_DIR.glob("*.txt"))}


def gold(prefix: str) -> dict:
    return json.loads(next(GOLD_DIR.glob(f"{prefix}_*.json")).read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SEEDS_DIR


#: the store engines every store-backed fixture runs on
ENGINES = ["sqlite", "postgresql"]


def _new_pg_database(server: str, label: str, template: str | None = None) -> str:
    """A new database on the test server (empty, or a copy of ``template``); its URL."""
    import re
    import uuid

    import psycopg

    name = "t_" + re.sub(r"[^a-z0-9]+", "_", label.lower())[:40] + "_" + uuid.uuid4().hex[:8]
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    return f"{server.rpartition('/')[0]}/{name}"


def _drop_pg_database(server: str, url: str) -> None:
    import psycopg

    from opis.store.postgres import close_pools

    close_pools(url)
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{url.rpartition("/")[2]}" WITH (FORCE)')


@pytest.fixture(scope="session", params=ENGINES)
def seed_db(request, tmp_path_factory):
    """A store with the five seeds ingested once per test session and engine (read-only for
    tests): a SQLite file, and a PostgreSQL database (its search index in a temporary folder)."""
    from opis.ingest import ingest_paths
    from opis.store import Store

    folder = tmp_path_factory.mktemp("seeddb")
    if request.param == "sqlite":
        store = Store(folder / "seeds.db")
    else:
        server = request.getfixturevalue("postgres_server")
        url = _new_pg_database(server, "seeds")
        store = Store(url, index=folder / "index")
    results = list(ingest_paths(store, [SEEDS_DIR]))
    assert all(r.status in ("added", "unchanged") for r in results), [r.to_dict() for r in results]
    yield store
    store.close()
    if request.param != "sqlite":
        _drop_pg_database(server, url)


@pytest.fixture()
def seed_copy(request, tmp_path, seed_db) -> str:
    """A writable copy of the seed database, on the engine of ``seed_db``: a copy of the file, or
    a PostgreSQL database made from the seeds' database as its template. Returns its path or URL."""
    import shutil

    if seed_db.conn.dialect.name == "sqlite":
        seed_db.conn.execute("PRAGMA wal_checkpoint(FULL)")
        path = tmp_path / "copy.db"
        shutil.copy(seed_db.path, path)
        return str(path)
    import psycopg

    from opis.store.postgres import PgConnection, connect

    server = request.getfixturevalue("postgres_server")
    template = seed_db.url.rpartition("/")[2]
    url = _new_pg_database(server, "copy")
    name = url.rpartition("/")[2]
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE "{name}"')
        conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (template,))
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    seed_db.conn = PgConnection(connect(seed_db.url), seed_db.path)
    request.addfinalizer(lambda: _drop_pg_database(server, url))
    return url


@pytest.fixture(scope="session", autouse=True)
def _index_cache(tmp_path_factory):
    """The search index replicas and file stores of PostgreSQL databases opened without ``index``
    or ``files`` (the CLI, the web app) go to temporary folders, not the user's."""
    import os

    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("cache"))
    os.environ["XDG_DATA_HOME"] = str(tmp_path_factory.mktemp("data"))


@pytest.fixture(params=ENGINES)
def empty_db(request, tmp_path) -> str:
    """Where a new, empty archive is, on each engine: a SQLite file name (not made yet) or the URL of
    a new PostgreSQL database (made from the migrated template)."""
    if request.param == "sqlite":
        return str(tmp_path / "empty.db")
    server = request.getfixturevalue("postgres_server")
    url = _new_pg_database(server, request.node.name, template=request.getfixturevalue("pg_template"))
    request.addfinalizer(lambda: _drop_pg_database(server, url))
    return url


@pytest.fixture(scope="session")
def seed_records(seed_db) -> dict[str, dict]:
    """Stored record JSON by seed prefix ("000" ... "004")."""
    out = {}
    for rec in seed_db.iter_records():
        out[Path(rec["provenance"]["path"]).name[:3]] = rec
    return out


@pytest.fixture(scope="session")
def pg_template(postgres_server):
    """The name of a database with opis's schema, the template of each test's empty store (copying
    it is faster than migrating a new database)."""
    from opis.store import Store

    url = _new_pg_database(postgres_server, "template")
    Store(url, index=REPO / "unused").close()  # (the index is never opened)
    yield url.rpartition("/")[2]
    _drop_pg_database(postgres_server, url)


@pytest.fixture(params=ENGINES)
def store(request, tmp_path):
    """An empty store of its own for one test, on each engine (SQLite file; PostgreSQL database)."""
    from opis.store import Store

    if request.param == "sqlite":
        s = Store(tmp_path / "t.db")
        yield s
        s.close()
        return
    server = request.getfixturevalue("postgres_server")
    url = _new_pg_database(server, request.node.name, template=request.getfixturevalue("pg_template"))
    s = Store(url, index=tmp_path / "index")
    yield s
    s.close()
    _drop_pg_database(server, url)


# --- PostgreSQL: one throwaway cluster per test session, a fresh database per test ---------------

@pytest.fixture(scope="session")
def postgres_server():
    """The base URL of a PostgreSQL server for the tests: ``OPIS_TEST_PG`` when set (CI starts one
    with ``scripts/pg-throwaway``), otherwise a throwaway cluster started here and stopped at the
    end of the session. PostgreSQL is a supported store, so its absence is a failure, not a skip."""
    import os
    import shutil
    import subprocess
    import tempfile

    url = os.environ.get("OPIS_TEST_PG")
    if url:
        yield url
        return
    folder = tempfile.mkdtemp(prefix="opis-pg-")
    script = REPO / "scripts" / "pg-throwaway"
    started = subprocess.run([str(script), "start", folder], capture_output=True, text=True)
    if started.returncode != 0:
        pytest.fail(f"could not start a throwaway PostgreSQL: {started.stderr.strip()}", pytrace=False)
    try:
        yield started.stdout.strip()
    finally:
        subprocess.run([str(script), "stop", folder], capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture()
def pg_url(postgres_server, request):
    """A URL of a new, empty PostgreSQL database of its own for one test (dropped afterwards)."""
    import re
    import uuid

    import psycopg

    name = "t_" + re.sub(r"[^a-z0-9]+", "_", request.node.name.lower())[:40] + "_" + uuid.uuid4().hex[:8]
    with psycopg.connect(postgres_server, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base, _, _ = postgres_server.rpartition("/")
    yield f"{base}/{name}"
    with psycopg.connect(postgres_server, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- test groups: unit (the inner loop, `make test-fast`), integration, browser ------------------

# Files that ingest whole corpora, start servers or processes, drive a browser, build the docs or
# fuzz: the integration group. Everything else is a unit test. `make test` runs all of them.
INTEGRATION = {
    "test_archive.py", "test_claims_precision.py", "test_docs.py", "test_entities_precision.py", "test_export_acceptance.py",
    "test_formats_ingest.py", "test_formats_ocr.py", "test_formats_pdf.py", "test_fuzz_parsers.py",
    "test_fuzz_query.py", "test_fuzz_readers.py", "test_plugins.py", "test_queue.py", "test_records_real_pages.py",
    "test_reliability_readers.py", "test_reliability_store.py", "test_reliability_web.py",
    "test_timeline_scale.py", "test_web_api.py", "test_web_api_spans.py",
}
BROWSER = {"test_web_browser.py"}
# the team server's stories (real servers, workers and a browser on PostgreSQL; issue 16)
INTEGRATION |= {"test_team_story.py", "test_serve_connections.py"}
BROWSER |= {"test_team_browser.py"}


def pytest_collection_modifyitems(config, items):
    """Mark every test with its group, from the file it is in; a test of the FTS5 search backend on
    a PostgreSQL store is skipped (FTS5 lives inside a SQLite file: PostgreSQL searches with tantivy,
    and asking it for FTS5 is an error tested in tests/test_store_engines.py)."""
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        if params.get("backend") == "fts5" and "postgresql" in (params.get("store"), params.get("seed_db")):
            item.add_marker(pytest.mark.skip(reason="FTS5 is SQLite's; a PostgreSQL store searches with tantivy"))
        name = item.path.name
        group = "browser" if name in BROWSER else "integration" if name in INTEGRATION else "unit"
        item.add_marker(getattr(pytest.mark, group))
