"""Section headings and the second-language front matter of a journal article, kept in the record.

Real text: the seed article (examples/corpus/002_…, a RUDN Journal article saved as Markdown), read
as it is and rebuilt as HTML and DOCX files (its headings as ``h1``–``h6`` and as Word heading
styles), so every reader's headings are checked against the source's own heading lines.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from opis.pipeline import process
from opis.readers import ReadOptions, read
from opis.readers.layouts.article import AUTHOR_INFO_RE, REFERENCES_RE
from opis.readers.layouts.common import clean_inline, one_line

ARTICLE = next((Path(__file__).parent.parent / "examples" / "corpus").glob("002_*.txt"))
OPTIONS = ReadOptions(isolate=False)
ATX = re.compile(r"^(#{1,6})\s+(.+)$", re.MULTILINE)


def _words(text: str) -> str:
    return one_line(clean_inline(text)).strip(" *").casefold()


def _body_headings(source: str, doc) -> list[tuple[int, str]]:
    """(level, words) of the source's heading lines that head a section of the body: not the
    article's titles (front matter), the reference list or the authors' notes."""
    titles = {_words(doc.title or "")} | {_words(a.title or "") for a in doc.alt_metadata}
    out = []
    for m in ATX.finditer(source):
        words = _words(m.group(2))
        if words in titles or REFERENCES_RE.match(words) or AUTHOR_INFO_RE.match(words):
            continue
        out.append((len(m.group(1)), words))
    return out


@pytest.fixture(scope="module")
def article():
    source = ARTICLE.read_text(encoding="utf-8")
    return source, process(read(ARTICLE, OPTIONS))


def _spans(doc) -> list[tuple[int, str]]:
    return [(h.level, _words(doc.text[h.start:h.end])) for h in doc.headings]


def test_markdown_headings_are_spans_of_the_text(article):
    source, doc = article
    expected = _body_headings(source, doc)
    assert len(expected) >= 3
    assert _spans(doc) == expected
    for h in doc.headings:  # each a paragraph of its own
        assert doc.text[:h.start].endswith(("\n\n", "")) and doc.text[h.end:h.end + 2] in ("\n\n", "")
        assert h.rule == "markdown.atx_heading"


def _as_html(source: str) -> str:
    """The article as an HTML page: ``#`` lines as ``h1``–``h6``, other blocks as paragraphs."""
    parts = []
    for block in re.split(r"\n\s*\n", source):
        m = re.match(r"^(#{1,6})\s+(.+)$", block.strip())
        if m:
            n = len(m.group(1))
            parts.append(f"<h{n}>{html.escape(clean_inline(m.group(2)))}</h{n}>")
        elif block.strip():
            parts.append(f"<p>{block.strip()}</p>")  # <sup> markers and Markdown kept as the text had them
    return "<!doctype html><html><head><title>t</title></head><body>" + "\n".join(parts) + "</body></html>"


def test_html_headings_keep_their_level(article, tmp_path):
    source, doc = article
    path = tmp_path / "article.html"
    path.write_text(_as_html(source), encoding="utf-8")
    got = process(read(path, OPTIONS))
    assert _spans(got) == _body_headings(source, doc)
    assert {h.rule for h in got.headings} == {f"html.h{level}" for level, _ in _body_headings(source, doc)}


def test_docx_heading_styles_become_headings(article, tmp_path):
    import docx

    source, doc = article
    d = docx.Document()
    for block in re.split(r"\n\s*\n", source):
        m = re.match(r"^(#{1,6})\s+(.+)$", block.strip())
        if m:
            # Word's Title is the top level and its "Heading n" the level below (as "#" and "##" + ...)
            d.add_heading(one_line(clean_inline(m.group(2))), level=len(m.group(1)) - 1)
        elif block.strip():
            d.add_paragraph(one_line(block))
    d.save(tmp_path / "article.docx")
    got = process(read(tmp_path / "article.docx", OPTIONS))
    assert _spans(got) == _body_headings(source, doc)
    assert {h.rule for h in got.headings} == {"docx.heading_style"}


def test_headings_follow_the_text_through_boilerplate_removal(article, tmp_path):
    """The article with site chrome left in its body ('Share' lines, which the article layout keeps
    and the boilerplate stage removes): the heading spans stay on the headings' words."""
    from opis.pipeline.boilerplate import boilerplate_spans

    source, doc = article
    page = tmp_path / "page.md"
    page.write_text(source.replace("\n### ", "\nShare\n\n### ").replace("\n## Conclusion", "\nPrint\n\n## Conclusion"),
                    encoding="utf-8")
    raw = read(page, OPTIONS)
    assert boilerplate_spans(raw.text)  # the stage has something to remove
    got = process(raw)
    assert "Share" not in got.text.split("\n\n") and got.text == doc.text
    assert _spans(got) == _body_headings(source, doc)


def test_plain_text_without_markup_has_no_headings():
    page = Path(__file__).parent / "data" / "formats" / "nkvd_report_ru.txt"
    assert process(read(page, OPTIONS)).headings == []


# --- the second language ----------------------------------------------------------------------


def _labelled(source: str, labels: tuple[str, ...]) -> str:
    m = re.search(r"^\*\*(?:" + "|".join(labels) + r"):\*\*\s*(.+)$", source, re.MULTILINE)
    assert m
    return one_line(clean_inline(m.group(1)))


def test_second_language_title_abstract_keywords(article):
    source, doc = article
    (alt,) = doc.alt_metadata
    assert alt.lang == "ru"
    titles = [_words(m.group(2)) for m in ATX.finditer(source) if re.search("[А-Яа-я]", m.group(2))]
    assert _words(alt.title) == titles[0]
    assert alt.abstract == _labelled(source, ("Аннотация",))
    assert alt.abstract != doc.abstract and doc.abstract == _labelled(source, ("Abstract",))
    ru_keywords = _labelled(source, ("Ключевые слова",))
    assert alt.keywords and all(k in ru_keywords for k in alt.keywords)
    assert not set(alt.keywords) & set(doc.keywords)
    page = source
    for key in ("title", "abstract", "keywords"):  # each value names its rule and its span in the page
        fs = doc.field_source(f"alt_metadata.{key}")
        assert fs.rule.startswith("article.second_language.")
        assert fs.quote == page[fs.start:fs.end]
        assert one_line(clean_inline(fs.quote)).lstrip("# ") == fs.value


def test_one_language_article_has_no_second_language(tmp_path):
    """The same article without its Russian front matter: nothing in the second language, and the
    record's own title, abstract and keywords unchanged."""
    source = ARTICLE.read_text(encoding="utf-8")
    start = source.index("## Казахско")
    end = source.index("### Introduction")
    path = tmp_path / "english_only.md"
    path.write_text(source[:start] + source[end:], encoding="utf-8")
    doc = process(read(path, OPTIONS))
    full = process(read(ARTICLE, OPTIONS))
    assert doc.alt_metadata == []
    assert (doc.title, doc.abstract, doc.keywords) == (full.title, full.abstract, full.keywords)


def test_odt_and_plain_layout_headings(tmp_path):
    """An ODT transcription (``text:h``, read by the plain layout): its heading is a span with the
    ODT rule, and the text under it is not one."""
    from test_formats_docx import CONTENT_XML, make_odt

    written = re.findall(r"<text:h[^>]*>(.*?)</text:h>", CONTENT_XML)
    doc = process(read(make_odt(tmp_path / "report.odt"), OPTIONS))
    assert [(doc.text[h.start:h.end], h.rule) for h in doc.headings] == [(w, "odt.heading") for w in written]


def test_second_language_at_the_end(tmp_path):
    """The same article as journals print it that give the other language at the end: its Russian
    block moved after the reference list. The same second-language values, the same body and
    references, and the block is not read as a reference."""
    source = ARTICLE.read_text(encoding="utf-8")
    start, end = source.index("## Казахско"), source.index("### Introduction")
    block = source[start:end]
    tail = source.index("### Information about the authors")
    moved = source[:start] + source[end:tail] + "\n\n" + block + "\n\n" + source[tail:]
    path = tmp_path / "russian_at_the_end.md"
    path.write_text(moved, encoding="utf-8")
    got, full = process(read(path, OPTIONS)), process(read(ARTICLE, OPTIONS))
    assert got.alt_metadata == full.alt_metadata and got.alt_metadata
    assert got.text == full.text and got.bibliography == full.bibliography
    fs = got.field_source("alt_metadata.abstract")
    assert fs.quote == moved[fs.start:fs.end] and fs.start > moved.index("## References")


def test_second_language_first(tmp_path):
    """The same article with its Russian block first: the record is the Russian article (its title,
    abstract and keywords), the English block its second language."""
    source = ARTICLE.read_text(encoding="utf-8")
    en, ru, intro = source.index("## Kazakh-Xinjiang"), source.index("## Казахско"), source.index("### Introduction")
    path = tmp_path / "russian_first.md"
    path.write_text(source[:en] + source[ru:intro] + "\n\n" + source[en:ru] + source[intro:], encoding="utf-8")
    got, full = process(read(path, OPTIONS)), process(read(ARTICLE, OPTIONS))
    (alt,) = got.alt_metadata
    (ru_alt,) = full.alt_metadata
    assert alt.lang == "en"
    assert (alt.title, alt.abstract, alt.keywords) == (full.title, full.abstract, full.keywords)
    assert (got.title, got.abstract, got.keywords) == (ru_alt.title, ru_alt.abstract, ru_alt.keywords)


def test_headings_and_second_language_round_trip_through_the_store(article, tmp_path):
    """The record with its heading spans and second-language block is read back from the store
    exactly as it was written (the JSON of ``opis show --json``, key for key)."""
    import json

    from opis.model import Document
    from opis.store import Store

    _, doc = article
    assert doc.headings and doc.alt_metadata
    want = json.dumps(doc.to_dict(), ensure_ascii=False)
    with Store(tmp_path / "rt.db") as store:
        store.write(Document.from_dict(json.loads(want)))
        assert json.dumps(store.get_dict(doc.id), ensure_ascii=False) == want
        back = store.get(doc.id)
    assert back.headings == doc.headings and back.alt_metadata == doc.alt_metadata


def test_tei_sections_open_at_the_record_headings(article):
    """The TEI body has one ``div``/``head`` per heading span of the record, with its words."""
    from lxml import etree

    from opis.export import exporters

    _, doc = article
    tree = etree.fromstring(exporters()["tei"].render(doc).encode("utf-8"))
    ns = {"t": "http://www.tei-c.org/ns/1.0"}
    heads = ["".join(h.itertext()) for h in tree.findall(".//t:body//t:head", ns)]
    assert heads == [doc.text[h.start:h.end] for h in doc.headings]
