"""End-to-end in headless Chromium: a researcher searches by meaning in Russian with the "by
meaning" switch, opens an English report at its highlighted passage, and reads the related
documents panel of the Beria report (issue 19)."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

from selenium.webdriver.common.by import By  # noqa: E402

from conftest import SEEDS_DIR  # noqa: E402
from opis.archive import Archive  # noqa: E402
from test_web_browser import (  # noqa: E402  (skips this module too where chromium is missing)
    browser,  # noqa: F401  (the fixture, module-scoped here too)
    serious_violations,
    shot,
    start_server,
    stop_server,
    wait,
)

RU_REPORT = Path(__file__).parent / "data" / "formats" / "nkvd_report_ru.txt"


@pytest.fixture(scope="module")
def meaning_server(tmp_path_factory):
    """``opis serve`` (read-only) over the seeds and the Russian report, their passages embedded
    beforehand (``opis reindex --vectors``: a read-only server does not embed)."""
    folder = tmp_path_factory.mktemp("meaning-server")
    with Archive(folder / "web.db") as archive:
        results = list(archive.ingest([SEEDS_DIR, RU_REPORT]))
        archive.index_vectors()
        ids = {Path(r.path).name[:3]: r.id for r in results}
        titles = archive.titles(ids.values())
    base, proc = start_server(str(folder / "web.db"))
    yield base, ids, titles
    stop_server(proc)


def test_by_meaning_switch_finds_english_reports_for_a_russian_query(meaning_server, browser):  # noqa: F811
    base, ids, titles = meaning_server
    d = browser
    d.get(base + "/search")
    d.find_element(By.ID, "q").send_keys("беженцы из Синьцзяна")
    switch = d.find_element(By.ID, "meaning")
    assert not switch.is_selected()
    switch.click()
    d.find_element(By.CSS_SELECTOR, ".search-form button[type=submit]").click()
    wait(d, 60).until(lambda drv: drv.find_elements(By.CSS_SELECTOR, ".hit"))
    shot(d, "30-search-by-meaning")
    assert "meaning=1" in d.current_url and d.find_element(By.ID, "meaning").is_selected()
    found = [a.text for a in d.find_elements(By.CSS_SELECTOR, ".hit h3 a")]
    assert titles[ids["001"]] in found and titles[ids["003"]] in found
    assert d.find_elements(By.CSS_SELECTOR, ".passage-snippet .passage-label")
    assert serious_violations(d) == []
    # the English memorandum opens at its passage, highlighted
    link = next(a for a in d.find_elements(By.CSS_SELECTOR, ".hit h3 a") if a.text == titles[ids["003"]])
    if "passage=" in (link.get_attribute("href") or ""):
        link.click()
        mark = wait(d).until(lambda drv: drv.find_element(By.CSS_SELECTOR, "mark#passage"))
        assert mark.is_displayed() and len(mark.text) > 40
        shot(d, "31-passage-highlighted")


def test_related_panel_of_the_beria_report(meaning_server, browser):  # noqa: F811
    base, ids, titles = meaning_server
    d = browser
    d.get(f"{base}/documents/{ids['000']}")
    panel = wait(d, 60).until(lambda drv: drv.find_element(By.ID, "related"))
    items = panel.find_elements(By.CSS_SELECTOR, ".related-doc")
    assert items
    first = items[0]
    assert first.find_element(By.CSS_SELECTOR, "h3 a").text == titles[ids["nkv"]]  # the Russian 1945 report
    assert "NKVD" in first.find_element(By.CSS_SELECTOR, ".related-why").text
    details = first.find_element(By.CSS_SELECTOR, "details.related-passages")
    details.find_element(By.TAG_NAME, "summary").click()
    this, that = (q.text for q in details.find_elements(By.TAG_NAME, "blockquote"))
    assert "This document" in this and len(that) > 40
    d.execute_script("arguments[0].scrollIntoView()", panel)
    shot(d, "32-related-panel")
    assert serious_violations(d) == []
    first.find_element(By.CSS_SELECTOR, "h3 a").click()
    wait(d).until(lambda drv: ids["nkv"] in drv.current_url)
