"""Readers: text, Markdown and HTML files come out as clean text with their source facts."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from opis.errors import ReadError
from opis.readers import read

DATA = Path(__file__).parent / "data" / "core"


def test_text_reader_source_facts(tmp_path):
    p = tmp_path / "note.txt"
    p.write_bytes(b"Report on the border\r\n\r\nThe post at Bakhty reported 12 crossings.\r\n")
    raw = read(p)
    assert raw.format == "text"
    assert raw.reader == "opis.readers.text"
    assert raw.sha256 == hashlib.sha256(p.read_bytes()).hexdigest()
    assert raw.path == str(p.absolute())
    assert "\r" not in raw.text
    assert raw.text == "Report on the border\n\nThe post at Bakhty reported 12 crossings."
    assert raw.layout == "plain"


def test_utf16_and_cp1251_text_is_decoded(tmp_path):
    p = tmp_path / "utf16.txt"
    p.write_bytes("Донесение о переходе границы".encode("utf-16"))
    assert read(p).text == "Донесение о переходе границы"
    q = tmp_path / "cp1251.txt"
    q.write_bytes("Совершенно секретно. Донесение начальника заставы.".encode("cp1251"))
    assert "Донесение начальника заставы" in read(q).text


def test_markdown_reader_strips_markup(tmp_path):
    p = tmp_path / "page.md"
    p.write_text("# A heading\n\nSome **bold** and *italic* words, a [link](https://example.org).\n", encoding="utf-8")
    raw = read(p)
    assert raw.format == "markdown"
    assert raw.text == "A heading\n\nSome bold and italic words, a link."


def test_plain_layout_drops_web_boilerplate(tmp_path):
    p = tmp_path / "saved.txt"
    p.write_text(
        "Skip to content\n\nThe telegram reached Urumqi on 3 May.\n\n"
        "Some documents may be subject to copyright, which is retained by the rights holders.\n\n"
        "Back to top\n",
        encoding="utf-8",
    )
    raw = read(p)
    assert raw.text == "The telegram reached Urumqi on 3 May."
    assert "copyright" in raw.fields["Rights"]


HTML_PAGE = """<!doctype html>
<html><head><title>Record page</title>
<link rel="canonical" href="https://digitalarchive.example.org/document/4242">
<script>var tracking = "Skip to content";</script></head>
<body>
<nav><a href="#main">Skip to content</a></nav>
<main id="main">
<p>May 3, 1946</p>
<h1>Letter from Zhou Enlai to Cde. V.M. Molotov</h1>
<p>This document was made possible with support from Leon Levy Foundation</p>
<p>SECRET</p>
<p>Dear Comrade Molotov, the delegation will arrive in Moscow on <em>10 May</em>.</p>
<p>Zhou Enlai asks Molotov to receive a delegation in May.</p>
<h2>Document Information</h2>
<p>AVP RF, f. 0100, op. 40, d. 12, l. 3. Translated by Jane Doe.</p>
<p>Some documents may be subject to copyright, which is retained by the rights holders.</p>
<p>Record ID</p><p>4242</p>
</main>
</body></html>
"""


def test_html_reader_feeds_the_same_layout_recogniser(tmp_path):
    p = tmp_path / "record.html"
    p.write_text(HTML_PAGE, encoding="utf-8")
    raw = read(p)
    assert raw.format == "html"
    assert raw.layout == "archive_record"
    assert raw.fields["Title"] == "Letter from Zhou Enlai to Cde. V.M. Molotov"
    assert raw.fields["Date"] == "May 3, 1946"
    assert raw.fields["Record ID"] == "4242"
    assert raw.fields["URL"] == "https://digitalarchive.example.org/document/4242"
    assert raw.fields["Summary"].startswith("Zhou Enlai asks Molotov")
    assert "Skip to content" not in raw.text and "tracking" not in raw.text
    assert "Dear Comrade Molotov, the delegation will arrive in Moscow on 10 May." in raw.text
    assert "copyright" not in raw.text


def test_html_by_content_without_extension(tmp_path):
    p = tmp_path / "noext"
    p.write_text("<html><body><p>Plain <b>page</b></p></body></html>", encoding="utf-8")
    raw = read(p)
    assert raw.format == "html"
    assert raw.text == "Plain page"


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("empty.txt", b"", "empty file"),
        ("blank.txt", b"  \n\n \t\n", "no text found"),
        ("binary.dat", b"\x00\x01\x02\x03binary\x00", "binary file"),
        ("latin.txt", bytes([0x81, 0x8D, 0x8F, 0x90, 0x98]) * 30, "undecodable"),
    ],
)
def test_unreadable_files_raise_read_error_naming_the_file(tmp_path, name, content, problem):
    p = tmp_path / name
    p.write_bytes(content)
    with pytest.raises(ReadError) as info:
        read(p)
    assert problem in str(info.value)
    assert name in str(info.value)


def test_missing_file(tmp_path):
    with pytest.raises(ReadError, match="no such file"):
        read(tmp_path / "nothing.txt")


def test_fixture_pages_are_recognised():
    assert read(DATA / "header_page.txt").layout == "archive_record"
    assert read(DATA / "citation_page.txt").layout == "archive_record"
    assert read(DATA / "article.md").layout == "article"


def test_boilerplate_component_moves_offsets_with_the_text():
    from opis.model import Document, Note, Page
    from opis.pipeline.boilerplate import boilerplate

    text = "Skip to content\n\nAlpha beta.\n\nShare\nGamma[1] delta.\n\nAll rights reserved.\n\nOmega"
    doc = Document(
        id="x", text=text, notes=[Note(1, "a note", anchor=text.index("[1]"))],
        page_info=[Page(1, 0, text.index("Gamma")), Page(2, text.index("Gamma"), len(text))],
    )
    doc = boilerplate(doc)
    assert doc.text == "Alpha beta.\n\nGamma[1] delta.\n\nOmega"
    assert doc.text[doc.notes[0].anchor:].startswith("[1]")
    assert doc.text[doc.page_info[1].start:].startswith("Gamma")
    assert doc.page_info[1].end == len(doc.text)


HTML_ARTICLE = """<html><body>
<p><a href="https://doi.org/10.1234/abcd.2020.5">https://doi.org/10.1234/abcd.2020.5</a></p>
<h2>Border Trade in Semirechye, 1925–1930</h2>
<p>Anna B. Smirnova <sup>a</sup></p>
<p><sup>a</sup> Institute of History, Almaty, Kazakhstan</p>
<p><strong>Abstract:</strong> Border trade in the 1920s.</p>
<p><strong>Keywords:</strong> trade, border</p>
<p><strong>For citation:</strong> Smirnova, A.B. “Border Trade.” <em>Journal of Borderlands</em> 3, no. 1 (March 2020): 10–20.</p>
<h3>Introduction</h3>
<p>Caravans crossed at Khorgos<sup>1</sup> every week.</p>
<p><sup>1</sup> TsGA RK, f. 5, op. 1, d. 7, l. 2.</p>
<h2>References</h2>
<ul><li>Smirnova, A.B. <em>Karavany</em>. Almaty, 2015.</li><li>Ivanov, I. <em>Granitsa</em>. Moscow, 2010.</li></ul>
</body></html>"""


def test_html_article(tmp_path):
    p = tmp_path / "article.html"
    p.write_text(HTML_ARTICLE, encoding="utf-8")
    raw = read(p)
    assert raw.layout == "article"
    assert raw.fields["DOI"] == "10.1234/abcd.2020.5"
    assert raw.fields["Title"] == "Border Trade in Semirechye, 1925–1930"
    assert raw.text == "Introduction\n\nCaravans crossed at Khorgos every week."
    assert [(n.n, n.text) for n in raw.notes] == [(1, "TsGA RK, f. 5, op. 1, d. 7, l. 2.")]
    assert raw.text[: raw.notes[0].anchor].endswith("Khorgos")
    assert raw.references == ["Smirnova, A.B. *Karavany*. Almaty, 2015.", "Ivanov, I. *Granitsa*. Moscow, 2010."]
