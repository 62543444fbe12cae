"""End-to-end in headless Chromium: a curator uploads files on the Upload page of a writable
``opis serve`` and follows each one to its document (or its error)."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# (importing the browser tests' helpers skips this module too where chromium is missing)
from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.options import Options  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402

from opis.archive import Archive  # noqa: E402
from test_web_browser import ARTIFACTS, CHROMEDRIVER, CHROMIUM, FLAGS, free_port, shot, wait  # noqa: E402

DEV = Path(__file__).parent / "data" / "dev" / "corpus"


@pytest.fixture(scope="module")
def writable_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("upload-server")
    db = folder / "web.db"
    Archive(db).close()
    port = free_port()
    cmd = [sys.executable, "-c", "from opis.cli import main; main()", "serve", "--db", str(db), "--port", str(port),
           "--allow-write", "--token", "browser-secret"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(base + "/api/uploads", timeout=2).read()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"opis serve did not start: {proc.stderr.read() if proc.stderr else ''}")
            time.sleep(0.2)
    yield base, folder
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="module")
def browser():
    opts = Options()
    opts.binary_location = str(CHROMIUM)
    for flag in [*FLAGS, "--window-size=1280,900"]:
        opts.add_argument(flag)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=opts)
    driver.set_page_load_timeout(30)
    ARTIFACTS.mkdir(exist_ok=True)
    yield driver
    driver.quit()


def test_upload_two_pages_and_a_bad_file_from_the_page(writable_server, browser):
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
