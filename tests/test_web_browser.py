"""End-to-end: a researcher in real headless Chromium (Debian's chromium + chromedriver, Selenium).

Starts ``opis serve`` on the seed corpus on a free local port, then searches, opens the Beria
report, follows Chuguchak to its entity page, opens the map and the timeline, checks keyboard
access, a phone-sized viewport and axe-core (from the local npm package) on every page.
Screenshots go to ``test-artifacts/``.
"""

from __future__ import annotations

import importlib.util
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]

if not (CHROMIUM.exists() and CHROMEDRIVER.exists() and importlib.util.find_spec("selenium")):
    pytest.skip("needs Debian's chromium and chromium-driver and the selenium package", allow_module_level=True)

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.options import Options  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db: str, *options: str) -> tuple[str, subprocess.Popen]:
    """``opis serve`` on ``db`` (with ``options``) on a free loopback port, once it answers:
    its base URL and process (stop it with :func:`stop_server`)."""
    port = free_port()
    cmd = [sys.executable, "-c", "from opis.cli import main; main()", "serve", "--db", db, "--port", str(port),
           *options]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(base + "/api/documents?limit=1", timeout=2).read()
            return base, proc
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"opis serve did not start: {proc.stderr.read() if proc.stderr else ''}")
            time.sleep(0.2)


def stop_server(proc: subprocess.Popen) -> None:
    """Stop a server of :func:`start_server` (killed if it does not stop within 10 s)."""
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="module")
def server(seed_db):
    if seed_db.conn.dialect.name == "sqlite":
        seed_db.conn.execute("PRAGMA wal_checkpoint(FULL)")
    base, proc = start_server(seed_db.path)
    yield base
    stop_server(proc)


@pytest.fixture(scope="module")
def browser():
    opts = Options()
    opts.binary_location = str(CHROMIUM)
    for flag in [*FLAGS, "--window-size=1280,900"]:
        opts.add_argument(flag)
    os.environ.setdefault("SE_OFFLINE", "true")  # never let Selenium Manager look for drivers online
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=opts)
    driver.set_page_load_timeout(30)
    ARTIFACTS.mkdir(exist_ok=True)
    yield driver
    driver.quit()


def shot(driver, name: str) -> None:
    driver.save_screenshot(str(ARTIFACTS / f"{name}.png"))


def wait(driver, timeout: float = 10) -> WebDriverWait:
    return WebDriverWait(driver, timeout)


def beria_title(seed_records) -> str:
    return seed_records["000"].get("title") or seed_records["000"]["id"]


def test_search_open_report_follow_chuguchak(server, browser, seed_records):
    d = browser
    d.get(server + "/")
    box = d.find_element(By.ID, "quick-q")
    box.send_keys("Tacheng", Keys.ENTER)
    wait(d).until(EC.presence_of_element_located((By.CSS_SELECTOR, ".hits")))
    shot(d, "01-search-tacheng")
    beria = seed_records["000"]["id"]
    link = d.find_element(By.CSS_SELECTOR, f'.hits a[href="/documents/{beria}"]')
    assert "Beria" in link.text or link.text == beria
    link.click()
    wait(d).until(EC.presence_of_element_located((By.CSS_SELECTOR, ".doc-text")))
    assert "Beria" in d.find_element(By.TAG_NAME, "h1").text
    shot(d, "02-beria-report")
    chuguchak = d.find_element(By.XPATH, "//div[@class='doc-text']//a[contains(@class,'mention')][normalize-space()='Chuguchak']")
    chuguchak.click()
    wait(d).until(EC.presence_of_element_located((By.ID, "ent-h")))
    assert "/entities/" in d.current_url
    assert "Tacheng" in d.find_element(By.ID, "ent-h").text
    variants = d.find_element(By.CSS_SELECTOR, ".variants").text
    assert "Chuguchak" in variants
    wait(d).until(lambda drv: drv.find_element(By.ID, "mini-map").get_attribute("data-ready") == "world")
    assert len(d.find_elements(By.CSS_SELECTOR, "#mini-map path.land")) > 100
    assert d.find_elements(By.CSS_SELECTOR, "#mini-map .place circle")
    assert f'/documents/{beria}' in d.page_source
    shot(d, "03-entity-tacheng")


def test_map_draws_borders_and_places_and_clicks_through(server, browser):
    d = browser
    d.get(server + "/map")
    wait(d).until(lambda drv: drv.find_element(By.ID, "map").get_attribute("data-ready") == "world")
    assert len(d.find_elements(By.CSS_SELECTOR, "#map path.land")) > 100  # Natural Earth countries
    markers = d.find_elements(By.CSS_SELECTOR, "#map .place")
    assert markers
    rows = d.find_elements(By.CSS_SELECTOR, "#places-table tbody tr[data-lat]:not([data-lat=''])")
    total = sum(int(r.get_attribute("data-count")) for r in rows)
    shown = 0
    for m in markers:
        shown += int(m.find_element(By.TAG_NAME, "text").text) if "cluster" not in m.get_attribute("class") else 0
    assert shown <= total
    shot(d, "04-map")
    zoom_in = d.find_element(By.CSS_SELECTOR, ".map-controls button[aria-label='Zoom in']")
    before = d.find_element(By.CSS_SELECTOR, "#map svg").get_dom_attribute("viewBox")
    zoom_in.click()
    assert d.find_element(By.CSS_SELECTOR, "#map svg").get_dom_attribute("viewBox") != before
    d.find_element(By.CSS_SELECTOR, ".map-controls button[aria-label='Show all places']").click()
    region = d.find_element(By.ID, "map")  # keyboard: the map is focusable, + zooms, arrows pan
    region.send_keys("+")
    zoomed = d.find_element(By.CSS_SELECTOR, "#map svg").get_dom_attribute("viewBox")
    assert zoomed != before
    region.send_keys(Keys.ARROW_RIGHT)
    assert d.find_element(By.CSS_SELECTOR, "#map svg").get_dom_attribute("viewBox") != zoomed
    d.find_element(By.CSS_SELECTOR, ".map-controls button[aria-label='Show all places']").click()
    single = [m for m in d.find_elements(By.CSS_SELECTOR, "#map a.place")]
    if single:
        single[0].click()
        wait(d).until(EC.presence_of_element_located((By.ID, "ent-h")))
        assert "/entities/place:" in d.current_url


def test_timeline_shows_1945_and_1962_and_zooms(server, browser, seed_records):
    years = {((r.get("date") or {}).get("earliest") or "")[:4] for r in seed_records.values()} - {""}
    if not years:
        pytest.skip("dates not extracted yet")
    d = browser
    d.get(server + "/timeline")
    overview = {a.text for a in d.find_elements(By.CSS_SELECTOR, ".tl-year-links a")}
    assert {"1945", "1962"} <= overview  # the years at a glance, each a link to its items
    d.get(server + "/timeline?date_from=1945&date_to=1962")
    chart = d.find_element(By.ID, "timeline-chart")
    wait(d).until(lambda drv: chart.is_displayed())
    headings = {h.text for h in d.find_elements(By.CSS_SELECTOR, "section h3")}
    assert {"1945", "1962"} <= headings
    marks = d.find_elements(By.CSS_SELECTOR, "#timeline-chart .mark")
    assert len(marks) >= len(seed_records)
    axis_before = [t.text for t in d.find_elements(By.CSS_SELECTOR, "#timeline-chart .axis text")]
    shot(d, "05-timeline")
    d.find_element(By.CSS_SELECTOR, "[data-zoom='in']").click()
    d.find_element(By.CSS_SELECTOR, "[data-zoom='in']").click()
    axis_after = [t.text for t in d.find_elements(By.CSS_SELECTOR, "#timeline-chart .axis text")]
    assert axis_after != axis_before
    d.find_element(By.CSS_SELECTOR, "[data-zoom='reset']").click()
    first = d.find_element(By.CSS_SELECTOR, "#timeline-chart a.mark")
    assert first.get_dom_attribute("href").startswith("/documents/")
    first.click()  # a mark opens its document
    wait(d).until(EC.presence_of_element_located((By.CSS_SELECTOR, ".doc-text")))
    assert "/documents/" in d.current_url


def test_timeline_place_field_suggests_entities_as_you_type(server, browser):
    d = browser
    d.get(server + "/timeline")
    field = d.find_element(By.ID, "tl-place")
    field.send_keys("Tach")
    wait(d).until(lambda drv: drv.find_elements(By.CSS_SELECTOR, ".suggest-list [role=option]"))
    options = d.find_elements(By.CSS_SELECTOR, ".suggest-list [role=option]")
    assert any("Tacheng" in o.text for o in options)
    assert field.get_attribute("aria-expanded") == "true"
    first = options[0].get_attribute("data-id")
    field.send_keys(Keys.ARROW_DOWN, Keys.ENTER)  # the first suggestion is chosen: its id fills the field
    assert field.get_attribute("value") == first and first.startswith("place")
    field.submit()
    wait(d).until(EC.url_contains("place=place"))
    assert d.find_element(By.ID, "tl-place").get_attribute("value") == first


def test_keyboard_skip_link_and_visible_focus(server, browser):
    d = browser
    d.get(server + "/")
    d.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    focused = d.switch_to.active_element
    assert focused.get_attribute("class") == "skip-link"
    assert focused.is_displayed() and focused.rect["y"] >= 0
    outline = d.execute_script("return getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    focused.send_keys(Keys.ENTER)
    assert d.switch_to.active_element.get_attribute("id") == "main"


def serious_violations(driver) -> list[dict]:
    """axe-core's serious and critical violations on the page the driver shows (id, impact, the
    first nodes); an axe failure counts as a critical one."""
    driver.execute_script(AXE.read_text(encoding="utf-8"))
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']}).then(r => done(r.violations.map("
        "v => ({id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))))"
        ".catch(e => done([{id: 'axe-error', impact: 'critical', nodes: [String(e)]}]));"
    )
    return [v for v in result if v["impact"] in ("serious", "critical")]


def _pages(server: str, seed_records) -> list[tuple[str, str]]:
    pages = [("home", "/"), ("search", "/search?q=Xinjiang"), ("archives", "/archives"), ("timeline", "/timeline"),
             ("map", "/map"), ("claims", "/claims")]
    pages += [(f"document-{p}", f"/documents/{rec['id']}") for p, rec in sorted(seed_records.items())[:2]]
    pages.append(("entity", "/entities/place:tacheng"))
    pages += [("upload", "/upload"), ("login", "/login")]
    return pages


@pytest.mark.skipif(not AXE.exists(), reason="axe-core npm package not installed (make install)")
def test_axe_core_finds_no_serious_violations(server, browser, seed_records):
    d = browser
    problems = {}
    for _name, path in _pages(server, seed_records):
        d.get(server + path)
        bad = serious_violations(d)
        if bad:
            problems[path] = bad
    (ARTIFACTS / "axe.json").write_text(json.dumps(problems, indent=2), encoding="utf-8")
    assert not problems, problems


def test_phone_viewport_has_no_horizontal_scroll(server, browser, seed_records):
    d = browser
    d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": 375, "height": 812, "deviceScaleFactor": 2, "mobile": True})
    try:
        for name, path in _pages(server, seed_records):
            d.get(server + path)
            width = d.execute_script("return document.documentElement.scrollWidth")
            assert width <= 375, f"{path} is {width}px wide on a 375px screen"
            if name in ("home", "document-000", "map", "timeline"):
                shot(d, f"phone-{name}")
    finally:
        d.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
