"""The pages a reader sees (issue 18), through the app as served: the article page shows every part
of its record, the timeline reads as dates in words grouped by year and document, the claims page
agrees with the API, the entity index lists what the store counts."""

from __future__ import annotations

import html
import re

import pytest
from fastapi.testclient import TestClient

from opis.metadata.human_dates import year_of
from opis.web import create_app

RAW_EDTF = re.compile(r"\d{4}-\d{2}|[~%]|\d{4}/|\dX")


@pytest.fixture(scope="module")
def client(seed_db):
    return TestClient(create_app(seed_db.path))


@pytest.fixture(scope="module")
def article(seed_records):
    found = [r for r in seed_records.values() if r.get("doc_type") == "article" and r.get("bibliography")]
    if not found:
        pytest.skip("no article with a reference list among the samples")
    return found[0]


def _esc(s: str) -> str:
    return html.escape(s, quote=False)


def _section(page: str, heading_id: str) -> str:
    start = page.index(f'id="{heading_id}"')
    return page[start:page.index("</section>", start)]


def test_article_page_shows_authors_with_affiliations_abstract_keywords_and_edn(client, article):
    page = client.get(f"/documents/{article['id']}").text
    assert "From → to" not in page and "→ —" not in page  # no sender/recipient line for an article
    for a in article["authors"]:
        assert _esc(a["name"]) in page
        if a.get("affiliation"):
            assert f'<span class="affiliation"><bdi>{_esc(a["affiliation"])}</bdi></span>' in page
    abstract = _section(page, "abstract-h")
    assert _esc(article["abstract"]) in abstract
    for k in article["keywords"]:
        assert f"<bdi>{_esc(k)}</bdi>" in abstract
    if article.get("edn"):
        assert f"<dt>EDN</dt><dd>{article['edn']}</dd>" in page


def test_article_headings_are_headings_and_archive_records_have_none(client, article, seed_records):
    """The page draws the record's own headings (spans kept by the reader), the top level as
    ``<h3>``, each level below one step smaller; archive records have none."""
    page = client.get(f"/documents/{article['id']}").text
    drawn = re.findall(r'<h([3-6]) class="doc-heading">(.*?)</h\1>', page, re.S)
    assert article["headings"], "the article's record keeps no heading"
    top = min(h["level"] for h in article["headings"])
    expected = [(str(3 + h["level"] - top), article["text"][h["start"]:h["end"]]) for h in article["headings"]]
    assert [(n, html.unescape(re.sub(r"<[^>]+>", "", h))) for n, h in drawn] == expected
    for rec in seed_records.values():
        if rec.get("doc_type") != "article":
            assert 'class="doc-heading"' not in client.get(f"/documents/{rec['id']}").text


def test_article_page_shows_the_second_language(client, article):
    page = client.get(f"/documents/{article['id']}").text
    (alt,) = article["alt_metadata"]
    section = re.search(r'<section class="abstract abstract-alt"[^>]*lang="(\w+)">(.*?)</section>', page, re.S)
    assert section and section.group(1) == alt["lang"]
    for value in (alt["title"], alt["abstract"], *alt["keywords"]):
        assert f"<bdi>{_esc(value)}</bdi>" in section.group(2)


def test_footnotes_link_both_ways_and_references_link_to_their_notes(client, article):
    page = client.get(f"/documents/{article['id']}").text
    anchored = [n for n in article["notes"] if n.get("anchor") is not None]
    assert anchored
    for n in anchored:  # marker in the text -> note, note -> back to the marker
        assert f'href="#fn-{n["n"]}" id="fnref-{n["n"]}"' in page
        assert re.search(rf'<li id="fn-{n["n"]}" value="{n["n"]}">.*?href="#fnref-{n["n"]}"', page, re.S)
    refs = _section(page, "refs-h")
    listed = {b["id"] for b in article["bibliography"]}
    assert refs.count('<li id="ref-') == len(article["bibliography"])
    cited = 0
    for n in article["notes"]:
        note = page[page.index(f'<li id="fn-{n["n"]}"'):]
        note = note[:note.index("</li>")]
        for c in n.get("citations") or []:
            if c.get("ref") in listed:
                cited += 1
                assert f'href="#ref-{c["ref"]}"' in note  # note -> its entry
                entry = refs[refs.index(f'<li id="ref-{c["ref"]}"'):]
                assert f'href="#fn-{n["n"]}"' in entry[:entry.index("</li>")]  # entry -> the note
    assert cited


def test_archive_record_keeps_its_from_to_line(client, seed_records):
    both = [r for r in seed_records.values() if r.get("authors") and r.get("recipients")]
    if not both:
        pytest.skip("no record with sender and recipient")
    page = client.get(f"/documents/{both[0]['id']}").text
    assert "<dt>From → to</dt>" in page and 'id="refs-h"' not in page


def _year_sections(page: str) -> list[tuple[str, str]]:
    parts = re.split(r'<section class="tl-year" aria-labelledby="y-([^"]+)">', page)
    return list(zip(parts[1::2], parts[2::2], strict=True))


def test_timeline_dates_read_as_words_grouped_by_stated_year_and_document(client, seed_records):
    page = client.get("/timeline").text
    sections = _year_sections(page)
    assert sections
    shown = 0
    for year, body in sections:
        body = body[:body.find('<section class="tl-year"')] if '<section class="tl-year"' in body else body
        for edtf, words in re.findall(r'<time datetime="[^"]*" title="EDTF ([^"]+)">([^<]*)</time>', body):
            shown += 1
            assert not RAW_EDTF.search(words), (edtf, words)
            assert year_of(edtf) in (year, None), (edtf, year)  # "1925~" under 1925, not 1924
        # a document's title once per year at most, cut short, never on every row
        titles = re.findall(r'<h4 class="tl-doc-title"><a href="/documents/([0-9a-f]+)"', body)
        assert len(titles) == len(set(titles))
    assert shown
    years = [y for y, _ in sections if y != "undated"]
    assert years == sorted(years)
    long_titles = [r["title"] for r in seed_records.values() if len(r.get("title") or "") > 120]
    for t in long_titles:
        assert f">{_esc(t)}<" not in page and f"<bdi>{_esc(t)}</bdi>" not in page


def test_claims_page_agrees_with_the_api_for_an_id_and_for_words(client):
    for about in ("place:xinjiang", "Xinjiang", "people crossed"):
        api = client.get("/api/claims", params={"about": about, "limit": 50}).json()
        page = client.get("/claims", params={"about": about}).text
        listed = _section(page, "all-h")
        assert listed.count("<tr>") - 1 == len(api), about  # header row aside
        for c in api:
            assert f'href="/documents/{c["doc_id"]}"' in listed
    named = client.get("/claims", params={"about": "Xinjiang"}).text
    assert 'href="/claims?about=place%3Axinjiang"' in named  # the entity of that name is offered


def test_claims_page_shows_every_comparison_group_and_filters_by_kind(client):
    groups = client.get("/api/claims/compare").json()
    page = client.get("/claims").text
    assert _section(page, "side-h").count('class="claim-group"') == len(groups)
    kinds = client.get("/api/claims/kinds").json()
    kind = kinds[0]["kind"]
    page = client.get("/claims", params={"kind": kind}).text
    api = client.get("/api/claims", params={"kind": kind, "limit": 50}).json()
    assert _section(page, "all-h").count("<tr>") - 1 == len(api) == min(50, kinds[0]["claims"])


def _rows(page: str) -> list[tuple[str, str]]:
    return re.findall(r'<td><a href="/entities/([^"]+)"><bdi>([^<]*)</bdi></a>', page)


def test_entity_index_counts_sorts_filters_and_pages(client):
    page = client.get("/").text
    assert '<a href="/entities"' in page  # in the navigation
    for t in ("PERSON", "PLACE", "ORG", "UNIT"):
        every = client.get("/api/entities", params={"type": t, "limit": 1000}).json()
        page = client.get("/entities", params={"type": t.lower()}).text
        assert re.search(rf'aria-current="page">\w+ <span class="count">{len(every):,}</span>', page), t
        rows = _rows(page)
        assert [i for i, _ in rows] == [e["id"] for e in every][:50]  # most documents first, as the API
    places = _rows(client.get("/entities", params={"type": "place", "sort": "name"}).text)
    labels = [html.unescape(label) for _, label in places]
    assert labels == sorted(labels)
    second = _rows(client.get("/entities", params={"type": "place", "sort": "name", "page": 2}).text)
    assert second and not {i for i, _ in second} & {i for i, _ in places}
    found = _rows(client.get("/entities", params={"q": "Ch"}).text)
    suggested = {e["id"] for e in client.get("/api/suggest", params={"q": "Ch", "limit": 50}).json()}
    assert found and {i for i, _ in found} <= suggested
    assert client.get("/entities", params={"type": "nonsense"}).status_code in (400, 422)


def test_entity_page_draws_its_network_from_the_listed_neighbours(client):
    co = client.get("/api/entities/place:xinjiang/cooccurring").json()
    page = client.get("/entities/place:xinjiang").text
    assert 'id="network" data-entity="place:xinjiang"' in page and "/static/network.js" in page
    for c in co:
        assert f'data-id="{c["id"]}"' in page
    assert client.get("/static/network.js").status_code == 200


def test_home_list_dates_in_words(client, seed_records):
    page = client.get("/").text
    dates = re.findall(r'<td class="date"><time[^>]*>([^<]*)</time>', page)
    assert len(dates) == len(seed_records)
    assert not any(RAW_EDTF.search(d) for d in dates)


def test_timeline_groups_keep_every_item_once_in_stated_date_order(client):
    from opis.metadata.human_dates import sort_key
    from opis.web.views.timeline import ACCORDING, by_year

    items = client.get("/api/timeline", params={"limit": 500}).json()
    groups = by_year(items)
    seen = []
    for y in groups:
        keys = []
        for d in y["documents"]:
            said = {m.group(1) for e in d["entries"] if (m := ACCORDING.search(e.get("label") or ""))}
            for e in d["entries"]:
                seen.append((e["kind"], e.get("doc_id"), e.get("start"), e.get("label")))
                keys.append(sort_key(e["date"].get("edtf"), e["date"].get("earliest")))
                if e.get("shown") is not None:  # the reporting party said once, above the claims
                    assert d["according_to"] in said and len(said) == 1
                    assert e["label"] == f'{e["shown"]} (according to {d["according_to"]})'
            assert y["year"] == "undated" or all(k[:4] == y["year"] for k in keys)
    assert sorted(seen, key=str) == sorted(((i["kind"], i.get("doc_id"), i.get("start"), i.get("label")) for i in items), key=str)
    assert any(d.get("according_to") for y in groups for d in y["documents"])
