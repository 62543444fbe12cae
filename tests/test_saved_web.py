"""Saved searches over HTTP (issue 17): the form on /search, /saved with "N new", the page of one
saved search, /api/saved, and the Atom feed with its token; on both engines.

Who may write: any signed-in role saves its own (a reader too), with the page's form token (a
post without it is refused), and nobody sees another user's saved search.
"""

from __future__ import annotations

import re
import time
import warnings
from pathlib import Path

import pytest
from lxml import etree

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from opis.archive import Archive
from opis.web import create_app

PAGES = Path(__file__).parent / "data" / "pages"
PASSWORDS = {"ada": "ada-admin-password", "rex": "rex-reader-password", "ria": "ria-reader-password"}
ATOM = "{http://www.w3.org/2005/Atom}"
QUERY = "conversation OR Soviet"


@pytest.fixture()
def db(seed_copy):
    with Archive(seed_copy) as archive:
        archive.add_user("ada", "admin", PASSWORDS["ada"])
        archive.add_user("rex", "reader", PASSWORDS["rex"])
        archive.add_user("ria", "reader", PASSWORDS["ria"])
    return str(seed_copy)


@pytest.fixture()
def app(db):
    return create_app(db, allow_write=True)


def sign_in(client: TestClient, name: str) -> None:
    form = client.get("/login")
    token = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)
    r = client.post("/login", data={"name": name, "password": PASSWORDS[name], "csrf": token, "next": "/"},
                    follow_redirects=False)
    assert r.status_code == 303, r.text[:300]


def csrf_of(client: TestClient) -> str:
    return re.search(r'<meta name="csrf-token" content="([^"]+)"', client.get("/").text).group(1)


def _new_ids(db: str, paths: list[Path], query: str) -> set[str]:
    """Ingest ``paths`` a second later (their ingest time after any visit so far); the added
    documents that ``query`` finds (the full search, as the oracle)."""
    time.sleep(1.05)
    with Archive(db) as archive:
        added = {r.id for r in archive.ingest(paths) if r.status == "added"}
        return added & set(archive.search(query, limit=1000).ids)


def test_a_reader_saves_from_the_search_page_and_sees_what_is_new(app, db):
    client = TestClient(app)
    anonymous = client.get("/search", params={"q": QUERY})
    assert 'action="/saved"' not in anonymous.text and "Sign in</a> to save" in anonymous.text
    sign_in(client, "rex")
    page = client.get("/search", params={"q": QUERY})
    assert 'action="/saved"' in page.text
    form_token = re.search(r'<form class="save-search".*?name="csrf" value="([^"]+)"', page.text, re.S).group(1)
    forged = client.post("/saved", data={"name": "broad", "q": QUERY, "csrf": "forged"}, follow_redirects=False)
    assert forged.status_code == 403
    saved = client.post("/saved", data={"name": "broad", "q": QUERY, "csrf": form_token}, follow_redirects=False)
    assert saved.status_code == 303
    where = saved.headers["location"]
    assert "0 new" in client.get("/saved").text
    new = _new_ids(db, sorted(PAGES.glob("*.txt"))[:3], QUERY)
    assert new
    listing = client.get("/saved").text
    assert f"{len(new)} new" in listing
    one = client.get(where).text
    assert f"{len(new)} new since your last visit" in one
    marked = set(re.findall(r'<li class="hit is-new">\s*<h3><a href="/documents/([^"]+)"', one))
    assert marked == new
    assert "0 new" in client.get("/saved").text  # opening it was a visit
    # another reader sees none of it
    other = TestClient(app)
    sign_in(other, "ria")
    assert other.get(where).status_code == 404
    assert "broad" not in other.get("/saved").text


def test_api_saved_crud_for_a_reader_token_and_no_one_else(app, db):
    with Archive(db) as archive:
        rex, _ = archive.create_token("rex")
        ria, _ = archive.create_token("ria")
    client = TestClient(app)
    auth = {"Authorization": f"Bearer {rex}"}
    assert client.get("/api/saved").status_code == 401
    assert client.post("/api/saved", json={"name": "x", "query": "Tacheng"}).status_code == 401
    made = client.post("/api/saved", json={"name": "broad", "query": QUERY}, headers=auth)
    assert made.status_code == 201, made.text
    sid = made.json()["id"]
    assert client.post("/api/saved", json={"name": "bad", "query": "Tacheng AND ("}, headers=auth).status_code == 400
    assert client.post("/api/corrections", json={"kind": "entity.rename", "args": {"id": "place:tacheng",
                       "label": "T"}}, headers=auth).status_code == 403  # still a reader elsewhere
    new = _new_ids(db, sorted(PAGES.glob("*.txt"))[3:6], QUERY)
    [listed] = client.get("/api/saved", headers=auth).json()["saved"]
    assert listed["new"] == len(new)
    got = client.get(f"/api/saved/{sid}", headers=auth).json()
    assert {h["id"] for h in got["new"]["hits"]} == new and got["saved"]["new"] == len(new)
    assert client.post(f"/api/saved/{sid}/visit", headers=auth).status_code == 200
    assert client.get("/api/saved", headers=auth).json()["saved"][0]["new"] == 0
    changed = client.patch(f"/api/saved/{sid}", json={"name": "renamed"}, headers=auth).json()
    assert changed["name"] == "renamed" and changed["query"] == QUERY
    others = {"Authorization": f"Bearer {ria}"}
    assert client.get(f"/api/saved/{sid}", headers=others).status_code == 404
    assert client.delete(f"/api/saved/{sid}", headers=others).status_code == 404
    assert client.get("/api/saved", headers=others).json()["saved"] == []
    # a signed-in browser needs the page's token
    browser = TestClient(app)
    sign_in(browser, "rex")
    assert browser.post("/api/saved", json={"name": "b", "query": "Tacheng"}).status_code == 403
    ok = browser.post("/api/saved", json={"name": "b", "query": "Tacheng"}, headers={"X-CSRF-Token": csrf_of(browser)})
    assert ok.status_code == 201
    assert client.delete(f"/api/saved/{sid}", headers=auth).status_code == 204
    assert client.get(f"/api/saved/{sid}", headers=auth).status_code == 404


def test_feed_over_http_needs_its_token_and_is_atom(app, db):
    with Archive(db) as archive:
        rex, _ = archive.create_token("rex")
    client = TestClient(app)
    auth = {"Authorization": f"Bearer {rex}"}
    sid = client.post("/api/saved", json={"name": "broad", "query": QUERY}, headers=auth).json()["id"]
    assert client.get(f"/saved/{sid}/feed.atom").status_code == 404
    made = client.post(f"/api/saved/{sid}/feed", headers=auth).json()
    new = _new_ids(db, sorted(PAGES.glob("*.txt"))[:2], QUERY)
    feed = client.get(made["url"].replace("http://testserver", ""))
    assert feed.status_code == 200 and feed.headers["content-type"].startswith("application/atom+xml")
    root = etree.fromstring(feed.content)
    hrefs = {e.find(ATOM + "link").get("href") for e in root.findall(ATOM + "entry")}
    assert {f"http://testserver/documents/{i}" for i in new} <= hrefs
    assert client.get(f"/saved/{sid}/feed.atom", params={"token": made["token"] + "x"}).status_code == 404
    assert client.delete(f"/api/saved/{sid}/feed", headers=auth).status_code == 204
    assert client.get(made["url"].replace("http://testserver", "")).status_code == 404
    # the page shows a new feed address once, with its <link rel="alternate">
    browser = TestClient(app)
    sign_in(browser, "rex")
    page = browser.post(f"/saved/{sid}/feed", data={"csrf": csrf_of(browser)})
    assert re.search(r'<link rel="alternate" type="application/atom\+xml"[^>]*href="[^"]*token=opf_', page.text)
    with Archive(db) as archive:
        assert not any(made["token"] in str(v) for s in archive.saved_searches(user=archive.user("rex"))
                       for v in s.to_dict().values())
