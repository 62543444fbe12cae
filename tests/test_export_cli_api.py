"""The exports as a user reaches them: ``opis export`` (one document, every document, a folder of
files, a CSV table), the API routes, the Cite panel and the pages that show the source's
emphasis; and the HTML reader's handling of Cloudflare's e-mail protection."""

from __future__ import annotations

import csv
import io
import json

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner
from fastapi.testclient import TestClient

from opis.cli import cli
from opis.readers.html import render
from opis.web import create_app


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def client(seed_db):
    return TestClient(create_app(seed_db.path))


@pytest.fixture(scope="module")
def ids(seed_records):
    return {p: r["id"] for p, r in seed_records.items()}


def test_cli_exports_one_document_and_every_document(seed_db, ids, tmp_path):
    db = str(seed_db.path)
    one = run("export", ids["004"][:6], "--format", "chicago", "--db", db)
    assert one.exit_code == 0 and one.output.startswith("“Antonov to Marshal Malinovsky") and "<http" not in one.output
    places = json.loads(run("export", "--format", "geojson", "--db", db).output)
    assert places["type"] == "FeatureCollection" and places["features"]
    claims = list(csv.DictReader(io.StringIO(run("export", "--format", "csv", "--table", "claims", "--db", db).output)))
    assert claims and {c["doc_id"] for c in claims} <= set(ids.values())
    out = run("export", "--format", "csv", "--out", tmp_path / "tables", "--db", db)
    assert out.exit_code == 0
    assert sorted(p.name for p in (tmp_path / "tables").iterdir()) == ["claims.csv", "documents.csv", "entities.csv"]
    bib = run("export", "--format", "bibtex", "--db", db)
    assert bib.output.count("@misc{") == 4 and bib.output.count("@article{") == 1


def test_cli_refuses_what_it_cannot_do(seed_db):
    db = str(seed_db.path)
    tei = run("export", "--format", "tei", "--db", db)
    assert tei.exit_code != 0 and "one document at a time" in tei.output
    table = run("export", "--format", "csv", "--table", "people", "--db", db)
    assert table.exit_code != 0 and "no table 'people'" in table.output


def test_api_exports_geojson_and_csv(client, ids):
    r = client.get("/api/export", params={"format": "geojson"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/geo+json")
    assert r.json()["features"]
    r = client.get("/api/export", params={"format": "csv", "table": "entities", "download": 1})
    assert r.status_code == 200 and 'filename="entities.csv"' in r.headers["content-disposition"]
    assert r.text.startswith("id,type,label,lat,lon")
    one = client.get(f"/api/documents/{ids['000']}/export", params={"format": "geojson"})
    assert one.status_code == 200 and {f["id"] for f in one.json()["features"]} >= {"place:xinjiang"}
    claims = client.get(f"/api/documents/{ids['000']}/export", params={"format": "csv", "table": "claims"})
    assert claims.status_code == 200 and {r["doc_id"] for r in csv.DictReader(io.StringIO(claims.text))} == {ids["000"]}
    assert client.get("/api/export", params={"format": "tei"}).status_code == 422
    assert client.get("/api/export", params={"format": "csv", "table": "people"}).status_code == 404


def test_pages_show_emphasis_not_asterisks(client, ids):
    page = client.get(f"/documents/{ids['002']}").text
    soup = BeautifulSoup(page, "lxml")
    chicago = soup.find(id="cite-chicago")
    assert chicago.find("em").get_text() == "RUDN Journal of Russian History" and "*" not in chicago.get_text()
    notes = soup.select(".footnotes li")
    assert notes and not any("*" in li.get_text() for li in notes)
    assert notes[0].find("em") is not None
    assert "GeoJSON" not in [s.get_text() for s in soup.select(".cite-format summary")]  # data, not a citation
    tree = BeautifulSoup(client.get("/archives", params={"archive": "RGASPI", "fond": "17"}).text, "lxml")
    cited = tree.select("ul.citing q")
    assert cited and not any("*" in q.get_text() for q in cited)
    assert any(q.find("em") is not None for q in cited)  # "*Ibid.*" of the notes
    # an entity named in a footnote next to an italic title: the snippet shows the emphasis
    entity = BeautifulSoup(client.get("/entities/org:cheka").text, "lxml")
    quotes = entity.select("ul.mentions blockquote")
    assert quotes and not any("*" in q.get_text() for q in quotes)
    assert any(q.find("em") is not None and q.find("mark") is not None for q in quotes)


def test_html_reader_decodes_cloudflare_email_protection():
    key = 0x5A
    hexed = bytes([key, *(b ^ key for b in b"archive@example.org")]).hex()
    html = (f'<p>Write to <a href="/cdn-cgi/l/email-protection#{hexed}">[email&#160;protected]</a> or '
            f'<span class="__cf_email__" data-cfemail="{hexed}">[email&#160;protected]</span>; '
            '<a href="/cdn-cgi/l/email-protection" class="__cf_email__" data-cfemail="zz">[email&#160;protected]</a>.</p>')
    text = render(BeautifulSoup(html, "lxml").body).strip()
    assert text == "Write to archive@example.org or archive@example.org; ."
