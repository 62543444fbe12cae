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


@pytest.fixture(scope="session")
def seed_db(tmp_path_factory):
    """A store with the five seeds ingested once per test session (read-only for tests)."""
    from opis.ingest import ingest_paths
    from opis.store import Store

    path = tmp_path_factory.mktemp("seeddb") / "seeds.db"
    store = Store(path)
    results = list(ingest_paths(store, [SEEDS_DIR]))
    assert all(r.status in ("added", "unchanged") for r in results), [r.to_dict() for r in results]
    yield store
    store.close()


@pytest.fixture(scope="session")
def seed_records(seed_db) -> dict[str, dict]:
    """Stored record JSON by seed prefix ("000" ... "004")."""
    out = {}
    for rec in seed_db.iter_records():
        out[Path(rec["provenance"]["path"]).name[:3]] = rec
    return out


@pytest.fixture()
def store(tmp_path):
    from opis.store import Store

    s = Store(tmp_path / "t.db")
    yield s
    s.close()


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


def pytest_collection_modifyitems(config, items):
    """Mark every test with its group, from the file it is in."""
    for item in items:
        name = item.path.name
        group = "browser" if name in BROWSER else "integration" if name in INTEGRATION else "unit"
        item.add_marker(getattr(pytest.mark, group))
