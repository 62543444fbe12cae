"""/api/curation and /api/history (issue 17) through the web app: every endpoint refuses
anonymous (401), reader (403) and CSRF-less (403 ``csrf``, the one write rule of
:mod:`opis.web.auth`) requests; an editor's preview changes nothing, applying changes what the
preview listed, the history has the author with before and after (JSON and CSV), undo restores;
the pages show the curation forms and the history panel to editors only."""

from __future__ import annotations

import csv
import io
import re
import shutil

import pytest

pytest.importorskip("httpx")
from fastapi.testclient import TestClient  # noqa: E402

from opis.archive import Archive  # noqa: E402
from opis.web import create_app  # noqa: E402

PASSWORDS = {"ada": "ada-admin-password", "eve": "eve-editor-password", "rex": "rex-reader-password"}


@pytest.fixture()
def fresh(request, tmp_path, seed_db) -> str:
    """A writable copy of the seeds' database on the engine of ``seed_db`` (the conftest's
    ``seed_copy`` where it exists: SQLite and PostgreSQL)."""
    try:
        return request.getfixturevalue("seed_copy")
    except pytest.FixtureLookupError:
        seed_db.conn.execute("PRAGMA wal_checkpoint(FULL)")
        path = tmp_path / "team.db"
        shutil.copy(seed_db.path, path)
        return str(path)


@pytest.fixture()
def db(fresh) -> str:
    with Archive(fresh) as archive:
        archive.add_user("ada", "admin", PASSWORDS["ada"])
        archive.add_user("eve", "editor", PASSWORDS["eve"])
        archive.add_user("rex", "reader", PASSWORDS["rex"])
    return fresh


def client_of(db: str, name: str | None = None) -> TestClient:
    c = TestClient(create_app(db, allow_write=True))
    if name:
        form = c.get("/login")
        token = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)
        r = c.post("/login", data={"name": name, "password": PASSWORDS[name], "csrf": token, "next": "/"},
                   follow_redirects=False)
        assert r.status_code == 303
        c.headers["X-CSRF-Token"] = re.search(r'<meta name="csrf-token" content="([^"]+)"', c.get("/").text).group(1)
    return c


def _targets(db: str) -> dict:
    """A document with claims and mentions, two persons and a place, read from the seeds."""
    with Archive(db, readonly=True) as a:
        doc = max(a.documents(), key=lambda d: len([c for c in d.claims if c.start is not None]))
        claim = next(c for c in doc.claims if c.start is not None)
        persons = [e for e in a.entities(type="PERSON", limit=50)
                   if any(m["start"] is not None for m in a.mentions(e["id"]))][:2]
        place = a.entities(type="PLACE", limit=1)[0]
        mention = next(m for m in doc.mentions if m.entity_id and m.start is not None)
        split = next(m for m in a.mentions(persons[0]["id"]) if m["start"] is not None)
    span = {"doc_id": doc.id, "start": mention.start, "end": mention.end, "note": mention.note}
    cspan = {"doc_id": doc.id, "start": claim.start, "end": claim.end, "note": claim.note}
    return {"doc": doc.id, "a": persons[0]["id"], "b": persons[1]["id"], "place": place["id"], "endpoints": [
        (f"/api/curation/documents/{doc.id}/field", {"field": "date", "value": "1907-06-05"}),
        (f"/api/curation/entities/{persons[0]['id']}/merge", {"other": persons[1]["id"]}),
        (f"/api/curation/entities/{persons[0]['id']}/split",
         {"label": "Another Person", "mentions": [{k: split[k] for k in ("doc_id", "start", "end", "note")}]}),
        (f"/api/curation/entities/{persons[0]['id']}/rename", {"label": "A Curated Name"}),
        (f"/api/curation/entities/{persons[1]['id']}/authority", {"authority": persons[0]["id"]}),
        (f"/api/curation/entities/{place['id']}/reject", {}),
        ("/api/curation/mentions/reject", span),
        ("/api/curation/mentions/retype", {**span, "type": "UNIT" if mention.type != "UNIT" else "ORG"}),
        ("/api/curation/claims/reject", cspan),
        ("/api/curation/claims/correct", {**cspan, "date": "1907-01", "value": 12}),
    ]}


def _state(db: str) -> dict:
    with Archive(db, readonly=True) as a:
        return {d.id: d.to_dict() for d in a.documents()}


def test_every_endpoint_refuses_anonymous_readers_and_csrf_less_requests(db):
    t = _targets(db)
    anon, rex, eve = client_of(db), client_of(db, "rex"), client_of(db, "eve")
    no_csrf = client_of(db, "eve")
    del no_csrf.headers["X-CSRF-Token"]
    before = _state(db)
    for url, body in t["endpoints"] + [("/api/curation/undo/1", {})]:
        assert anon.post(url, json=body).status_code == 401, url
        r = rex.post(url, json=body)
        assert (r.status_code, r.json()["error"]) == (403, "forbidden"), url
        r = no_csrf.post(url + "?preview=true", json=body)
        assert (r.status_code, r.json()["error"]) == (403, "csrf"), url
    assert _state(db) == before
    assert eve.post("/api/curation/undo/999").status_code == 404
    assert anon.get("/api/history").status_code == 401 and rex.get("/api/history").status_code == 403
    assert anon.get("/history").status_code == 401 and rex.get("/history").status_code == 403


def test_an_editor_previews_applies_and_undoes_each_action(db):
    t = _targets(db)
    eve, ada = client_of(db, "eve"), client_of(db, "ada")
    for url, body in t["endpoints"]:
        before = _state(db)
        preview = eve.post(url + "?preview=true", json=body)
        assert preview.status_code == 200, (url, preview.text)
        assert preview.json()["preview"] and preview.json()["changes"], url
        assert _state(db) == before, url
        done = eve.post(url, json=body)
        assert done.status_code == 200, (url, done.text)
        assert done.json()["changes"] == preview.json()["changes"] and done.json()["audit_id"], url
        assert _state(db) != before, url
        entry = eve.get(f"/api/history/{done.json()['audit_id']}").json()
        assert entry["author"] == "eve" and entry["before"] and entry["after"] and entry["at"]
        # undo (by another editor) restores the state before the action
        undo = ada.post(f"/api/curation/undo/{done.json()['audit_id']}")
        assert undo.status_code == 200, undo.text
        assert _state(db) == before, url
        again = ada.post(f"/api/curation/undo/{done.json()['audit_id']}")
        assert again.status_code == 422 and "undone already" in again.json()["detail"]
    rows = eve.get("/api/history", params={"limit": 100}).json()
    assert len(rows) == 2 * len(t["endpoints"])
    assert {r["author"] for r in rows} == {"eve", "ada"} and {r["action"] for r in rows} == {"correct", "undo"}
    assert all(r["author"] == "ada" for r in eve.get("/api/history", params={"author": "ada"}).json())
    merges = eve.get("/api/history", params={"kind": "entity.merge"}).json()
    assert {r["kind"] for r in merges} == {"entity.merge"} and len(merges) == 2
    exported = eve.get("/api/history", params={"format": "csv", "author": "eve"})
    assert exported.headers["content-type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(exported.text)))
    assert len(table) == len(t["endpoints"]) and all(r["author"] == "eve" and r["before"] for r in table)
    assert eve.get("/api/history", params={"since": "yesterday"}).status_code == 422


def test_refused_corrections_are_422_and_store_nothing(db):
    t = _targets(db)
    eve = client_of(db, "eve")
    before = _state(db)
    r = eve.post(f"/api/curation/documents/{t['doc']}/field", json={"field": "date", "value": "5 May 1945"})
    assert r.status_code == 422 and "EDTF" in r.json()["detail"]
    r = eve.post("/api/curation/entities/person~nobody-at-all/merge", json={"other": t["b"]})
    assert r.status_code == 422
    r = eve.post("/api/curation/mentions/retype", json={"doc_id": t["doc"], "start": 0, "end": 1, "type": "DATE"})
    assert r.status_code == 422
    assert _state(db) == before and eve.get("/api/history").json() == []


def test_pages_show_forms_and_history_to_editors_only(db):
    t = _targets(db)
    eve, rex, anon = client_of(db, "eve"), client_of(db, "rex"), client_of(db)
    r = eve.post(f"/api/curation/documents/{t['doc']}/field", json={"field": "title", "value": "Curated title"})
    assert r.status_code == 200
    page = eve.get(f"/documents/{t['doc']}").text
    assert 'id="curate-h"' in page and 'id="history-h"' in page and "/static/curate.js" in page
    assert re.search(r'class="history-author"><bdi>eve</bdi>', page) and "Curated title" in page
    assert "Undo #" in page
    entity = eve.get(f"/entities/{t['a']}").text
    assert "/merge" in entity and "/split" in entity and 'data-suggest="PERSON"' in entity
    for c in (rex, anon):
        page = c.get(f"/documents/{t['doc']}").text
        assert 'id="curate-h"' not in page and 'id="history-h"' not in page
        assert 'id="curate-h"' not in c.get(f"/entities/{t['a']}").text
    log = eve.get("/history", params={"author": "eve"})
    assert log.status_code == 200 and "document.set" in log.text and "format=csv" in log.text


def test_the_openapi_schema_documents_the_curation_endpoints(db):
    paths = client_of(db).get("/openapi.json").json()["paths"]
    for p in ("/api/curation/entities/{entity_id}/merge", "/api/curation/entities/{entity_id}/split",
              "/api/curation/claims/correct", "/api/curation/undo/{audit_id}", "/api/history"):
        assert p in paths, p
    assert any(q["name"] == "preview" for q in paths["/api/curation/claims/correct"]["post"]["parameters"])


def test_single_user_mode_curates_with_the_servers_token(fresh):
    path = fresh
    t = _targets(str(path))
    c = TestClient(create_app(str(path), allow_write=True, token="server-secret"))
    page = c.get(f"/documents/{t['doc']}").text
    assert 'id="cur-token"' in page and 'id="curate-h"' in page and 'id="history-h"' in page
    url, body = t["endpoints"][0]
    assert c.post(url, json=body).status_code == 401
    r = c.post(url, json=body, headers={"Authorization": "Bearer server-secret"})
    assert r.status_code == 200 and r.json()["audit_id"]
    assert c.get("/api/history").json()[0]["author"] is None
    read_only = TestClient(create_app(str(path)))
    assert 'id="curate-h"' not in read_only.get(f"/documents/{t['doc']}").text
