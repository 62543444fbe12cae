"""The search query language: what parses, and every way a query can be malformed."""

from __future__ import annotations

import pytest

from opis.errors import QuerySyntaxError
from opis.search import dates
from opis.search.plan import build_plan
from opis.search.query import (
    MAX_DEPTH,
    MAX_PREFIXES,
    MAX_TERMS,
    MAX_WORD,
    And,
    DateRange,
    Field,
    Not,
    Or,
    Phrase,
    Word,
    caret_lines,
    parse,
)


def test_words_are_anded_and_or_binds_looser():
    node = parse("Tacheng border OR Ili")
    assert isinstance(node, Or)
    left, right = node.children
    assert isinstance(left, And) and [w.text for w in left.children] == ["Tacheng", "border"]
    assert right == Word("Ili", 18)


def test_phrase_prefix_not_and_groups():
    node = parse('"border guards" Chugu* -Moscow NOT (Harbin OR Mukden)')
    assert isinstance(node, And)
    phrase, prefix, minus, not_group = node.children
    assert phrase == Phrase("border guards", 0)
    assert prefix == Word("Chugu", 16, prefix=True)
    assert isinstance(minus, Not) and minus.child == Word("Moscow", 24)
    assert isinstance(not_group, Not) and isinstance(not_group.child, Or)


def test_lower_case_operators_are_words():
    node = parse("war and peace")
    assert [w.text for w in node.children] == ["war", "and", "peace"]


def test_field_filters_and_quoted_values():
    node = parse('place:Tacheng person:"Zhang Hanfu" archive:RGASPI fond:558 lang:ru class:secret '
                 "type:telegram translator:Goldberg")
    fields = {c.name: c.value for c in node.children}
    assert fields == {"place": "Tacheng", "person": "Zhang Hanfu", "archive": "RGASPI", "fond": "558",
                      "lang": "ru", "class": "secret", "type": "telegram", "translator": "Goldberg"}
    assert all(isinstance(c, Field) for c in node.children)


@pytest.mark.parametrize(
    "value, earliest, latest",
    [
        ("1945", "1945-01-01", "1945-12-31"),
        ("1945-08", "1945-08-01", "1945-08-31"),
        ("1944-02", "1944-02-01", "1944-02-29"),
        ("1945-08-16", "1945-08-16", "1945-08-16"),
        ("1945..1962", "1945-01-01", "1962-12-31"),
        ("1945-08..1946", "1945-08-01", "1946-12-31"),
        ("..1930", None, "1930-12-31"),
        ("1960..", "1960-01-01", None),
        ("1940s", "1940-01-01", "1949-12-31"),
    ],
)
def test_dates(value, earliest, latest):
    node = parse(f"date:{value}")
    assert isinstance(node, DateRange)
    assert (node.earliest, node.latest) == (earliest, latest)


def test_punctuation_only_words_are_skipped():
    assert parse("Stalin ?") == Word("Stalin", 0)


ERRORS = [
    ("", "empty query", 0),
    ("   ", "empty query", 0),
    ("!!! ???", "no searchable words", 0),
    ('"border guards', "unclosed quote", 0),
    ('Ili "  "', "empty phrase", 4),
    ("(Ili OR Yili", "unclosed '('", 0),
    ("Ili)", "unexpected ')'", 3),
    ("Ili () Yili", "empty parentheses", 4),
    ("AND Ili", "'AND' needs a term before it", 0),
    ("Ili OR", "'OR' needs a term after it", 4),
    ("Ili AND OR Yili", "'AND' needs a term after it", 4),
    ("Ili NOT", "'NOT' needs a term after it", 4),
    ("Ili - Yili", "'-' must be followed", 4),
    ("Ili --Yili", "'--' is not an operator", 4),
    ("NOT NOT Ili", "double negation", 4),
    ("-Ili", "only excludes", 0),
    ("NOT Ili -Yili", "only excluded terms", 0),
    ("(Ili OR Yili) OR -Tacheng", "cannot join an excluded term", 17),
    ("Ili OR (NOT Yili)", "cannot join an excluded term", 8),
    ("foo:bar", "unknown field 'foo:'", 0),
    ("Ili place:", "field 'place:' needs a value", 4),
    ("Ili *", "too short", 4),
    ("Ili a*", "too short", 4),
    ("Ch*guchak", "only at the end of a word", 2),
    ("date:45", "bad date '45'", 5),
    ("date:1945-13", "bad month", 5),
    ("date:1945-02-30", "bad day", 5),
    ("date:1962..1945", "ends before it starts", 5),
    ("date:..", "at least one end", 5),
    ("date:1945..19x", "bad date '19x'", 11),
    ("x " * 1001, "query too long", 2000),
    # limits (issue 14): each was a traceback before, now a positioned error
    ("(" * 300 + "x" + ")" * 300, "nested too deeply", 20),
    ("Ili " + "(" * 21 + "x" + ")" * 21, "nested too deeply", 24),
    ("a" * 999 + "*", "prefix too long (999 characters", 0),
    ("Ili " + "b" * 61, "word too long (61 characters", 4),
    ('Ili "border ' + "c" * 70 + '"', "word too long (70", 12),
    ("person:" + "d" * 80, "word too long (80", 7),
    ("\ufdfa" * 4 + "*", "72 once folded", 0),
    (" ".join(f"w{i}" for i in range(101)), "too many terms", 390),
    (" ".join(f"p{i}*" for i in range(21)), "too many prefix terms", 90),
    ("date:10000", "year out of range", 5),
    ("date:0000", "year out of range", 5),
    ("date:-0044", "year out of range", 5),
    ("date:1945..123456", "year out of range", 11),
    ("date:99999999999999999999999999", "year out of range", 5),
    ("date:1945-99999999999999999999", "bad date", 5),
    ("Ili\x00Yili", "control character U+0000", 3),
    ("Ili \x1b[31m", "control character U+001B", 4),
    ("Ili \ud800 Yili", "invalid character U+D800", 4),
    ("\udcff", "invalid character U+DCFF", 0),
    ('Ili "Yili', "unclosed quote", 4),
    ('"', "unclosed quote", 0),
    ("place:", "needs a value", 0),
    ('place:""', "empty phrase", 6),
    ("Place:Ili zz:top", "unknown field 'zz:'", 10),
    ("((Ili)", "unclosed '('", 0),
]


@pytest.mark.parametrize("query, message, position", ERRORS)
def test_every_error_names_the_problem_and_position(query, message, position):
    with pytest.raises(QuerySyntaxError) as err:
        parse(query)
    assert message in str(err.value)
    assert err.value.position == position
    assert "\n" not in str(err.value)
    assert err.value.query == query
    assert len(str(err.value)) < 400  # a long query is cut around the problem


@pytest.mark.parametrize("value, earliest, latest", [
    ("9999", "9999-01-01", "9999-12-31"),
    ("9999-12-31", "9999-12-31", "9999-12-31"),
    ("9990s", "9990-01-01", "9999-12-31"),
    ("0000s", "0001-01-01", "0009-12-31"),
    ("0001", "0001-01-01", "0001-12-31"),
    ("..0500", None, "0500-12-31"),
])
def test_dates_at_the_ends_of_the_calendar(value, earliest, latest):
    """Years 1-9999 all parse and give date terms (date:9999 was an OverflowError)."""
    node = parse(f"date:{value}")
    assert (node.earliest, node.latest) == (earliest, latest)
    terms = build_plan(f"date:{value}").root.alts
    assert terms and all(len(t) == 1 for t in terms)


def test_open_date_range_reaches_before_year_1000():
    """An open range starts at year 1, so a document dated 0800 is in date:..0900."""
    doc = set(dates.doc_terms("0800-01-01", "0800-12-31"))
    assert doc & set(dates.query_terms(None, "0900-12-31"))
    assert not doc & set(dates.query_terms("0801-01-01", None))
    late = set(dates.doc_terms("9999-12-01", "9999-12-31"))  # the last days index without overflow
    assert late & set(dates.query_terms("9999-12-31", None))


def test_limits_are_inclusive():
    """A query at each limit still parses: the limits cut only what is over them."""
    parse("(" * MAX_DEPTH + "Ili" + ")" * MAX_DEPTH)
    parse(" ".join(f"w{i}" for i in range(MAX_TERMS)))
    parse(" ".join(f"p{i}*" for i in range(MAX_PREFIXES)))
    parse("a" * MAX_WORD + "*")
    parse("塔城" * 500)  # a Chinese run is indexed as character pairs: no word limit


def test_caret_lines_point_at_the_problem():
    shown, caret = caret_lines("Ili \x00 Yili", 4)
    assert shown == "Ili ? Yili" and caret == "    ^"
    shown, caret = caret_lines("塔城 foo:x", 3)  # two columns per Chinese character
    assert caret == " " * 5 + "^"
    long = "w " * 500 + "zz:top"
    shown, caret = caret_lines(long, 1000)
    assert len(shown) <= 70 and shown[len(caret) - 1 :].startswith("zz:top")


# --- the issue-14 reproducers end to end: exit code 2 on the CLI, a 400 JSON body on the API ---
REPRODUCERS = [
    ("date:9999", None),  # was OverflowError: now a valid query (the last year of the calendar)
    ("(" * 300 + "Tacheng" + ")" * 300, "nested too deeply"),  # was RecursionError
    ("a" * 999 + "*", "prefix too long"),  # was tantivy's "regex exceeds size limit"
    ("Tacheng\x00", "control character"),
    ("Tacheng \udcff", "invalid character"),
    ("date:99999", "year out of range"),
    ('"Tacheng', "unclosed quote"),
]


@pytest.mark.parametrize("backend", ["tantivy", "fts5"])
@pytest.mark.parametrize("query, message", REPRODUCERS)
def test_cli_answers_a_bad_query_with_one_line_and_exit_code_2(seed_db, query, message, backend):
    from click.testing import CliRunner

    from opis.cli import cli

    out = CliRunner().invoke(cli, ["search", query, "--db", str(seed_db.path), "--backend", backend])
    if message is None:
        assert out.exit_code == 0, out.output
        assert "documents" in out.output
        return
    assert out.exit_code == 2, out.output
    assert out.exception is None or isinstance(out.exception, SystemExit)
    errors = [line for line in out.output.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1 and message in errors[0] and "Traceback" not in out.output


@pytest.mark.parametrize("query, message", [r for r in REPRODUCERS if r[1] and "\udcff" not in r[0]])
def test_api_answers_a_bad_query_with_a_400_json_body(seed_db, query, message):
    from fastapi.testclient import TestClient

    from opis.web import create_app

    r = TestClient(create_app(seed_db.path)).get("/api/search", params={"q": query})
    assert r.status_code == 400, r.text
    assert r.json()["error"] == "query_syntax" and message in str(r.json())
