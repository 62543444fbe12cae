"""Search-as-you-type for entities (/api/suggest, opis.store.suggest): prefixes of labels and
variants from an index, any ASCII case, typed, bounded; the timeline form offers it and works without it."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from opis import Archive
from opis.web import create_app


@pytest.fixture(scope="module")
def archive(seed_db):
    return Archive.over(seed_db)


@pytest.fixture(scope="module")
def client(seed_db):
    with TestClient(create_app(seed_db.path)) as c:
        yield c


def _names(archive: Archive, entity_id: str) -> list[str]:
    e = archive.entity(entity_id)
    return [e["label"], *(v["name"] for v in e.get("variants") or [])]


def test_every_suggestion_begins_with_the_letters_typed(archive):
    for q, type_ in (("ta", "PLACE"), ("Chu", None), ("x", "PLACE"), ("st", "PERSON")):
        found = archive.suggest(q, type_, limit=20)
        assert found, q
        for s in found:
            assert s["name"].lower().startswith(q.lower())
            assert s["name"] in _names(archive, s["id"])
            assert type_ is None or s["type"] == type_


def test_case_variants_and_the_exact_name_first(archive):
    tacheng = archive.suggest("Tacheng", "PLACE")
    assert tacheng[0]["id"] == "place:tacheng"
    assert archive.suggest("TACHENG", "PLACE")[0]["id"] == archive.suggest("tacheng", "PLACE")[0]["id"] == "place:tacheng"
    # a variant (the old name the documents use) finds the entity under its preferred label
    assert any(s["id"] == "place:tacheng" and s["label"] == "Tacheng" for s in archive.suggest("Chuguchak", "PLACE"))


def test_limits_and_nothing_for_nonsense(archive):
    assert len(archive.suggest("a", limit=3)) <= 3
    assert archive.suggest("qqqzzz") == []
    assert archive.suggest("   ") == []
    assert archive.suggest("%") == [] and archive.suggest("_") == []  # no pattern characters


def test_api_suggest(client):
    r = client.get("/api/suggest", params={"q": "tach", "type": "PLACE", "limit": 5})
    assert r.status_code == 200 and any(s["id"] == "place:tacheng" for s in r.json())
    assert client.get("/api/suggest", params={"q": "tach", "type": "CITY"}).status_code == 422
    assert client.get("/api/suggest", params={"q": ""}).status_code == 422
    assert client.get("/api/suggest", params={"q": "t", "limit": 1000}).status_code == 422


def test_timeline_form_offers_suggestions_and_works_without_them(client):
    page = client.get("/timeline").text
    assert 'data-suggest="PLACE"' in page and 'data-suggest="PERSON"' in page
    assert '<script src="/static/suggest.js" defer></script>' in page
    js = client.get("/static/suggest.js").text
    assert "textContent" in js and "innerHTML" not in js  # names are never parsed as HTML
    # no script: the name as typed goes to the server, which resolves it
    typed = client.get("/api/timeline", params={"place": "Tacheng", "limit": 50}).json()
    by_id = client.get("/api/timeline", params={"place": "place:tacheng", "limit": 50}).json()
    assert typed and typed == by_id
    blank = client.get("/timeline", params={"place": "place:tacheng", "person": "", "date_from": "", "date_to": ""})
    assert blank.status_code == 200 and 'class="tl-item' in blank.text  # the form as a browser submits it
    hostile = client.get("/timeline", params={"place": '"><script>alert(1)</script>'}).text
    assert "<script>alert(1)" not in hostile


def test_api_timeline_pages_by_cursor(client):
    everything = client.get("/api/timeline", params={"limit": 2001}).json()
    got, url = [], "/api/timeline?limit=4"
    while url:
        r = client.get(url)
        got += r.json()
        link = r.headers.get("link")
        url = link[1:link.index(">")] if link else None
    assert got == everything
    assert client.get("/api/timeline", params={"cursor": "nonsense"}).status_code == 422
    years = client.get("/api/timeline/years").json()
    assert sum(y["documents"] for y in years) == client.get("/api/documents").json()["total"]
