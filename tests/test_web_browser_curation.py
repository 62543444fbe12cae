"""End-to-end in headless Chromium (issue 17): an editor signs in, merges two entities (the
other chosen by search-as-you-type), splits one mention off, rejects a false place, corrects a
date — each previewed first —, sees each change in the history panels with their name, and
undoes one; axe-core finds no serious or critical violation on the curation pages."""

from __future__ import annotations

import shutil

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


@pytest.fixture(scope="module")
def team(tmp_path_factory, seed_db):
    if getattr(getattr(seed_db.conn, "dialect", None), "name", "sqlite") != "sqlite":
        pytest.skip("the browser story runs on SQLite (the API tests of test_web_curation.py run on both engines)")
    folder = tmp_path_factory.mktemp("curation-server")
    seed_db.conn.execute("PRAGMA wal_checkpoint(FULL)")
    shutil.copy(seed_db.path, folder / "web.db")
    with Archive(folder / "web.db") as archive:
        archive.add_user("ada", "admin", "ada-admin-password")
        archive.add_user("eve", "editor", "eve-editor-password")
        persons = [e for e in archive.entities(type="PERSON", limit=50)
                   if e["type"] == "PERSON" and len(e["label"]) > 5
                   and any(m["start"] is not None for m in archive.mentions(e["id"]))]
        a, b = persons[0], persons[1]
        doc = next(d for d in archive.documents()
                   if d.date.edtf and any(m.type == "PLACE" and m.start is not None for m in d.mentions))
    base, proc = start_server(str(folder / "web.db"), "--allow-write")
    yield base, folder, {"a": a, "b": b, "doc": doc.id, "date": doc.date.edtf, "earliest": doc.date.earliest}
    stop_server(proc)


def _sign_in(d, base: str) -> None:
    d.delete_all_cookies()
    d.get(base + "/login")
    d.find_element(By.ID, "login-name").send_keys("eve")
    d.find_element(By.ID, "login-password").send_keys("eve-editor-password")
    d.find_element(By.CSS_SELECTOR, ".login-form button[type=submit]").click()
    wait(d).until(lambda drv: "/login" not in drv.current_url)


def _press(d, form, value: str, expect: str) -> str:
    """Press the form's preview or apply button and wait for its outcome line."""
    old = d.find_element(By.TAG_NAME, "html")
    form.find_element(By.CSS_SELECTOR, f"button[value={value}]").click()
    if value == "apply":
        wait(d, 30).until(lambda drv: drv.find_element(By.TAG_NAME, "html") != old
                          and drv.execute_script("return document.readyState") == "complete")
        return ""
    out = form.find_element(By.CSS_SELECTOR, ".curate-out")
    wait(d, 30).until(lambda drv: expect in out.text)
    return out.text


def _date_shown(d) -> str:
    return d.find_element(By.CSS_SELECTOR, ".doc-kicker time").get_attribute("datetime")


def _history_rows(d) -> list[str]:
    return [tr.text for tr in d.find_elements(By.CSS_SELECTOR, "#history table.history tbody tr")]


def test_editor_merges_splits_rejects_corrects_and_undoes(team, browser):  # noqa: F811
    base, folder, t = team
    d = browser
    _sign_in(d, base)
    a, b = t["a"], t["b"]
    problems = {}

    # merge: the other entity chosen by typing its name
    d.get(base + f"/entities/{a['id']}")
    field = d.find_element(By.ID, "cur-other")
    field.send_keys(b["label"][:4])
    wait(d).until(lambda drv: drv.find_elements(By.CSS_SELECTOR, f".suggest-list [data-id='{b['id']}']"))
    d.find_element(By.CSS_SELECTOR, f".suggest-list [data-id='{b['id']}']").click()
    assert field.get_attribute("value") == b["id"]
    form = field.find_element(By.XPATH, "./ancestor::form")
    text = _press(d, form, "preview", "Preview:")
    assert "change" in text and b["id"] in text
    if AXE.exists():
        problems["entity (preview)"] = serious_violations(d)
    _press(d, form, "apply", "")
    shot(d, "30-curation-merged")
    mentions = int(d.find_element(By.ID, "mentions-h").text.split("(")[-1].rstrip(")"))
    assert mentions == a["mentions"] + b["mentions"]

    # split: the first mention goes to a new entity
    form = d.find_element(By.CSS_SELECTOR, "form[data-url$='/split']")
    box = form.find_element(By.CSS_SELECTOR, "input[name=mentions]")
    box.click()
    form.find_element(By.ID, "cur-split-label").send_keys("Split Off Person")
    _press(d, form, "preview", "Preview:")
    _press(d, form, "apply", "")
    assert int(d.find_element(By.ID, "mentions-h").text.split("(")[-1].rstrip(")")) == mentions - 1
    rows = _history_rows(d)
    assert any("entity.split" in r and "eve" in r for r in rows) and any("entity.merge" in r and "eve" in r for r in rows)

    # a false place: its mention rejected on the document page
    d.get(base + f"/documents/{t['doc']}")
    d.find_element(By.CSS_SELECTOR, ".curate-mentions summary").click()
    row = next(tr for tr in d.find_elements(By.CSS_SELECTOR, ".curate-mentions tbody tr")
               if tr.find_elements(By.TAG_NAME, "td")[2].text == "PLACE")
    place_words = row.find_elements(By.TAG_NAME, "td")[0].text
    form = row.find_element(By.CSS_SELECTOR, "form[data-url$='/mentions/reject']")
    assert place_words in _press(d, form, "preview", "Preview:")
    _press(d, form, "apply", "")

    # the date corrected
    Select(d.find_element(By.ID, "cur-field")).select_by_value("date")
    value = d.find_element(By.ID, "cur-value")
    value.clear()
    value.send_keys("1899-12-31")
    form = value.find_element(By.XPATH, "./ancestor::form")
    assert "1899-12-31" in _press(d, form, "preview", "Preview:")
    _press(d, form, "apply", "")
    assert _date_shown(d) == "1899-12-31"
    rows = _history_rows(d)
    assert any("document.set" in r and "eve" in r and "1899-12-31" in r for r in rows)
    assert any("entity.unlink" in r and "eve" in r for r in rows)
    shot(d, "31-curation-history")
    if AXE.exists():
        for det in d.find_elements(By.CSS_SELECTOR, ".curate-panel details"):
            det.find_element(By.TAG_NAME, "summary").click()
        problems["document"] = serious_violations(d)

    # undo the date: the document's date is back, the undo in the history
    row = next(tr for tr in d.find_elements(By.CSS_SELECTOR, "#history table.history tbody tr")
               if "document.set" in tr.text)
    form = row.find_element(By.CSS_SELECTOR, "form.curate")
    assert t["date"] in _press(d, form, "preview", "Preview:")
    _press(d, form, "apply", "")
    assert _date_shown(d) == t["earliest"]
    assert any(r.startswith(tuple("0123456789")) and "undo of" in r and "eve" in r for r in _history_rows(d))

    d.get(base + "/history?author=eve")
    assert len(d.find_elements(By.CSS_SELECTOR, "table.history tbody tr")) == 5
    if AXE.exists():
        problems["/history"] = serious_violations(d)
    assert {k: v for k, v in problems.items() if v} == {}
