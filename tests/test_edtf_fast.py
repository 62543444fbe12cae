"""The fast EDTF bounds agree with the ``edtf`` library on every common form (property test)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from opis.metadata.dates import bounds, fast_bounds, library_bounds

QUALIFIER = st.sampled_from(["", "~", "?", "%"])
YEAR = st.integers(min_value=1000, max_value=9999).map(lambda y: f"{y:04d}")
# months and days past the calendar's (00, 13, 21-24 seasons, 30 February) are generated too:
# the fast path must then give way to the library, never answer differently
MONTH = st.integers(min_value=0, max_value=24).map(lambda m: f"{m:02d}")
DAY = st.integers(min_value=0, max_value=32).map(lambda d: f"{d:02d}")


@st.composite
def simple(draw) -> str:
    """YYYY, YYYY-MM or YYYY-MM-DD, perhaps with a qualifier."""
    parts = [draw(YEAR)]
    depth = draw(st.integers(min_value=0, max_value=2))
    if depth >= 1:
        parts.append(draw(MONTH))
    if depth == 2:
        parts.append(draw(DAY))
    return "-".join(parts) + draw(QUALIFIER)


MASKED = st.one_of(
    st.integers(min_value=100, max_value=999).map(lambda d: f"{d}X"),
    st.integers(min_value=10, max_value=99).map(lambda c: f"{c}XX"),
)
COMMON = st.one_of(simple(), st.tuples(simple(), simple()).map("/".join), MASKED)


@settings(max_examples=400, deadline=None)
@given(COMMON)
def test_fast_bounds_agree_with_the_library(value):
    fast = fast_bounds(value)
    if fast is not None:  # when the fast path answers, the library gives the same bounds
        assert fast == library_bounds(value), value
    assert bounds(value) == library_bounds(value), value


@settings(max_examples=200, deadline=None)
@given(st.one_of(simple(), st.tuples(simple(), simple()).map("/".join), MASKED))
def test_valid_common_forms_take_the_fast_path(value):
    if library_bounds(value) is not None and all(_real_calendar(p) for p in value.split("/")):
        assert fast_bounds(value) is not None, value


def _real_calendar(part: str) -> bool:
    import calendar

    bits = part.rstrip("~?%").split("-")
    if "X" in bits[0] or len(bits) == 1:
        return True
    month = int(bits[1])
    if not 1 <= month <= 12:
        return False
    return len(bits) == 2 or 1 <= int(bits[2]) <= calendar.monthrange(int(bits[0]), month)[1]


def test_other_forms_still_go_to_the_library():
    assert fast_bounds("1945-21") is None and bounds("1945-21") == ("1945-03-01", "1945-05-31")  # a season
    assert bounds("0999") == library_bounds("0999")
    assert bounds("19X5") == library_bounds("19X5")
    assert bounds("not a date") is None
    assert bounds("1945/..") is None  # an open interval has no strict upper bound
