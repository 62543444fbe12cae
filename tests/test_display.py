"""Control and bidi characters in document text: shown, never acting, in the terminal and in HTML.

The hostile document is built here: a title with U+202E (RIGHT-TO-LEFT OVERRIDE, which shows
``border \u202eexe.txt`` as ``border txt.exe``) and a text with terminal escape sequences (a
colour, a window-title OSC ending in BEL, a clear-screen).
"""

from __future__ import annotations

import json
import re
import warnings

import pytest
from click.testing import CliRunner

from opis.cli import cli
from opis.display import BIDI_CONTROLS, BIDI_MARKS, for_html, for_terminal, html_isolated, visible

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

RLO = "\u202e"
ESC = "\x1b"
TITLE = f"Report on the border {RLO}exe.txt crossing"
TEXT = (f"{TITLE}\n\nThe guards {ESC}[31mcounted{ESC}[0m 300 refugees near Tacheng."
        f"{ESC}]0;pwned\x07 The commander {ESC}[2J reported it.\n")
# every character that may act on a terminal: C0 (but TAB/LF, handled per mode), DEL, C1, bidi
ACTING = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{BIDI_CONTROLS}{BIDI_MARKS}]")


# --- the pure functions --------------------------------------------------------------------

@pytest.mark.parametrize("char", [ESC, "\x07", "\x00", "\r", "\x08", "\x7f", "\x9b", *BIDI_CONTROLS, *BIDI_MARKS])
def test_for_terminal_shows_every_acting_character_as_its_escape(char):
    out = for_terminal(f"a{char}b")
    assert not ACTING.search(out)
    assert out == "a" + visible(char) + "b" and visible(char).startswith("\\")
    assert visible(char) in ("\\r", f"\\x{ord(char):02x}", f"\\u{ord(char):04x}")


def test_for_terminal_keeps_ordinary_text_and_newlines_only_when_asked():
    text = "Тачэн 塔城 Chuguchak — «quoted» ٢٠٢٠ עברית\ttab"
    assert for_terminal(text, multiline=True) == text
    assert for_terminal("line one\nfake line") == "line one\\nfake line"  # one line stays one line
    assert for_terminal("line one\nline two", multiline=True) == "line one\nline two"
    assert for_terminal(None) == "" and for_terminal("") == ""


def test_for_html_shows_overrides_keeps_marks_and_is_escaped_and_isolated():
    assert for_html(f"x{RLO}y\u2066z{ESC}") == "x\\u202ey\\u2066z\\x1b"
    assert for_html("שלום\u200f, abc") == "שלום\u200f, abc"  # marks: needed by right-to-left text
    html = str(html_isolated(f"<script>{RLO}</script>"))
    assert html == "<bdi>&lt;script&gt;\\u202e&lt;/script&gt;</bdi>"
    assert str(html_isolated(None)) == ""


# --- the CLI ----------------------------------------------------------------------------------

@pytest.fixture()
def hostile_db(tmp_path):
    src = tmp_path / "hostile.txt"
    src.write_text(TEXT, encoding="utf-8")
    db = str(tmp_path / "hostile.db")
    result = CliRunner().invoke(cli, ["ingest", str(src), "--db", db])
    assert result.exit_code == 0, result.output
    return db, result.output


def _doc_id(db: str) -> str:
    out = CliRunner().invoke(cli, ["list", "--db", db, "--json"]).output
    return json.loads(out)[0]["id"]


def test_cli_ingest_list_and_show_print_no_acting_character(hostile_db):
    db, ingest_out = hostile_db
    runner = CliRunner()
    listed = runner.invoke(cli, ["list", "--db", db]).output
    shown = runner.invoke(cli, ["show", _doc_id(db), "--db", db]).output
    for out in (ingest_out, listed, shown):
        assert not ACTING.search(out.replace("\n", "")), repr(out)
        assert "border \\u202eexe.txt crossing" in out  # the title, with its override visible
    stored = json.loads(runner.invoke(cli, ["show", _doc_id(db), "--db", db, "--json"]).output)
    assert stored["title"] == TITLE  # what is stored is unchanged: only the display is escaped
    assert ESC in stored["text"]


def test_cli_search_results_print_no_acting_character(hostile_db):
    db, _ = hostile_db
    out = CliRunner().invoke(cli, ["search", "refugees", "--db", db]).output
    assert "1 documents" in out or "1 document" in out
    assert not ACTING.search(out.replace("\n", "")), repr(out)
    assert "\\u202e" in out


# --- the pages --------------------------------------------------------------------------------

def test_pages_show_overrides_and_escapes_visibly_and_isolate_titles(hostile_db):
    from opis.web import create_app

    db, _ = hostile_db
    client = TestClient(create_app(db))
    doc = _doc_id(db)
    pages = {url: client.get(url) for url in ("/", f"/documents/{doc}", "/search?q=refugees", "/timeline",
                                               f"/api/documents/{doc}/text")}
    for url, r in pages.items():
        assert r.status_code == 200, url
        body = r.text if not url.startswith("/api/") else r.json()["html"]
        assert RLO not in body and ESC not in body and "\x07" not in body, url
    home = pages["/"].text
    assert "<bdi>Report on the border \\u202eexe.txt crossing</bdi>" in home
    page = pages[f"/documents/{doc}"].text
    assert '<h1 id="doc-title"><bdi>Report on the border \\u202eexe.txt crossing</bdi></h1>' in page
    assert "<title>Report on the border \\u202eexe.txt crossing · opis</title>" in page
    # each escape shown (the text's own markup, e.g. apparatus spans, may sit between them)
    assert "\\x1b[31mcounted\\x1b" in page and "pwned\\x07" in page and "\\x1b[2J" in page
    assert "\\u202e" in pages["/search?q=refugees"].text
    # the JSON API is exact: the stored text, with its characters (JSON escapes them as data)
    assert client.get(f"/api/documents/{doc}").json()["title"] == TITLE
