"""Collections through the web app (issue 17): a document put in a restricted collection, and an
entity only it mentions, are invisible to anonymous users and to readers not granted it on EVERY
page and API list — the routes are enumerated from the app, so a route added later is checked
too — and visible to the reader granted it and to admins; counts and facets leave it out; the
whole-archive exports do; the collections API and page refuse who may not use them."""

from __future__ import annotations

import html
import re
import shutil

import pytest

pytest.importorskip("httpx")
from fastapi.testclient import TestClient  # noqa: E402

from opis.archive import Archive  # noqa: E402
from opis.web import create_app  # noqa: E402

PASSWORDS = {"ada": "ada-admin-password", "eve": "eve-editor-password", "rex": "rex-reader-password",
             "gus": "gus-granted-password"}
WORD = re.compile(r"[A-Za-z]{7,}")


@pytest.fixture()
def fresh(request, tmp_path, seed_db) -> str:
    """A writable copy of the seeds' database on the engine of ``seed_db``."""
    try:
        return request.getfixturevalue("seed_copy")
    except pytest.FixtureLookupError:
        seed_db.conn.execute("PRAGMA wal_checkpoint(FULL)")
        path = tmp_path / "team.db"
        shutil.copy(seed_db.path, path)
        return str(path)


def _secret_target(archive: Archive) -> dict:
    """The document to restrict (the one with the most entities no other document mentions), an
    entity only it mentions, a word only its text has and a word it shares with others — chosen
    from the stored records, so the test follows the corpus."""
    docs = list(archive.documents())
    texts = {d.id: d.text for d in docs}
    best = None
    for doc in docs:
        others = " ".join(t for i, t in texts.items() if i != doc.id)
        own = []
        for e in archive.entities(limit=1000):
            if e["documents"] != 1 or len(e["label"] or "") < 5 or e["label"] in others:
                continue
            if archive.entity_documents(e["id"], 1)[0]["doc_id"] == doc.id:
                own.append(e)
        if own and (best is None or len(own) > len(best[1])):
            best = (doc, own)
    doc, own = best
    others = " ".join(t for i, t in texts.items() if i != doc.id)
    own_words = sorted({w for w in WORD.findall(doc.text) if w.lower() not in others.lower()})
    shared = sorted({w for w in WORD.findall(doc.text) if w in others}, key=lambda w: -others.count(w))
    person = next((e for e in own if e["type"] == "PERSON"), own[0])
    # a place it shares with other documents (its pages must show those, not it)
    place = next(e["id"] for e in archive.entities(type="PLACE", limit=1000) if e["documents"] > 1
                 and doc.id in {d["doc_id"] for d in archive.entity_documents(e["id"], 100)})
    return {"doc": doc.id, "title": doc.title, "entity": person["id"], "label": person["label"],
            "word": own_words[0], "shared": shared[0], "place": place}


@pytest.fixture()
def world(fresh) -> dict:
    with Archive(fresh) as archive:
        for name, role in (("ada", "admin"), ("eve", "editor"), ("rex", "reader"), ("gus", "reader")):
            archive.add_user(name, role, PASSWORDS[name])
        target = _secret_target(archive)
        archive.add_collection("secret", "Kept apart", "restricted")
        archive.grant("secret", "gus")
        assert archive.assign([target["doc"]], ["secret"]) == 1
        # a change to the hidden document, by its editor: the history and corrections must not tell it
        archive.correct("document.set", {"doc_id": target["doc"], "field": "date", "value": "1950-01-01"},
                        author="ada")
    return {"db": fresh, **target}


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


def _routes(app) -> list:
    """Every GET route of the app with its path (routers included under a prefix, walked)."""
    def walk(routes, prefix=""):
        for r in routes:
            sub = getattr(r, "original_router", None)
            if sub is not None:
                yield from walk(sub.routes, prefix + getattr(getattr(r, "include_context", None), "prefix", ""))
            elif "GET" in (getattr(r, "methods", None) or ()) and hasattr(r, "dependant"):
                yield prefix + r.path, r
    return list(walk(app.routes))


def _urls(app, w: dict) -> list[str]:
    """Each GET route with its path parameters filled with the secret's ids, and again with the
    query parameters that would find it (a word of its text, its entity, a whole-archive export)."""
    fill = {"doc_id": w["doc"], "entity_id": w["entity"], "upload_id": "1", "audit_id": "1", "key": "x",
            "token_id": "1"}
    query = {"q": w["word"], "about": w["entity"], "person": w["entity"], "place": w["entity"],
             "subject": w["doc"], "format": "csv"}
    out = []
    for path, route in _routes(app):
        names = [p.name for p in route.dependant.path_params]
        url = path
        for name in names:
            url = re.sub(r"\{" + name + r"(:[^}]*)?\}", fill.get(name, "x"), url)
        out.append(url)
        params = [p.name for p in route.dependant.query_params if p.name in query]
        if params:
            out.append(url + "?" + "&".join(f"{p}={query[p]}" for p in params))
    out += [f"/api/suggest?q={w['label'][:4]}", f"/entities?q={w['label'][:4]}", f"/api/search?q={w['shared']}",
            "/api/export?format=bibtex", "/api/export?format=geojson", "/api/entities?limit=1000",
            "/api/places?limit=5000", "/api/timeline?limit=1000", f"/search?q={w['shared']}"]
    p = w["place"]
    out += [f"/timeline?place={p}", f"/api/timeline?place={p}&limit=1000", f"/entities/{p}", f"/api/entities/{p}",
            f"/api/entities/{p}/mentions?limit=200", f"/api/entities/{p}/cooccurring?limit=200", f"/claims?about={p}",
            f"/api/claims?about={p}", f"/api/search?q={w['shared']}&mode=hybrid", f"/search?q={w['shared']}&mode=meaning"]
    return sorted(set(out))


def _unasked(text: str, url: str) -> str:
    """The answer without what the URL itself said (a page repeats the query it was asked, a 404
    the id): the rest is what the archive told."""
    for value in re.split(r"[/?&=]", url):
        if len(value) > 3:
            text = text.replace(value, "")
    return text


def _leaks(text: str, w: dict) -> list[str]:
    marks = {w["doc"][:12], w["entity"], w["label"], html.escape(w["label"]), w["word"]}
    if w["title"]:
        marks |= {w["title"], html.escape(w["title"])}
    return sorted(m for m in marks if m and m in text)


def test_every_page_and_api_list_hides_the_restricted_document_and_its_entity(world):
    app_routes = _urls(create_app(world["db"], allow_write=True), world)
    assert len(app_routes) > 40  # (the enumeration found the app's routes)
    for who in (None, "rex", "eve"):
        c = client_of(world["db"], who)
        for url in app_routes:
            r = c.get(url)
            assert r.status_code < 500, (who, url, r.status_code, r.text[:300])
            assert not _leaks(_unasked(r.text, url), world), (who, url, _leaks(_unasked(r.text, url), world))


def test_the_granted_reader_and_the_admin_see_it(world):
    for who in ("gus", "ada"):
        c = client_of(world["db"], who)
        assert c.get(f"/documents/{world['doc']}").status_code == 200
        assert c.get(f"/api/entities/{world['entity']}").json()["documents"] == 1
        assert world["doc"] in [h["id"] for h in c.get("/api/search", params={"q": world["word"]}).json()["hits"]]
        assert world["doc"][:12] in c.get("/api/export", params={"format": "csv"}).text


def test_the_hidden_pages_are_404_for_the_others(world):
    for who in (None, "rex", "eve"):
        c = client_of(world["db"], who)
        for url in (f"/documents/{world['doc']}", f"/api/documents/{world['doc']}", f"/entities/{world['entity']}",
                    f"/api/entities/{world['entity']}", f"/api/documents/{world['doc']}/export?format=chicago"):
            assert c.get(url).status_code == 404, (who, url)


def test_counts_and_facets_leave_the_hidden_document_out(world):
    admin, anon = client_of(world["db"], "ada"), client_of(world["db"])
    assert anon.get("/api/documents").json()["total"] == admin.get("/api/documents").json()["total"] - 1
    full = admin.get("/api/search", params={"q": world["shared"]}).json()
    seen = anon.get("/api/search", params={"q": world["shared"]}).json()
    assert seen["total"] == full["total"] - 1
    for facet, labels in seen["facets"].items():
        assert sum(n for _l, n in labels) <= sum(n for _l, n in full["facets"][facet])
    years_full = {y["year"]: y["documents"] for y in admin.get("/api/timeline/years").json()}
    years_seen = {y["year"]: y["documents"] for y in anon.get("/api/timeline/years").json()}
    assert sum(years_seen.values()) == sum(years_full.values()) - 1
    kinds_full = sum(k["claims"] for k in admin.get("/api/claims/kinds").json())
    kinds_seen = sum(k["claims"] for k in anon.get("/api/claims/kinds").json())
    with Archive(world["db"]) as a:
        assert kinds_full - kinds_seen == len(a.get(world["doc"]).claims)


def test_the_whole_archive_exports_leave_it_out(world):
    anon = client_of(world["db"])
    for fmt in ("csv", "bibtex", "ris", "csl-json", "geojson", "chicago"):
        r = anon.get("/api/export", params={"format": fmt})
        assert r.status_code == 200
        assert not _leaks(r.text, world), fmt


def test_the_collections_api_and_page_refuse_who_may_not(world):
    anon, rex, eve, ada = (client_of(world["db"], n) for n in (None, "rex", "eve", "ada"))
    assert anon.get("/api/collections").status_code == 401
    assert rex.get("/api/collections").status_code == 403
    assert anon.get("/collections").status_code == 401
    assert rex.get("/collections").status_code == 403
    names = {c["name"]: c for c in ada.get("/api/collections").json()}
    assert names["secret"]["documents"] == 1 and names["secret"]["users"] == ["gus"]
    # an editor not granted it lists it, without counting documents they may not see
    assert {c["name"]: c["documents"] for c in eve.get("/api/collections").json()}["secret"] == 0
    assert eve.post("/api/collections", json={"name": "more"}).status_code == 403
    assert anon.post("/api/collections", json={"name": "more"}).status_code == 401
    csrfless = client_of(world["db"], "ada")
    del csrfless.headers["X-CSRF-Token"]
    assert csrfless.post("/api/collections", json={"name": "more"}).status_code == 403
    assert ada.post("/api/collections", json={"name": "more", "visibility": "restricted"}).status_code == 201
    assert ada.post("/api/collections", json={"name": "more"}).status_code == 409
    assert ada.post("/api/collections/more/grant", json={"user": "rex"}).status_code == 200
    # an editor puts the secret document in 'more' too: rex, granted 'more', now sees it
    assert eve.post("/api/collections/more/assign", json={"ids": [world["doc"]]}).json() == {"changed": 1}
    assert client_of(world["db"], "rex").get(f"/documents/{world['doc']}").status_code == 200
    assert eve.post("/api/collections/more/unassign", json={"ids": [world["doc"]]}).json() == {"changed": 1}
    assert client_of(world["db"], "rex").get(f"/documents/{world['doc']}").status_code == 404
    assert rex.post("/api/collections/more/assign", json={"ids": [world["doc"]]}).status_code == 403
    page = ada.get("/collections")
    assert page.status_code == 200 and "Kept apart" in page.text and "New collection" in page.text


def test_single_user_mode_sees_everything(fresh):
    with Archive(fresh) as archive:
        doc = next(archive.documents()).id
        archive.add_collection("secret")
        archive.assign([doc], ["secret"])
    c = TestClient(create_app(fresh))
    assert c.get(f"/documents/{doc}").status_code == 200
    assert c.get("/api/collections").status_code == 200
