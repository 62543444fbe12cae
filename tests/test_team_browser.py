"""Issue 16's done-means in headless Chromium, as the README's "For a team" says it: on a fresh
PostgreSQL database, ``opis serve --allow-write`` and two ``opis worker`` processes (real
processes, tests/team.py); the admin signs in, uploads the sample corpus through the Upload page
(all files at once through the file input), watches each file's progress reach done, then
searches "Tacheng" in the search box and sees the documents that the same corpus ingested inline
into a SQLite file finds. axe-core finds no serious or critical problem on the Upload page."""

from __future__ import annotations

import threading

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402

from team import ADMIN, PASSWORD, SEEDS, inline_search, start_team, stop_team  # noqa: E402
from test_web_browser import (  # noqa: E402  (skips this module too where chromium is missing)
    AXE,
    browser,  # noqa: F401  (the fixture, module-scoped here too)
    serious_violations,
    shot,
    wait,
)


@pytest.fixture()
def team(pg_url, tmp_path):
    team = start_team(pg_url, tmp_path / "team")
    yield team
    stop_team(team)


def test_sign_in_upload_the_samples_watch_them_done_and_find_tacheng(team, browser, tmp_path):  # noqa: F811
    solo: dict[str, list[str]] = {}
    (tmp_path / "solo").mkdir()
    inline = threading.Thread(target=lambda: solo.update(ids=inline_search(tmp_path / "solo", "Tacheng")))
    inline.start()  # one person's SQLite archive of the same files, meanwhile
    d = browser
    d.delete_all_cookies()
    d.get(team.base + "/upload")
    d.find_element(By.LINK_TEXT, "Sign in").click()
    wait(d).until(lambda drv: "/login" in drv.current_url)
    d.find_element(By.ID, "login-name").send_keys(ADMIN)
    d.find_element(By.ID, "login-password").send_keys(PASSWORD)
    d.find_element(By.CSS_SELECTOR, ".login-form button[type=submit]").click()
    wait(d).until(lambda drv: drv.find_elements(By.ID, "upload-files"))
    problems = serious_violations(d) if AXE.exists() else []

    samples = sorted(SEEDS.iterdir())
    d.find_element(By.ID, "upload-files").send_keys("\n".join(str(p) for p in samples))  # several files at once
    d.find_element(By.CSS_SELECTOR, "#upload-form button[type=submit]").click()

    def states(drv) -> dict[str, str]:
        return {li.find_element(By.CSS_SELECTOR, ".sent-name").text: li.get_attribute("class")
                for li in drv.find_elements(By.CSS_SELECTOR, "#sent-list li")}

    seen: set[str] = set()  # what the page said of the files on their way

    def ended(drv):
        now = states(drv)
        seen.update(e.text for e in drv.find_elements(By.CSS_SELECTOR, "#sent-list .sent-state"))
        return len(now) == len(samples) and all(s in ("sent-done", "sent-failed") for s in now.values()) and now

    final = wait(d, 300).until(ended)
    shot(d, "30-team-upload")
    assert final == {p.name: "sent-done" for p in samples}, team.logs()
    assert seen & {"queued…", "being read…"}, seen  # the page showed the files on their way, not only the end
    if AXE.exists():
        problems += serious_violations(d)  # the page with its progress list filled in
    assert problems == []

    ran = {j["worker"] for j in team.jobs()["jobs"]}
    assert len(ran) == 2, team.logs()  # both workers took jobs

    box = d.find_element(By.ID, "quick-q")
    box.send_keys("Tacheng", Keys.ENTER)
    wait(d).until(lambda drv: drv.find_elements(By.CSS_SELECTOR, ".hits"))
    shot(d, "31-team-search")
    links = [a.get_attribute("href") for a in d.find_elements(By.CSS_SELECTOR, ".hits li.hit h3 a")]
    inline.join(120)
    assert solo["ids"], "the inline SQLite archive finds Tacheng"
    assert sorted(href.rsplit("/documents/", 1)[1] for href in links) == solo["ids"]
