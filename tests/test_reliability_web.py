"""The web server under load while an ingest writes; request body limits; failures in shape.

The load test starts the real server (``opis serve``, uvicorn, on 127.0.0.1 and a free port)
over a copy of the seed database, starts ``opis ingest`` of the dev pages into the same
database in another process, and sends 200 mixed page and API requests, 50 in flight, while
the ingest runs (the machinery is ``bench/web_load.py``'s, which runs the full-size version).
Before request-scoped connections, 2 concurrent clients already failed half their requests
(``sqlite3.ProgrammingError``: a connection made in one thread used from another).
"""

from __future__ import annotations

import importlib.util
import json
import sqlite3
import sys
import warnings
from pathlib import Path

import pytest

from opis.web import create_app

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

REPO = Path(__file__).resolve().parent.parent
DEV = REPO / "tests" / "data" / "dev" / "corpus"


def _bench():
    spec = importlib.util.spec_from_file_location("web_load", REPO / "bench" / "web_load.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module




@pytest.mark.skipif(not DEV.exists(), reason="needs the dev pages in tests/data/dev/corpus")
def test_real_server_answers_every_request_while_an_ingest_writes(seed_copy):
    bench = _bench()
    db = seed_copy
    ids = bench.doc_ids(db)
    urls = bench.mixed_urls(ids)
    with bench.Server(db) as server:
        before = bench.count(db)
        ingest = bench.start_ingest(db, DEV)
        try:
            assert ingest.poll() is None or bench.count(db) > before  # it runs, and has written
            result = bench.run_load(server.base, urls, 200, 50, timeout=120)
            written_during = bench.count(db) - before
        finally:
            ingest.terminate()
            ingest.wait(30)
    assert sum(result.statuses.values()) == 200
    assert result.errors == 0, (result.statuses, result.failures)
    assert written_during > 0


# --- request body limits --------------------------------------------------------------------

TOKEN = "s3cret"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture()
def writable(seed_copy):
    db = seed_copy
    return TestClient(create_app(db, allow_write=True, token=TOKEN, max_body=2000))


def _corrections(client) -> list:
    return client.get("/api/corrections").json()


def test_a_body_over_the_limit_is_refused_with_413_json_and_not_stored(writable):
    before = len(_corrections(writable))
    small = {"kind": "entity.rename", "args": {"id": "place:tacheng", "label": "x" * 100}}  # a valid correction
    assert writable.post("/api/corrections", json=small, headers=AUTH).status_code == 201
    big = json.dumps({"kind": "entity.rename", "args": {"id": "place:tacheng", "label": "x" * 5000}})
    r = writable.post("/api/corrections", content=big, headers={**AUTH, "Content-Type": "application/json"})
    assert r.status_code == 413
    assert r.json()["error"] == "payload_too_large" and r.json()["limit"] == 2000
    assert len(_corrections(writable)) == before + 1  # only the small one


def test_a_streamed_body_without_length_is_counted_as_it_arrives(writable):
    before = len(_corrections(writable))
    chunks = [b'{"kind": "entity.rename", "args": {"id": "place:tacheng", "label": "', *[b"y" * 500] * 10, b'"}}']
    r = writable.post("/api/corrections", content=iter(chunks), headers={**AUTH, "Content-Type": "application/json"})
    assert "content-length" not in {k.lower() for k in r.request.headers}
    assert r.status_code == 413 and r.json()["error"] == "payload_too_large"
    assert len(_corrections(writable)) == before


def test_the_limit_is_a_setting_with_a_default():
    from opis.web.settings import DEFAULT_MAX_BODY, parse_size

    assert DEFAULT_MAX_BODY == 20 * 1024 * 1024
    assert parse_size("20MB") == parse_size("20M") == 20 * 1024 * 1024
    assert parse_size("512kb") == 512 * 1024 and parse_size("1000") == 1000
    with pytest.raises(Exception, match="not a size"):
        parse_size("lots")


# --- failures in shape ------------------------------------------------------------------------

def test_an_unexpected_failure_is_json_on_the_api_and_an_error_page_elsewhere(seed_db, monkeypatch):
    from opis.archive import Archive

    client = TestClient(create_app(seed_db.path), raise_server_exceptions=False)

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(Archive, "list", broken)
    api = client.get("/api/documents")
    assert api.status_code == 500 and api.json()["error"] == "internal_error"
    assert "boom" not in api.text  # the detail stays in the server log
    page = client.get("/")
    assert page.status_code == 500 and '<main id="main"' in page.text and "internal error" in page.text
    assert page.headers["x-content-type-options"] == "nosniff"


def test_a_read_only_server_cannot_write_even_through_its_own_connections(seed_db):
    app = create_app(seed_db.path)
    with app.state.pool.lease() as store, pytest.raises(sqlite3.OperationalError, match="read-?only"):
        store.conn.execute("DELETE FROM documents")


def test_a_lease_never_waits_and_gives_each_request_its_own_connection(seed_db):
    app = create_app(seed_db.path)
    pool = app.state.pool
    with pool.lease() as a, pool.lease() as b:
        assert a.conn is not b.conn
        assert a.count() == b.count() == seed_db.count()
    with pool.lease() as c:  # given back, and reused
        assert c is b or c is a
        assert not c.conn.in_transaction or c.conn.execute("SELECT 1").fetchone()
