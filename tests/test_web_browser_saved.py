"""End-to-end in headless Chromium (issue 17): a reader signs in, saves a search from the search
page, new documents are ingested, /saved says how many are new, and opening the saved search
shows them marked; axe-core finds no serious or critical violation on the pages."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

from selenium.webdriver.common.by import By  # noqa: E402

from conftest import SEEDS_DIR  # noqa: E402
from opis.archive import Archive  # noqa: E402
from test_web_browser import (  # noqa: E402  (skips this module too where chromium is missing)
    AXE,
    browser,  # noqa: F401, F811  (the fixture, module-scoped here too)
    serious_violations,
    shot,
    start_server,
    stop_server,
    wait,
)

PAGES = Path(__file__).parent / "data" / "pages"
QUERY = "conversation"


@pytest.fixture(scope="module")
def reader_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("saved-server")
    corpus = folder / "corpus"
    shutil.copytree(SEEDS_DIR, corpus)
    with Archive(folder / "web.db") as archive:
        archive.ingest([corpus])
        archive.add_user("ada", "admin", "ada-admin-password")
        archive.add_user("rex", "reader", "rex-reader-password")
    base, proc = start_server(str(folder / "web.db"), "--allow-write")
    yield base, folder
    stop_server(proc)


def _one_new_page(db: Path) -> tuple[list[Path], set[str]]:
    """Two pages of which the saved query finds exactly one, chosen by running the query on a
    scratch archive (never by name)."""
    scratch = db.parent / "scratch.db"
    with Archive(scratch) as archive:
        pages = sorted(PAGES.glob("*.txt"))
        ids = {p: r.id for p, r in zip(pages, archive.ingest(pages), strict=True)}
        found = set(archive.search(QUERY, limit=1000).ids)
    hit = next(p for p in pages if ids[p] in found)
    miss = next(p for p in pages if ids[p] not in found)
    return [hit, miss], {ids[hit]}


def test_reader_saves_a_search_and_sees_one_new(reader_server, browser):  # noqa: F811
    base, folder = reader_server
    d = browser
    d.delete_all_cookies()
    d.get(base + "/login?next=/search")
    d.find_element(By.ID, "login-name").send_keys("rex")
    d.find_element(By.ID, "login-password").send_keys("rex-reader-password")
    d.find_element(By.CSS_SELECTOR, ".login-form button[type=submit]").click()
    wait(d).until(lambda drv: "/login" not in drv.current_url)
    d.get(base + "/search?q=" + QUERY)
    problems = {"/search": serious_violations(d)} if AXE.exists() else {}
    name = d.find_element(By.ID, "save-name")
    name.clear()
    name.send_keys("Conversations")
    d.find_element(By.CSS_SELECTOR, "form.save-search button[type=submit]").click()
    wait(d).until(lambda drv: "/saved/" in drv.current_url)
    saved_url = d.current_url
    assert "0 new since your last visit" in d.find_element(By.TAG_NAME, "main").text
    pages, expected = _one_new_page(folder / "web.db")
    with Archive(folder / "web.db") as archive:
        added = [r for r in archive.ingest(pages) if r.status == "added"]
    assert len(added) == 2
    d.get(base + "/saved")
    row = d.find_element(By.XPATH, "//tr[td/a[normalize-space()='Conversations']]")
    assert "1 new" in row.text
    if AXE.exists():
        problems["/saved"] = serious_violations(d)
    shot(d, "30-saved")
    row.find_element(By.LINK_TEXT, "Conversations").click()
    wait(d).until(lambda drv: drv.current_url == saved_url)
    assert "1 new since your last visit" in d.find_element(By.ID, "new-h").text
    marked = {a.get_attribute("href").rsplit("/", 1)[1]
              for a in d.find_elements(By.CSS_SELECTOR, ".new-hits li.is-new h3 a")}
    assert marked == expected
    if AXE.exists():
        problems["/saved/{id}"] = serious_violations(d)
    shot(d, "31-saved-one")
    d.find_element(By.XPATH, "//button[normalize-space()='Make a feed address']").click()
    wait(d).until(lambda drv: drv.find_elements(By.ID, "feed-url"))
    assert "token=opf_" in d.find_element(By.ID, "feed-url").get_attribute("value")
    if AXE.exists():
        problems["/saved/{id}/feed"] = serious_violations(d)
    d.get(base + "/saved")
    assert "0 new" in d.find_element(By.XPATH, "//tr[td/a[normalize-space()='Conversations']]").text
    assert {k: v for k, v in problems.items() if v} == {}
