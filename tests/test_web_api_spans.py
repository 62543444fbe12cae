"""The span renderer and snippet highlighter: escaping, overlaps, links that never nest."""

from __future__ import annotations

from html.parser import HTMLParser

from opis.web.snippets import snippet_html
from opis.web.spans import Span, render_spans, render_text


class TagChecker(HTMLParser):
    """Fails on mis-nested tags; records nested <a> and the text content."""

    VOID = {"br", "img", "hr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.text: list[str] = []
        self.nested_links = 0
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        if tag == "a" and "a" in self.stack:
            self.nested_links += 1
        self.stack.append(tag)
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes {self.stack}"
        self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


def check(html: str) -> TagChecker:
    p = TagChecker()
    p.feed(html)
    p.close()
    assert p.stack == [], f"unclosed {p.stack}"
    return p


HOSTILE = 'Report <script>alert("x")</script> from Chuguchak [Tacheng] & "Ili" <img src=x onerror=alert(1)>'


def test_hostile_text_is_escaped_and_text_preserved():
    start = HOSTILE.index("Chuguchak")
    rec = {
        "text": HOSTILE,
        "mentions": [{"start": start, "end": start + 9, "surface": "Chuguchak", "type": "PLACE", "entity_id": 'place:x"><script>'}],
        "apparatus": [{"kind": "gloss", "start": start + 10, "end": start + 19, "text": "[Tacheng]", "content": "Tacheng"}],
    }
    html = str(render_text(rec))
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;" in html and "&amp;" in html
    parsed = check(html)
    assert "".join(parsed.text) == HOSTILE  # every character kept, in order
    link = next(attrs for tag, attrs in parsed.tags if tag == "a")
    assert link["data-entity"] == 'place:x"><script>'  # attribute value escaped, not broken out of
    assert link["href"].startswith("/entities/") and "<" not in link["href"] and '"' not in link["href"]


def test_crossing_spans_are_closed_and_reopened():
    text = "abcdefghij"
    spans = [Span(0, 6, "span", (("class", "one"),)), Span(3, 9, "span", (("class", "two"),))]
    html = str(render_spans(text, spans))
    parsed = check(html)
    assert "".join(parsed.text) == text
    classes = [attrs.get("class") for tag, attrs in parsed.tags]
    assert classes.count("two") == 2  # split where "one" ends
    assert html.startswith('<span class="one">abc<span class="two">def</span></span><span class="two">ghi</span>')


def test_links_never_nest_and_zero_or_out_of_range_spans_are_ignored():
    text = "Ili District of Xinjiang"
    spans = [
        Span(0, 12, "a", (("href", "/entities/place:ili"), ("class", "m"))),
        Span(0, 3, "a", (("href", "/entities/place:ili-river"), ("class", "m"))),
        Span(5, 5, "span", (("class", "empty"),)),
        Span(20, 99, "span", (("class", "outside"),)),
        Span(None, None, "span", (("class", "nospan"),)),
    ]
    html = str(render_spans(text, spans))
    parsed = check(html)
    assert parsed.nested_links == 0
    assert 'href="/entities/place:ili-river"' not in html  # inner link kept as a span
    assert "empty" not in html and "outside" not in html and "nospan" not in html
    assert "".join(parsed.text) == text


def test_note_anchor_links_marker_or_inserts_one():
    text = "Border crossed in 1931.12 Later events."
    anchor = text.index("12")
    rec = {"text": text, "notes": [{"n": 12, "text": "GARF, f. 1, op. 2, d. 3.", "anchor": anchor},
                                   {"n": 13, "text": "Ibid.", "anchor": len(text)}]}
    html = str(render_text(rec))
    check(html)
    assert '<sup><a href="#fn-12" id="fnref-12"' in html
    assert html.count(">12<") == 1  # the marker in the text became the link, not duplicated
    assert '<a href="#fn-13" id="fnref-13"' in html  # no marker in the text: one is inserted


def test_mentions_in_footnotes_are_not_drawn_on_the_body():
    rec = {"text": "Tacheng and Kuldja", "mentions": [
        {"start": 0, "end": 7, "surface": "Tacheng", "type": "PLACE", "entity_id": "place:tacheng", "note": 4},
        {"start": 12, "end": 18, "surface": "Kuldja", "type": "PLACE", "entity_id": "place:yining"},
        {"start": None, "end": None, "surface": "L. Beria", "type": "PERSON", "entity_id": "person:lavrentiy-beria", "source": "metadata"},
    ]}
    html = str(render_text(rec))
    assert "place:tacheng" not in html and 'href="/entities/place:yining"' in html and "beria" not in html


def test_snippet_keeps_only_highlight_marks():
    html = str(snippet_html("the <mark>Tacheng</mark> <b>bold</b> <script>x</script>"))
    assert "<mark>Tacheng</mark>" in html
    assert "<script>" not in html and "&lt;script&gt;" in html and "&lt;b&gt;" in html
    assert str(snippet_html("<i>plain</i>")) == "&lt;i&gt;plain&lt;/i&gt;"


def test_snippet_from_search_html_is_not_escaped_twice():
    html = str(snippet_html("Ili &amp; <mark>Tacheng</mark> &lt;b&gt;"))
    assert html == "Ili &amp; <mark>Tacheng</mark> &lt;b&gt;"
    assert str(snippet_html("<mark><mark>x</mark></mark> <mark>open")) == "<mark>x</mark> <mark>open</mark>"
