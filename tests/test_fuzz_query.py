"""Fuzz the query language: any string parses, plans and runs, or fails with a QuerySyntaxError.

Run long with ``make fuzz`` (see tests/fuzz_profiles.py).
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fuzz_profiles import fuzz, time_limit
from opis.errors import QuerySyntaxError
from opis.search import search
from opis.search.plan import build_plan
from opis.search.query import FIELDS

# pieces of the language, so that generated queries get past the lexer into the parser,
# the planner and the engines (where the issue-14 crashes were)
_WORDS = ["Tacheng", "Chuguchak", "Ili", "Moscow", "border", "refugees", "Чугучак", "塔城", "Stalin",
          "a", "x", "1945", "000", "ß", "ﷺ", "İ", "ǅ", "١٢٣", "e\u0301", "n°", "war-time", "O'Neil"]
_DATES = ["1945", "1945-08", "1945-08-16", "1940s", "0000s", "9990s", "9999", "9999-12-31", "0001",
          "1945..1962", "..1950", "1950..", "..", "10000", "1945-13", "1945-02-30", "-44", "19x", ""]
_PIECES = st.one_of(
    st.sampled_from(_WORDS),
    st.sampled_from(_WORDS).map(lambda w: w + "*"),
    st.sampled_from(["AND", "OR", "NOT", "-", "&&", "||", "(", ")", '"', "*", ":", "..", "--", "and"]),
    st.builds(lambda f, v: f"{f}:{v}", st.sampled_from([*FIELDS, "Place", "zz", "DATE"]),
              st.one_of(st.sampled_from(_WORDS), st.sampled_from(_DATES))),
    st.sampled_from(_DATES).map(lambda d: "date:" + d),
    st.builds(lambda n: "(" * n, st.integers(1, 40)),
    st.builds(lambda n: ")" * n, st.integers(1, 40)),
    st.builds(lambda c, n: c * n, st.sampled_from(["a", "塔", "ﷺ", "9", "-"]), st.integers(50, 1100)),
    st.text(max_size=8),
)
QUERIES = st.lists(_PIECES, max_size=40).flatmap(
    lambda parts: st.lists(st.sampled_from([" ", "", "  ", "\t", "\n", "\x00", "-"]), min_size=len(parts),
                           max_size=len(parts)).map(lambda seps: "".join(s + p for s, p in zip(seps, parts, strict=True))))
ANY_TEXT = st.one_of(st.text(max_size=300), st.text(alphabet=st.characters(codec=None), max_size=2500))


def _plan_or_syntax_error(query: str) -> None:
    try:
        with time_limit(10):
            plan = build_plan(query)
    except QuerySyntaxError as exc:
        assert exc.position is None or 0 <= exc.position <= len(query)
        assert "\n" not in str(exc) and len(str(exc)) < 600
        return
    assert plan.root is not None


@fuzz(300)
@given(ANY_TEXT)
def test_any_text_plans_or_is_a_syntax_error(query):
    _plan_or_syntax_error(query)


@fuzz(300)
@given(QUERIES)
def test_query_like_text_plans_or_is_a_syntax_error(query):
    _plan_or_syntax_error(query)


@pytest.mark.parametrize("backend", ["tantivy", "fts5"])
@fuzz(60)
@given(query=st.one_of(QUERIES, ANY_TEXT))
def test_any_query_runs_or_is_a_syntax_error(seed_db, backend, query):
    """Through the engines too: the 999-character prefix failed in tantivy, not in the parser."""
    try:
        with time_limit(20):
            result = search(seed_db, query, limit=3, backend=backend)
    except QuerySyntaxError:
        return
    assert result.total >= len(result.hits)
