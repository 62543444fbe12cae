"""``/map`` at any size: one page of the places table (most discussed first, ``?page=N``), and the
map's points read as JSON from ``/api/places`` (the page no longer renders a thousand rows)."""

from __future__ import annotations

import re
import warnings

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from opis.web import create_app
from opis.web.views import map as map_view


def _rows(page: str) -> list[str]:
    return re.findall(r'<tr data-id="([^"]+)"', page)


def test_the_map_pages_its_table_and_reads_its_points_as_json(seed_db, monkeypatch):
    client = TestClient(create_app(seed_db.path))
    places = client.get("/api/places").json()
    assert len(places) >= 3 and all(p["lat"] is not None for p in places)
    monkeypatch.setattr(map_view, "TABLE_PAGE", 2)
    first = client.get("/map").text
    assert _rows(first) == [p["id"] for p in places[:2]]
    assert 'data-points="/api/places?limit=1000"' in first
    assert re.search(r'rel="next" href="/map\?page=2"', first) and f"of {len(places)}" in first
    pages = -(-len(places) // 2)
    last = client.get(f"/map?page={pages}").text
    assert _rows(last) == [p["id"] for p in places[2 * (pages - 1):]]
    assert 'rel="next"' not in last and 'rel="prev"' in last
    assert _rows(client.get(f"/map?page={pages + 1}").text) == []
    assert client.get("/map?page=0").status_code == 422
