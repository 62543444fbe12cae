"""End-to-end in headless Chromium (issue 17): an admin makes a restricted collection on
/collections and grants it to an editor, who uploads one page into it and one into the public collection, and a reader
sees only the public one (the other's page is 404, search does not find it). axe-core finds no
serious or critical problem on /collections."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import Select  # noqa: E402

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

DEV = Path(__file__).parent / "data" / "dev" / "corpus"
PASSWORDS = {"ada": "ada-admin-password", "eve": "eve-editor-password", "rex": "rex-reader-password"}


@pytest.fixture(scope="module")
def team(tmp_path_factory):
    folder = tmp_path_factory.mktemp("collections-server")
    with Archive(folder / "web.db") as archive:
        for name, role in (("ada", "admin"), ("eve", "editor"), ("rex", "reader")):
            archive.add_user(name, role, PASSWORDS[name])
    base, proc = start_server(str(folder / "web.db"), "--allow-write")
    yield base, folder
    stop_server(proc)


def _sign_in(d, base: str, name: str) -> None:
    d.delete_all_cookies()
    d.get(base + "/login")
    d.find_element(By.ID, "login-name").send_keys(name)
    d.find_element(By.ID, "login-password").send_keys(PASSWORDS[name])
    d.find_element(By.CSS_SELECTOR, ".login-form button[type=submit]").click()
    wait(d).until(lambda drv: "/login" not in drv.current_url)


def _upload(d, base: str, page: Path, collection: str) -> str:
    """Upload ``page`` into ``collection`` from the Upload page; the id of its document."""
    d.get(base + "/upload")
    Select(d.find_element(By.ID, "upload-collection")).select_by_value(collection)
    d.find_element(By.ID, "upload-files").send_keys(str(page))
    d.find_element(By.CSS_SELECTOR, "#upload-form button[type=submit]").click()
    link = wait(d, 180).until(lambda drv: drv.find_elements(By.CSS_SELECTOR, "#sent-list li.sent-done a"))[0]
    return link.get_attribute("href").rsplit("/", 1)[1]


def test_editor_uploads_into_a_restricted_and_a_public_collection_and_a_reader_sees_one(team, browser):  # noqa: F811
    base, folder = team
    d = browser
    _sign_in(d, base, "ada")
    d.get(base + "/collections")
    d.find_element(By.ID, "coll-name").send_keys("secret")
    d.find_element(By.ID, "coll-title").send_keys("Deposit with conditions")
    Select(d.find_element(By.ID, "coll-vis")).select_by_value("restricted")
    d.find_element(By.CSS_SELECTOR, "form.coll-form button[type=submit]").click()
    wait(d).until(lambda drv: "<td>Deposit with conditions</td>" in drv.page_source)
    # the admin grants the editor the collection (else her upload would vanish from her sight)
    Select(d.find_element(By.ID, "grant-coll")).select_by_value("secret")
    Select(d.find_element(By.ID, "grant-user")).select_by_value("eve")
    d.find_elements(By.CSS_SELECTOR, "form.coll-form button[type=submit]")[1].click()
    wait(d).until(lambda drv: "<td>eve</td>" in drv.page_source)
    shot(d, "30-collections")
    problems = {"/collections": serious_violations(d)} if AXE.exists() else {}

    _sign_in(d, base, "eve")
    hidden_page, public_page = sorted(DEV.glob("*.txt"))[8:10]
    hidden = _upload(d, base, hidden_page, "secret")
    public = _upload(d, base, public_page, "public")
    if AXE.exists():
        problems["/upload"] = serious_violations(d)
    with Archive(folder / "web.db", readonly=True) as archive:
        assert archive.document_collections(hidden) == ["secret"]
        assert archive.document_collections(public) == ["public"]
        title = archive.get(hidden).title

    _sign_in(d, base, "rex")
    d.get(base + "/documents/" + public)
    assert d.find_element(By.TAG_NAME, "h1").text
    d.get(base + "/documents/" + hidden)
    assert "not found" in d.find_element(By.TAG_NAME, "main").text.lower()
    d.get(base + "/")
    listing = d.find_element(By.TAG_NAME, "main").text
    assert public[:12] in d.page_source and hidden[:12] not in d.page_source
    if title:
        assert title not in listing
    d.get(base + "/collections")
    assert "managed by editors" in d.find_element(By.TAG_NAME, "main").text
    assert {k: v for k, v in problems.items() if v} == {}
