"""EDTF dates in words (opis.metadata.human_dates): every form opis writes reads as words, never
as EDTF syntax, and sorts by what the source says (property tests, checked against the ``edtf``
library's bounds)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from opis.metadata.dates import library_bounds, parse_date
from opis.metadata.human_dates import human, sort_key, year_of

pytestmark = pytest.mark.unit

QUALIFIER = st.sampled_from(["", "~", "?", "%"])
YEAR = st.integers(min_value=1000, max_value=2100)


@st.composite
def day_month_year(draw) -> str:
    """YYYY, YYYY-MM, YYYY-MM-DD (a real calendar day) or a season YYYY-21..24."""
    y = draw(YEAR)
    depth = draw(st.sampled_from(["year", "month", "day", "season"]))
    if depth == "year":
        return f"{y:04d}"
    if depth == "season":
        return f"{y:04d}-{draw(st.integers(21, 24))}"
    m = draw(st.integers(1, 12))
    if depth == "month":
        return f"{y:04d}-{m:02d}"
    return f"{y:04d}-{m:02d}-{draw(st.integers(1, 28)):02d}"


SIMPLE = st.tuples(day_month_year(), QUALIFIER).map("".join)
INTERVAL = st.tuples(day_month_year(), day_month_year()).map(lambda ab: "/".join(sorted(ab)))
OPEN = st.one_of(day_month_year().map(lambda a: a + "/.."), day_month_year().map(lambda b: "../" + b))
MASKED = st.one_of(st.integers(100, 209).map(lambda d: f"{d}X"), st.integers(10, 20).map(lambda c: f"{c}XX"))
WRITTEN = st.one_of(SIMPLE, INTERVAL, OPEN, MASKED)
RAW = re.compile(r"[~%/]|\d{4}-\d{2}|\dX|\.\.")  # EDTF syntax a reader should never see


@settings(max_examples=500, deadline=None)
@given(WRITTEN)
def test_every_written_form_reads_as_words(edtf):
    words = human(edtf)
    assert words and not RAW.search(words), (edtf, words)
    for year in re.findall(r"\d{4}", edtf):  # every year the date names is said
        if "X" not in edtf:
            assert year in words, (edtf, words)


@settings(max_examples=500, deadline=None)
@given(st.one_of(SIMPLE, INTERVAL, MASKED))
def test_sort_key_is_the_start_of_what_the_source_says(edtf):
    plain = re.sub(r"[~?%]", "", edtf)  # the stated date, without its qualifier
    start = library_bounds(plain)
    assert start is not None
    assert sort_key(edtf, "0001-01-01") == start[0]
    assert year_of(edtf) == start[0][:4]


@pytest.mark.parametrize(("edtf", "words"), [
    ("1925-22", "summer 1925"), ("1913~", "c. 1913"), ("1945-09-05", "September 5, 1945"),
    ("1945-08-16/1945-08-31", "August 16–31, 1945"), ("1920/1939", "1920–1939"), ("196X", "1960s"),
    ("1962-04-22/1962-05-03", "April 22 – May 3, 1962"), ("../1945", "until 1945"), ("1932-21", "spring 1932"),
])
def test_examples_a_reader_expects(edtf, words):
    assert human(edtf) == words


def test_dates_from_source_wordings_read_back_as_words():
    """What the date parser writes for a source's wording comes back as words (no raw EDTF)."""
    for text in ("summer 1925", "ca. 1913", "May 2026", "1930–1933", "5 September 1945"):
        value = parse_date(text)
        assert value is not None and value.edtf
        assert not RAW.search(human(value.edtf)), (text, value.edtf, human(value.edtf))


def test_approximate_year_sorts_and_groups_with_its_year():
    # a claim's "1925~" is searchable from 1924 (widened bounds) but listed under 1925
    assert year_of("1925~", "1924-01-01") == "1925"
    assert sort_key("1925~", "1924-01-01") > sort_key("1924-11", "1924-11-01")
    assert sort_key("1925~", "1924-01-01") < sort_key("1925-22", "1925-06-01")


def test_what_is_not_edtf_is_left_alone():
    assert human("around the war") == "around the war"
    assert human(None) == "" and year_of(None) is None and sort_key(None) == "~"
    assert sort_key("../1945", "1940-01-01") == "1940-01-01"
