"""The REST API and server-rendered pages, through FastAPI's test client, on the seed corpus."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from opis.errors import StoreError
from opis.web import create_app


@pytest.fixture(scope="module")
def client(seed_db):
    return TestClient(create_app(seed_db.path))


@pytest.fixture(scope="module")
def doc_ids(seed_db, seed_records):
    return {prefix: rec["id"] for prefix, rec in seed_records.items()}


PAGES = ["/", "/search", "/search?q=Xinjiang", "/archives", "/timeline", "/map", "/claims", "/docs"]


@pytest.mark.parametrize("url", PAGES)
def test_every_page_renders_with_landmarks_and_security_headers(client, url):
    r = client.get(url)
    assert r.status_code == 200, r.text[:300]
    html = r.text
    assert '<a class="skip-link" href="#main">' in html
    assert '<main id="main"' in html and '<nav aria-label="Main">' in html and '<html lang="en">' in html
    assert 'name="viewport"' in html
    csp = r.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp and "unsafe-eval" not in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "no-referrer"
    # no third-party asset: every script and stylesheet is served by this app
    for src in re.findall(r'(?:src|href)="(https?:[^"]+)"', html):
        assert src.startswith("http://testserver"), src
    for src in re.findall(r'<script[^>]*src="([^"]+)"', html):
        assert src.startswith("/static/")


def test_document_pages_show_metadata_and_text(client, seed_records):
    for rec in seed_records.values():
        r = client.get(f"/documents/{rec['id']}")
        assert r.status_code == 200
        assert 'class="doc-text"' in r.text
        if rec.get("title"):
            assert _esc(rec["title"]) in r.text
        for ref in rec.get("archival_refs", []):
            if ref.get("archive"):
                assert "/archives?archive=" in r.text


def test_document_page_shows_where_values_came_from(client, seed_records):
    rec = seed_records["000"]
    html = client.get(f"/documents/{rec['id']}").text
    assert "Where these values come from" in html
    summary = next(s for s in rec["provenance"]["fields"] if s["field"] == "summary")
    assert f"<code>{summary['rule']}</code>" in html
    assert _esc(summary["quote"][:60]) in html


def _esc(s: str) -> str:
    from html import escape

    return escape(s, quote=True).replace("&#x27;", "&#39;")


def test_document_list_paging_filters_and_validation(client, seed_db):
    r = client.get("/api/documents", params={"limit": 2})
    body = r.json()
    assert r.status_code == 200 and body["total"] == seed_db.count() == 5
    assert len(body["documents"]) == 2
    rest = client.get("/api/documents", params={"limit": 10, "offset": 2}).json()["documents"]
    assert len(rest) == 3 and not {d["id"] for d in rest} & {d["id"] for d in body["documents"]}
    dated = [d for d in client.get("/api/documents").json()["documents"] if d["date_earliest"]]
    if dated:
        year = dated[0]["date_earliest"][:4]
        only = client.get("/api/documents", params={"date_from": year, "date_to": f"{year}-12-31"}).json()
        assert only["total"] >= 1 and all(d["date_earliest"] is None or d["date_earliest"][:4] <= year for d in only["documents"])
    bad = client.get("/api/documents", params={"limit": 0})
    assert bad.status_code == 422 and bad.json()["error"] == "invalid_parameters"
    bad = client.get("/api/documents", params={"date_from": "5 Sept"})
    assert bad.status_code == 422


def test_one_record_is_the_show_json_and_errors_are_json(client, seed_db, doc_ids):
    some = doc_ids["000"]
    r = client.get(f"/api/documents/{some}")
    assert r.status_code == 200 and r.json() == seed_db.get_dict(some)
    assert client.get(f"/api/documents/{some[:8]}").json()["id"] == some  # unique prefix, like the CLI
    missing = client.get("/api/documents/ffffffffffffffff")
    assert missing.status_code == 404
    assert missing.json()["error"] == "not_found" and "ffffffffffffffff" in missing.json()["detail"]
    assert client.get("/documents/ffffffffffffffff").status_code == 404  # the page too, as HTML
    assert client.get("/api/no-such-route").json()["error"] == "not_found"


def test_text_endpoint_gives_spans_and_safe_html(client, seed_records):
    rec = seed_records["000"]
    body = client.get(f"/api/documents/{rec['id']}/text").json()
    assert body["text"] == rec["text"]
    assert body["apparatus"] == rec["apparatus"] and body["mentions"] == rec["mentions"]
    assert "<script" not in body["html"]


def test_openapi_lists_every_resource(client):
    paths = client.get("/openapi.json").json()["paths"]
    for p in ["/api/documents", "/api/documents/{doc_id}", "/api/documents/{doc_id}/text",
              "/api/documents/{doc_id}/export", "/api/search", "/api/entities/{entity_id}",
              "/api/entities/{entity_id}/mentions", "/api/entities/{entity_id}/cooccurring", "/api/places",
              "/api/archives", "/api/archives/citing", "/api/claims", "/api/claims/compare", "/api/timeline"]:
        assert p in paths, p
    docs = client.get("/docs").text
    assert "/openapi.json" in docs and "cdn" not in docs.lower()


def test_read_only_unless_started_with_write_and_token(seed_db, tmp_path, request):
    ro = TestClient(create_app(seed_db.path))
    head = ro.head("/")
    assert head.status_code == 200 and head.content == b"" and "content-security-policy" in head.headers
    r = ro.post("/api/corrections", json={"kind": "entity.link", "args": {}})
    assert r.status_code == 403 and r.json()["error"] == "read_only"
    with pytest.raises(StoreError):
        create_app(seed_db.path, allow_write=True)  # a token is required
    with pytest.raises(StoreError):
        create_app(str(tmp_path / "missing.db"))

    db = request.getfixturevalue("seed_copy")
    rw = TestClient(create_app(str(db), allow_write=True, token="s3cret"))
    payload = {"kind": "entity.rename", "args": {"id": "place:tacheng", "label": "Tacheng"}}
    assert rw.post("/api/corrections", json=payload).status_code == 401
    assert rw.post("/api/corrections", json=payload, headers={"Authorization": "Bearer wrong"}).status_code == 401
    ok = rw.post("/api/corrections", json=payload, headers={"Authorization": "Bearer s3cret"})
    assert ok.status_code == 201
    assert [c["args"] for c in rw.get("/api/corrections").json()] == [payload["args"]]


HOSTILE_PAGE = """Report on the <script>alert('pwned')</script> situation

September 5, 1945

The rebels took Chuguchak [Tacheng] and <img src=x onerror=alert(1)> Kuldja.
"<b>quoted</b>" & more.
"""


def test_hostile_document_is_escaped_everywhere(tmp_path):
    from opis.ingest import ingest_paths
    from opis.store import Store

    src = tmp_path / "hostile.txt"
    src.write_text(HOSTILE_PAGE, encoding="utf-8")
    db = tmp_path / "h.db"
    with Store(db) as store:
        [res] = list(ingest_paths(store, [src]))
        assert res.status == "added", res.error
    c = TestClient(create_app(str(db)))
    for url in [f"/documents/{res.id}", "/", "/timeline"]:
        r = c.get(url)
        assert r.status_code == 200
        assert "<script>alert" not in r.text and "<img src=x" not in r.text, url
    api = c.get(f"/api/documents/{res.id}/text").json()
    assert "<img src=x" in api["text"]  # JSON carries the text as it is ...
    assert "<img src=x" not in api["html"] and "&lt;img src=x" in api["html"]  # ... its HTML is escaped
    assert "<script>" in c.get(f"/api/documents/{res.id}").json()["title"]  # the heading became the title
    assert c.get(f"/api/documents/{res.id}").headers["content-type"].startswith("application/json")
    page = c.get(f"/documents/{res.id}").text
    assert "&lt;script&gt;alert(" in page and "&lt;img src=x onerror=alert(1)&gt;" in page


def test_exports_every_format(client, doc_ids):
    some = doc_ids["000"]
    for fmt in ["chicago", "bibtex", "ris", "csl-json", "tei", "json"]:
        r = client.get(f"/api/documents/{some}/export", params={"format": fmt})
        assert r.status_code == 200 and r.text.strip(), fmt
    assert client.get(f"/api/documents/{some}/export", params={"format": "docx"}).status_code == 422
    assert "attachment" in client.get(f"/api/documents/{some}/export", params={"format": "ris", "download": 1}).headers["content-disposition"]
    page = client.get(f"/documents/{some}").text
    assert page.count('class="copy"') == 6


def test_search_api_and_page_find_tacheng_through_its_variants(client, seed_records):
    beria = seed_records["000"]["id"]
    body = client.get("/api/search", params={"q": "Tacheng"}).json()
    assert body["total"] >= 1 and beria in [h["id"] for h in body["hits"]]
    page = client.get("/search", params={"q": "Tacheng"}).text
    assert f'href="/documents/{beria}"' in page and "<mark>" in page
    assert client.get("/api/search").status_code == 422


def test_estimated_facet_counts_are_marked(client, monkeypatch):
    from opis.search import tantivy_index as ti

    # counted as if on a sample (level 1), over every match
    monkeypatch.setattr(ti, "_level", lambda matches: 1)
    monkeypatch.setattr(ti.TantivyBackend, "_count", lambda self, searcher, node, match, level, counts=None:
                        (1, ti._compact(searcher.aggregate(match, ti.AGGS))))
    body = client.get("/api/search", params={"q": "Tacheng"}).json()
    assert body["approximate"] is True
    page = client.get("/search", params={"q": "Tacheng"}).text
    assert "estimated from a sample" in page and '<span class="count">~' in page


def test_bad_query_is_a_400_with_position(client):
    r = client.get("/api/search", params={"q": '"Tacheng AND'})
    if r.status_code == 200:
        r = client.get("/api/search", params={"q": "(Tacheng OR"})
    assert r.status_code == 400 and r.json()["error"] == "query_syntax"
    page = client.get("/search", params={"q": "(Tacheng OR"})
    assert page.status_code == 400 and "Query error" in page.text


def test_entity_page_shows_variants_mentions_and_map(client, seed_records):
    r = client.get("/entities/place:tacheng")
    assert r.status_code == 200
    assert "Chuguchak" in r.text and "Tacheng" in r.text
    assert 'id="mini-map"' in r.text
    beria = seed_records["000"]["id"]
    assert f'href="/documents/{beria}"' in r.text
    api = client.get("/api/entities/place:tacheng").json()
    assert api["id"] == "place:tacheng" and api["lat"] and api["lon"]
    mentions = client.get("/api/entities/place:tacheng/mentions").json()
    assert any(m["doc_id"] == beria for m in mentions)
    assert client.get("/api/entities/place:atlantis").status_code == 404
    doc = client.get(f"/documents/{beria}").text
    assert re.search(r'<a class="mention mention-place" href="/entities/place:tacheng"[^>]*>(<span[^>]*>)*Chuguchak<', doc)
    assert re.search(r'<span class="app app-gloss"[^>]*>\[Tacheng\]</span>', doc)  # the gloss, drawn apart


def test_map_lists_places_with_counts(client):
    places = client.get("/api/places").json()
    tacheng = next(p for p in places if p["id"] == "place:tacheng")
    assert tacheng["count"] >= 1 and tacheng["lat"]
    page = client.get("/map").text
    assert 'data-id="place:tacheng"' in page and "/static/vendor/world-atlas/countries-110m.json" in page


def test_timeline_shows_1945_and_1962(client, seed_records):
    years = {((r.get("date") or {}).get("earliest") or "")[:4] for r in seed_records.values()} - {""}
    if not years:
        pytest.skip("dates not extracted yet")
    page = client.get("/timeline").text
    overview = {y["year"]: y for y in client.get("/api/timeline/years").json()}
    for y in years:  # the overview names every year and links to its items
        assert f'href="/timeline?date_from={y}&amp;date_to={y}">{y}</a>' in page
        assert overview[y]["documents"] == sum(
            1 for r in seed_records.values() if ((r.get("date") or {}).get("earliest") or "").startswith(y))
        year_page = client.get("/timeline", params={"date_from": y, "date_to": y}).text
        assert f'<h3 id="y-{y}">{y}</h3>' in year_page
    items = client.get("/api/timeline").json()
    assert {i["date"]["earliest"][:4] for i in items if i["kind"] == "document"} == years


def test_static_assets_are_served_locally(client):
    for path in ["/static/opis.css", "/static/opis.js", "/static/map.js", "/static/timeline.js"]:
        assert client.get(path).status_code == 200, path
    vendor = Path(__file__).resolve().parents[1] / "src/opis/web/static/vendor/world-atlas/countries-110m.json"
    if vendor.exists():
        topo = client.get("/static/vendor/world-atlas/countries-110m.json").json()
        assert topo["type"] == "Topology" and "countries" in topo["objects"]


def test_archive_tree_walks_down_to_the_citing_documents(client, seed_records):
    beria = seed_records["000"]
    ref = next(r for r in beria["archival_refs"] if r.get("archive"))
    top = client.get("/api/archives").json()
    assert ref["archive"] in {a["archive"] for a in top}
    page = client.get("/archives").text
    assert f'href="/archives?archive={ref["archive"]}"' in page
    page = client.get("/archives", params={"archive": ref["archive"]}).text
    assert ref["fond"] in page and f'href="/documents/{beria["id"]}"' in page
    leaf = client.get("/archives", params={k: ref[k] for k in ("archive", "fond", "opis", "delo")}).text
    assert f'href="/documents/{beria["id"]}"' in leaf and 'aria-current="page"' in leaf
    doc = client.get(f"/documents/{beria['id']}").text
    assert "/archives?archive=" + ref["archive"] in doc
    cited = client.get("/api/archives/citing", params={"archive": ref["archive"], "fond": ref["fond"]}).json()
    assert beria["id"] in {c["doc_id"] for c in cited}


def test_claims_page_puts_sources_side_by_side(client):
    groups = client.get("/api/claims/compare").json()
    page = client.get("/claims").text
    multi = [g for g in groups if len({c["doc_id"] for c in g["claims"]}) > 1]
    if not multi:
        pytest.skip("no claim compared across sources in the seeds")
    g = multi[0]
    assert g["what"] in page
    for c in g["claims"]:
        assert f'href="/documents/{c["doc_id"]}"' in page


def test_timeline_filters_by_place(client):
    everything = client.get("/api/timeline").json()
    tacheng = client.get("/api/timeline", params={"place": "place:tacheng"}).json()
    assert 0 < len(tacheng) < len(everything)
    docs = {m["doc_id"] for m in client.get("/api/entities/place:tacheng/mentions").json()}
    assert {i["doc_id"] for i in tacheng} <= docs
    page = client.get("/timeline", params={"place": "place:tacheng"}).text
    assert 'name="place" value="place:tacheng"' in page and 'data-suggest="PLACE"' in page
    first_page = client.get("/api/timeline", params={"place": "place:tacheng", "limit": 100}).json()
    assert page.count('class="tl-item') == len(first_page) == min(100, len(tacheng))
    # a name typed without the script's help is resolved by the server
    assert client.get("/api/timeline", params={"place": "Tacheng"}).json()
    bad = client.get("/api/timeline", params={"date_from": "1945-13"})  # no 13th month
    assert bad.status_code in (400, 422) and bad.json()["error"]
    assert client.get("/api/timeline", params={"date_from": "Sept 1945"}).status_code == 422


def test_search_page_says_when_prefixes_wait_for_reindex(client, seed_db):
    assert "refugees" in client.get("/search", params={"q": "refugee*"}).text.lower()  # found through the word list
    assert "opis reindex" not in client.get("/search", params={"q": "refugee*"}).text
    seed_db.conn.execute("INSERT OR REPLACE INTO search_meta (key, value) VALUES ('words_pending', '1')")
    seed_db.conn.commit()
    try:
        assert "<code>opis reindex</code>" in client.get("/search", params={"q": "refugee*"}).text
        assert "opis reindex" not in client.get("/search", params={"q": "refugees"}).text
    finally:
        seed_db.conn.execute("DELETE FROM search_meta WHERE key = 'words_pending'")
        seed_db.conn.commit()
