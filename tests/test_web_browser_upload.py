"""End-to-end in headless Chromium: a curator uploads files on the Upload page of a writable
``opis serve`` and follows each one to its document (or its error)."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

from selenium.webdriver.common.by import By  # noqa: E402

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


def _serve(folder: Path, *write: str):
    return start_server(str(folder / "web.db"), "--allow-write", *write)


@pytest.fixture(scope="module")
def writable_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("upload-server")
    Archive(folder / "web.db").close()
    base, proc = _serve(folder, "--token", "browser-secret")
    yield base, folder
    stop_server(proc)


@pytest.fixture(scope="module")
def team_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("team-server")
    with Archive(folder / "web.db") as archive:
        archive.add_user("ada", "admin", "ada-admin-password")
        archive.add_user("eve", "editor", "eve-editor-password")
    base, proc = _serve(folder)
    yield base, folder
    stop_server(proc)


def test_upload_two_pages_and_a_bad_file_from_the_page(writable_server, browser):  # noqa: F811
    base, folder = writable_server
    pages = sorted(DEV.glob("*.txt"))[3:5]
    bad = folder / "scan.pdf"
    bad.write_bytes(b"not a PDF, whatever the name says")
    d = browser
    d.get(base + "/upload")
    d.find_element(By.ID, "upload-token").send_keys("browser-secret")
    d.find_element(By.ID, "upload-files").send_keys("\n".join(str(p) for p in [*pages, bad]))
    d.find_element(By.CSS_SELECTOR, "#upload-form button[type=submit]").click()

    def ended(drv):
        states = [li.get_attribute("class") for li in drv.find_elements(By.CSS_SELECTOR, "#sent-list li")]
        return len(states) == 3 and all(s in ("sent-done", "sent-failed") for s in states) and states

    states = wait(d, 180).until(ended)
    shot(d, "20-upload")
    rows = {li.find_element(By.CSS_SELECTOR, ".sent-name").text: li for li in d.find_elements(By.CSS_SELECTOR, "#sent-list li")}
    assert sorted(states) == ["sent-done", "sent-done", "sent-failed"]
    assert "failed: scan.pdf" in rows["scan.pdf"].text
    link = rows[pages[0].name].find_element(By.CSS_SELECTOR, ".sent-state a")
    link.click()
    wait(d).until(lambda drv: "/documents/" in drv.current_url)
    assert d.find_element(By.TAG_NAME, "h1").text


def test_editor_signs_in_uploads_and_signs_out(team_server, browser):  # noqa: F811
    base, _folder = team_server
    d = browser
    d.delete_all_cookies()
    d.get(base + "/upload")
    assert "Sign in" in d.find_element(By.TAG_NAME, "main").text and not d.find_elements(By.ID, "upload-files")
    d.find_element(By.LINK_TEXT, "Sign in").click()
    wait(d).until(lambda drv: "/login" in drv.current_url)
    problems = {"/login": serious_violations(d)} if AXE.exists() else {}
    d.find_element(By.ID, "login-name").send_keys("eve")
    d.find_element(By.ID, "login-password").send_keys("eve-editor-password")
    d.find_element(By.CSS_SELECTOR, ".login-form button[type=submit]").click()
    wait(d).until(lambda drv: drv.find_elements(By.ID, "upload-files"))
    assert not d.find_elements(By.ID, "upload-token")  # the session writes, with the page's form token
    page = sorted(DEV.glob("*.txt"))[6]
    d.find_element(By.ID, "upload-files").send_keys(str(page))
    d.find_element(By.CSS_SELECTOR, "#upload-form button[type=submit]").click()
    wait(d, 180).until(lambda drv: drv.find_elements(By.CSS_SELECTOR, "#sent-list li.sent-done"))
    shot(d, "21-upload-signed-in")
    if AXE.exists():
        problems["/upload"] = serious_violations(d)
        d.get(base + "/account")
        problems["/account"] = serious_violations(d)
    d.get(base + "/account")
    assert "eve" in d.find_element(By.TAG_NAME, "main").text
    d.find_element(By.CSS_SELECTOR, ".account-nav button[type=submit]").click()
    wait(d).until(lambda drv: drv.find_elements(By.LINK_TEXT, "Sign in"))
    assert {k: v for k, v in problems.items() if v} == {}
