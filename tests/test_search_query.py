"""The search query language: what parses, and every way a query can be malformed."""

from __future__ import annotations

import pytest

from opis.errors import QuerySyntaxError
from opis.search.query import And, DateRange, Field, Not, Or, Phrase, Word, parse


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
    ("x " * 1001, "query too long", 0),
]


@pytest.mark.parametrize("query, message, position", ERRORS)
def test_every_error_names_the_problem_and_position(query, message, position):
    with pytest.raises(QuerySyntaxError) as err:
        parse(query)
    assert message in str(err.value)
    assert err.value.position == position
    assert "\n" not in str(err.value)
