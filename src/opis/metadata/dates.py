"""The date of a document as its page states it ("September 5, 1945", "5 сентября 1945 г.",
"May 2026", "ca. 1920", "1930–1933") -> ``DateValue`` (EDTF + ISO bounds + precision).

Written EDTF is checked and bounded with the ``edtf`` library; forms the patterns here do not
know fall back to ``dateparser`` (English and Russian) when the text names a day or a month.
"""

from __future__ import annotations

import re
import time
from functools import cache, lru_cache

from opis.model import DateValue

MONTHS_EN = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
}
ROMAN_MONTHS = {r: i for i, r in enumerate(["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"], 1)}
SEASONS = {"spring": 21, "summer": 22, "autumn": 23, "fall": 23, "winter": 24}  # EDTF level-1 codes
# Russian month names in every case form, by stem.
MONTHS_RU = [
    ("январ", 1), ("янв", 1), ("феврал", 2), ("фев", 2), ("март", 3), ("мар", 3), ("апрел", 4),
    ("апр", 4), ("ма", 5), ("июн", 6), ("июл", 7), ("август", 8), ("авг", 8), ("сентябр", 9),
    ("сен", 9), ("октябр", 10), ("окт", 10), ("ноябр", 11), ("ноя", 11), ("декабр", 12), ("дек", 12),
]
_MONTH_WORD = r"[A-Za-zА-Яа-яЁё]{3,9}\.?"
_YEAR = r"(1[0-9]{3}|20[0-9]{2})"
_YEAR_SUFFIX = r"(?:\s*(?:г\.|года|год))?"
_APPROX = r"(?:c\.|ca\.|circa|approximately|about|around|ок\.|около|примерно)\s*"

PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")),
    ("dmy_dots", re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})" + _YEAR_SUFFIX + r"$")),
    # a Roman-numeral month, as Soviet and East European papers write dates: '15/X. 1918', '24.X.1962'
    ("dmy_roman", re.compile(r"^(\d{1,2})\s*[./]\s*(XII|XI|X|IX|VIII|VII|VI|V|IV|III|II|I)\s*[./]?\s*(\d{4})" + _YEAR_SUFFIX + r"$")),
    ("mdy", re.compile(r"^(" + _MONTH_WORD + r")\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+" + _YEAR + r"$")),
    ("dmy", re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(" + _MONTH_WORD + r"),?\s+" + _YEAR + _YEAR_SUFFIX + r"$")),
    ("my", re.compile(r"^(" + _MONTH_WORD + r"),?\s+" + _YEAR + _YEAR_SUFFIX + r"$")),
    ("range_days", re.compile(r"^(\d{1,2})\s*[-–—]\s*(\d{1,2})\s+(" + _MONTH_WORD + r"),?\s+" + _YEAR + _YEAR_SUFFIX + r"$")),
    ("range_years", re.compile(r"^" + _YEAR + r"\s*[-–—/]\s*" + _YEAR + _YEAR_SUFFIX + r"$")),
    ("season", re.compile(r"^(spring|summer|autumn|fall|winter),?\s+(?:of\s+)?" + _YEAR + r"$", re.IGNORECASE)),
    ("decade", re.compile(r"^(1[0-9]{2}|20[0-9])0(?:'?s|-е(?:\s*гг?\.)?)$")),
    ("year", re.compile(r"^" + _YEAR + _YEAR_SUFFIX + r"$")),
]


def month_number(word: str) -> int | None:
    """The month number (1-12) of an English or Russian month name or stem (a trailing dot allowed), or None."""
    w = word.lower().rstrip(".")
    if w in MONTHS_EN:
        return MONTHS_EN[w]
    for stem, n in MONTHS_RU:
        if w.startswith(stem) and (stem != "ма" or w in ("май", "мая", "мае", "маю", "маем")):
            return n
    return None


# The forms opis writes nearly always: a year, month or day (a qualifier ~ ? % after it changes no
# strict bound), an interval of two of them, a decade or century with X. Years 1000-9999 only:
# before 1000 the library's bounds are not zero-padded, and those rare forms go to it.
_SIMPLE = r"([1-9]\d{3})(?:-(\d{2})(?:-(\d{2}))?)?[~?%]?"
_SIMPLE_RE = re.compile(_SIMPLE)
_INTERVAL_RE = re.compile(_SIMPLE + "/" + _SIMPLE)
_MASKED_RE = re.compile(r"([1-9]\d{2})X|([1-9]\d)XX")


def _simple_bounds(y: str, m: str | None, d: str | None) -> tuple[str, str] | None:
    """(earliest, latest) of a year, month or day; None when the month or day does not exist."""
    import calendar

    year = int(y)
    if m is None:
        return f"{y}-01-01", f"{y}-12-31"
    month = int(m)
    if not 1 <= month <= 12:
        return None  # a season (21-24) or no month
    last = calendar.monthrange(year, month)[1]
    if d is None:
        return f"{y}-{m}-01", f"{y}-{m}-{last:02d}"
    if not 1 <= int(d) <= last:
        return None
    return f"{y}-{m}-{d}", f"{y}-{m}-{d}"


def fast_bounds(edtf_string: str) -> tuple[str, str] | None:
    """Bounds of the common EDTF forms without a parser (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``,
    each perhaps with ``~ ? %``, an interval of two of them, ``YYYX``, ``YYXX``); None for any
    other string (then :func:`bounds` asks the ``edtf`` library, which agrees on these forms)."""
    m = _SIMPLE_RE.fullmatch(edtf_string)
    if m:
        return _simple_bounds(*m.groups())
    m = _INTERVAL_RE.fullmatch(edtf_string)
    if m:
        a, b = _simple_bounds(*m.groups()[:3]), _simple_bounds(*m.groups()[3:])
        return (a[0], b[1]) if a and b else None
    m = _MASKED_RE.fullmatch(edtf_string)
    if m:
        decade, century = m.groups()
        if decade:
            return f"{decade}0-01-01", f"{decade}9-12-31"
        return f"{century}00-01-01", f"{century}99-12-31"
    return None


@lru_cache(maxsize=1 << 16)
def bounds(edtf_string: str) -> tuple[str, str] | None:
    """ISO lower/upper bounds of an EDTF string (None when it is not valid EDTF).

    The common forms are bounded by :func:`fast_bounds` (microseconds); the rest by the ``edtf``
    library (its pyparsing grammar takes milliseconds a call); either way once per string."""
    found = fast_bounds(edtf_string)
    return found if found is not None else library_bounds(edtf_string)


def library_bounds(edtf_string: str) -> tuple[str, str] | None:
    """ISO lower/upper bounds of an EDTF string by the ``edtf`` library (None when not valid EDTF)."""
    from edtf import parse_edtf
    from edtf.parser.edtf_exceptions import EDTFParseException

    try:
        value = parse_edtf(edtf_string)
        lo, hi = value.lower_strict(), value.upper_strict()
        if lo is None or hi is None:
            return None
        return time.strftime("%Y-%m-%d", lo), time.strftime("%Y-%m-%d", hi)
    except (EDTFParseException, ValueError, TypeError, AttributeError, OverflowError):
        return None  # not EDTF, or an open interval ('1945/..') with no strict bound


def make(edtf_string: str, precision: str, text: str | None = None) -> DateValue | None:
    """A date from an EDTF string with its bounds, or None when the string cannot be read."""
    b = bounds(edtf_string)
    if b is None:
        return None
    return DateValue(edtf=edtf_string, earliest=b[0], latest=b[1], precision=precision, text=text)


def _valid_day(y: int, m: int, d: int) -> bool:
    import calendar

    return 1 <= m <= 12 and 1 <= d <= calendar.monthrange(y, m)[1]


def parse_date(text: str | None) -> DateValue | None:
    """Parse a stated date; None when the text is not a date (never a guess)."""
    if not text:
        return None
    s = re.sub(r"\s+", " ", text).strip().strip(".,;")
    approx = False
    m = re.match(r"^" + _APPROX, s, re.IGNORECASE)
    if m:
        approx = True
        s = s[m.end():]
    if s.endswith("?"):
        s = s.rstrip("?").strip()
        approx = True
    value = _parse_exact(s)
    if value is None:
        value = _parse_fallback(s)
    if value is None:
        return None
    if approx and value.edtf and "/" not in value.edtf:
        value = make(value.edtf + "~", value.precision or "year", value.text) or value
    value.text = text.strip()
    return value


def _parse_exact(s: str) -> DateValue | None:
    for kind, pat in PATTERNS:
        m = pat.match(s)
        if m:
            value = _from_parts(kind, m.groups())
            if value is not None:
                return value
    return None


def _from_parts(kind: str, g: tuple) -> DateValue | None:
    if kind == "iso":
        y, mo = int(g[0]), int(g[1])
        if g[2]:
            return make(f"{y:04d}-{mo:02d}-{int(g[2]):02d}", "day") if _valid_day(y, mo, int(g[2])) else None
        return make(f"{y:04d}-{mo:02d}", "month") if 1 <= mo <= 12 else None
    if kind == "dmy_roman":
        d, mo, y = int(g[0]), ROMAN_MONTHS[g[1]], int(g[2])
        return make(f"{y:04d}-{mo:02d}-{d:02d}", "day") if _valid_day(y, mo, d) else None
    if kind == "dmy_dots":
        d, mo, y = int(g[0]), int(g[1]), int(g[2])
        return make(f"{y:04d}-{mo:02d}-{d:02d}", "day") if _valid_day(y, mo, d) else None
    if kind in ("mdy", "dmy"):
        word, d = (g[0], int(g[1])) if kind == "mdy" else (g[1], int(g[0]))
        mo, y = month_number(word), int(g[2])
        if mo and _valid_day(y, mo, d):
            return make(f"{y:04d}-{mo:02d}-{d:02d}", "day")
        return None
    if kind == "my":
        mo = month_number(g[0])
        return make(f"{int(g[1]):04d}-{mo:02d}", "month") if mo else None
    if kind == "range_days":
        mo, y = month_number(g[2]), int(g[3])
        d1, d2 = int(g[0]), int(g[1])
        if mo and _valid_day(y, mo, d1) and _valid_day(y, mo, d2) and d1 < d2:
            return make(f"{y:04d}-{mo:02d}-{d1:02d}/{y:04d}-{mo:02d}-{d2:02d}", "interval")
        return None
    if kind == "range_years":
        y1, y2 = int(g[0]), int(g[1])
        return make(f"{y1:04d}/{y2:04d}", "interval") if y1 < y2 else None
    if kind == "season":
        code = SEASONS[g[0].lower()]
        return make(f"{int(g[1]):04d}-{code}", "season")
    if kind == "decade":
        return make(f"{g[0]}X", "decade")
    if kind == "year":
        return make(f"{int(g[0]):04d}", "year")
    return None


@cache
def _date_data_parser():
    from dateparser.date import DateDataParser

    return DateDataParser(languages=["en", "ru"], settings={"PREFER_DAY_OF_MONTH": "first"})


def _parse_fallback(s: str) -> DateValue | None:
    """dateparser for other wordings; only when the text names a month (no invented day/month)."""
    words = re.findall(r"[A-Za-zА-Яа-яЁё]+", s)
    if not re.search(_YEAR, s) or not any(month_number(w) for w in words) or len(s) > 40:
        return None
    try:
        data = _date_data_parser().get_date_data(s)
    except Exception:  # dateparser raises assorted errors on odd input
        return None
    if data is None or data.date_obj is None:
        return None
    dt, period = data.date_obj, data.period
    if period == "day":
        return make(dt.strftime("%Y-%m-%d"), "day")
    if period == "month":
        return make(dt.strftime("%Y-%m"), "month")
    return make(dt.strftime("%Y"), "year")


def find_date(text: str) -> DateValue | None:
    """The first stated date inside a longer string, e.g. '(May 2026)' in a citation."""
    month = r"[A-Za-zА-Яа-яЁё]{3,9}\.?"
    for pat in (
        r"(?:" + month + r"\s+\d{1,2},?\s+" + _YEAR + r")",
        r"(?:\d{1,2}\s+" + month + r",?\s+" + _YEAR + r")",
        r"(?:" + month + r",?\s+" + _YEAR + r")",
    ):
        for m in re.finditer(pat, text):
            value = parse_date(m.group(0))
            if value:
                return value
    return None
