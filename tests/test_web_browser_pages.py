"""End-to-end in headless Chromium (issue 18): the article page with its notes and references
linked both ways, the timeline by year and document, the claims page, the entity index and an
entity's network, each on a desktop and on a phone (390×844) with axe-core reporting no serious
or critical violation. Screenshots go to ``test-artifacts/pages-*.png``."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402

from test_web_browser import (  # noqa: E402  (skips this module too where chromium is missing)
    AXE,
    browser,  # noqa: F401  (the fixture, module-scoped here too)
    serious_violations,
    server,  # noqa: F401
    shot,
    wait,
)

PHONE = {"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": True}


@pytest.fixture(scope="module")
def article_id(seed_records):
    found = [r["id"] for r in seed_records.values() if r.get("doc_type") == "article" and r.get("bibliography")]
    if not found:
        pytest.skip("no article with a reference list among the samples")
    return found[0]


def _pages(article_id: str) -> list[tuple[str, str]]:
    return [("home", "/"), ("article", f"/documents/{article_id}"), ("timeline", "/timeline"),
            ("claims", "/claims?about=place:xinjiang"), ("entities", "/entities"),
            ("places", "/entities?type=place&sort=name"), ("network", "/entities/place:xinjiang")]


def _network_drawn(d) -> None:
    wait(d).until(lambda drv: drv.find_elements(By.CSS_SELECTOR, "#network svg .net-node"))


@pytest.mark.skipif(not AXE.exists(), reason="axe-core npm package not installed (make install)")
@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_pages_pass_axe_and_fit_the_screen(server, browser, article_id, viewport):  # noqa: F811
    d = browser
    if viewport == "phone":
        d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
    problems, wide = {}, {}
    try:
        for name, path in _pages(article_id):
            d.get(server + path)
            if name == "network":
                _network_drawn(d)
            bad = serious_violations(d)
            if bad:
                problems[path] = bad
            width = d.execute_script("return document.documentElement.scrollWidth")
            view = d.execute_script("return document.documentElement.clientWidth")
            # nothing cut off inside a scrolling table either: every cell within the screen
            right = d.execute_script("return Math.max(0, ...[...document.querySelectorAll('main td, main th')]"
                                     ".filter(c => c.offsetParent).map(c => c.getBoundingClientRect().right))")
            if width > view or right > view + 1:
                wide[path] = max(width, right)
            shot(d, f"pages-{viewport}-{name}")
    finally:
        if viewport == "phone":
            d.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    assert not problems, problems
    assert not wide, f"wider than the screen: {wide}"


def test_article_notes_and_references_link_both_ways(server, browser, article_id):  # noqa: F811
    d = browser
    d.get(server + f"/documents/{article_id}")
    marker = d.find_element(By.CSS_SELECTOR, ".doc-text a.fnref")
    n = marker.get_attribute("id").removeprefix("fnref-")
    d.execute_script("arguments[0].click()", marker)
    wait(d).until(lambda drv: drv.current_url.endswith(f"#fn-{n}"))
    note = d.find_element(By.ID, f"fn-{n}")
    note.find_element(By.CSS_SELECTOR, "a.fnback").click()
    wait(d).until(lambda drv: drv.current_url.endswith(f"#fnref-{n}"))
    # a note that cites a listed work: to the entry, and from the entry back to the note
    bib = d.find_element(By.CSS_SELECTOR, ".footnotes a.note-bib")
    cited_by = bib.find_element(By.XPATH, "./ancestor::li").get_attribute("id")
    target = bib.get_attribute("href").split("#")[1]
    d.execute_script("arguments[0].click()", bib)
    wait(d).until(lambda drv: drv.current_url.endswith("#" + target))
    entry = d.find_element(By.ID, target)
    back = entry.find_element(By.CSS_SELECTOR, f'.cited-in a[href="#{cited_by}"]')
    d.execute_script("arguments[0].click()", back)
    wait(d).until(lambda drv: drv.current_url.endswith("#" + cited_by))
    headings = d.find_elements(By.CSS_SELECTOR, ".doc-text h3.doc-heading")
    assert headings and all(h.is_displayed() for h in headings)
    shot(d, "pages-article-reference")


def test_network_nodes_lead_to_the_neighbours(server, browser):  # noqa: F811
    d = browser
    d.get(server + "/entities/place:xinjiang")
    _network_drawn(d)
    listed = d.find_elements(By.CSS_SELECTOR, ".cooccurring li[data-id]")
    nodes = d.find_elements(By.CSS_SELECTOR, "#network .net-node")
    assert len(nodes) == len(listed) + 1  # the entity itself in the middle
    first = listed[0].get_attribute("data-id")
    node = d.find_element(By.CSS_SELECTOR, f'#network a.net-node[href="/entities/{first}"]')
    d.execute_script("arguments[0].dispatchEvent(new MouseEvent('click', {bubbles: true}))", node)
    wait(d).until(EC.url_contains(f"/entities/{first}"))


def test_timeline_on_a_phone_lists_each_document_once_a_year(server, browser):  # noqa: F811
    d = browser
    d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
    try:
        d.get(server + "/timeline")
        years = d.find_elements(By.CSS_SELECTOR, "section.tl-year")
        assert years
        for year in years:
            titles = [a.get_attribute("href") for a in year.find_elements(By.CSS_SELECTOR, ".tl-doc-title a")]
            assert len(titles) == len(set(titles))
        for item in d.find_elements(By.CSS_SELECTOR, ".tl-item")[:40]:
            box = item.rect
            assert box["x"] >= 0 and box["x"] + box["width"] <= 390
            assert len(item.find_element(By.CSS_SELECTOR, ".tl-label").text) <= 121
        shot(d, "pages-phone-timeline-years")
    finally:
        d.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
