"""EDTF dates as a reader says them: ``1925-22`` → "summer 1925", ``1913~`` → "c. 1913".

Pure functions over the EDTF forms opis writes (Library of Congress EDTF levels 0 and 1): a
year, month or day (``1945``, ``1945-09``, ``1945-09-05``), perhaps qualified (``~``
approximate, ``?`` uncertain, ``%`` both), a season (``1925-21`` … ``1925-24``), an interval of
two of these (``1945-08-16/1945-08-31``, open ends ``..``), a decade or century (``196X``,
``19XX``). A string none of these forms match is returned as it is (never guessed at).

:func:`human` gives the words; :func:`sort_key` and :func:`year_of` order and group dates by
what the source says, so that "1925~" (bounds widened to 1924–1926 for searching) sorts and
groups with 1925, not under 1924.
"""

from __future__ import annotations

import re

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")
SEASONS = {21: "spring", 22: "summer", 23: "autumn", 24: "winter"}
# EDTF level 1: a qualifier at the end (or, as some writers put it, after each part)
_PART = re.compile(r"(?P<y>\d{4})(?:-(?P<m>\d{2})(?:-(?P<d>\d{2}))?)?(?P<q>[~?%])?")
_MASKED = re.compile(r"(?P<decade>\d{3})X|(?P<century>\d{2})XX")
QUALIFIED = {"~": "c. {}", "?": "{}?", "%": "c. {}?"}


def _parts(value: str) -> tuple[int, int | None, int | None, str] | None:
    """(year, month, day, qualifier) of one simple EDTF date; None when it is not one."""
    m = _PART.fullmatch(value)
    if not m:
        return None
    y, mo, d = int(m["y"]), m["m"], m["d"]
    month = int(mo) if mo else None
    day = int(d) if d else None
    if month is not None and not (1 <= month <= 12 or month in SEASONS):
        return None
    if day is not None and (month is None or not 1 <= month <= 12 or not 1 <= day <= 31):
        return None
    return y, month, day, m["q"] or ""


def _simple(value: str) -> str | None:
    """The words of a simple date (year, month, day, season; qualified), None if not one."""
    p = _parts(value)
    if p is None:
        m = _MASKED.fullmatch(value)
        if not m:
            return None
        return f"{m['decade']}0s" if m["decade"] else _century(int(m["century"]))
    y, month, day, q = p
    if month is None:
        words = str(y)
    elif month in SEASONS:
        words = f"{SEASONS[month]} {y}"
    elif day is None:
        words = f"{MONTHS[month - 1]} {y}"
    else:
        words = f"{MONTHS[month - 1]} {day}, {y}"
    return QUALIFIED[q].format(words) if q else words


def _century(hundreds: int) -> str:
    n = hundreds + 1
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix} century"


def _same_year(a: tuple, b: tuple) -> str | None:
    """An interval within one year in words ("March–May 1945", "August 16–31, 1945"), or years
    ("1920–1939"); None when the two ends are not of one of these shapes."""
    (ya, ma, da, qa), (yb, mb, db, qb) = a, b
    if qa or qb:
        return None
    if ma is None and mb is None:
        return f"{ya}–{yb}" if ya != yb else str(ya)
    if ya != yb or not ma or not mb or ma > 12 or mb > 12 or (da is None) != (db is None):
        return None
    first, last = MONTHS[ma - 1], MONTHS[mb - 1]
    if da is None:  # March–May 1945
        return f"{first}–{last} {ya}" if ma != mb else f"{first} {ya}"
    if ma == mb:  # August 16–31, 1945
        return f"{first} {da}–{db}, {ya}" if da != db else f"{first} {da}, {ya}"
    return f"{first} {da} – {last} {db}, {ya}"


def _interval(a: str, b: str) -> str | None:
    """The words of an interval of two simple dates, sharing the year or month where they can."""
    open_a, open_b = a in ("", ".."), b in ("", "..")
    if open_a or open_b:
        if open_a and open_b:
            return None
        words = _simple(a if open_b else b)
        return (f"from {words}" if open_b else f"until {words}") if words else None
    pa, pb = _parts(a), _parts(b)
    both = _same_year(pa, pb) if pa and pb else None
    if both:
        return both
    start, end = _simple(a), _simple(b)
    if start is None or end is None:
        return None
    return f"{start} – {end}"


def human(edtf: str | None) -> str:
    """The date in words: "September 5, 1945", "summer 1925", "c. 1913", "1920–1939",
    "August 16–31, 1945", "1960s"; "" for no date; a string that is not one of the EDTF forms
    opis writes comes back unchanged."""
    value = (edtf or "").strip()
    if not value:
        return ""
    if "/" in value:
        a, _, b = value.partition("/")
        words = _interval(a, b)
    else:
        words = _simple(value)
    return words if words is not None else value


def _start(value: str) -> str | None:
    """The ISO start of what a simple date or masked date says (qualifier and season aside)."""
    p = _parts(value)
    if p is not None:
        y, month, day, _ = p
        if month in SEASONS:
            month = {21: 3, 22: 6, 23: 9, 24: 12}[month]
        return f"{y:04d}-{month or 1:02d}-{day or 1:02d}"
    m = _MASKED.fullmatch(value)
    if m:
        return f"{m['decade']}0-01-01" if m["decade"] else f"{m['century']}00-01-01"
    return None


def sort_key(edtf: str | None, earliest: str | None = None) -> str:
    """The key that orders a date by what the source says: the start of the stated date (an
    approximate "1925~" sorts as 1925 even when its search bounds begin in 1924); the start of
    an interval; else ``earliest``; "~" (after every date) when there is neither."""
    value = (edtf or "").strip()
    start = _start(value.partition("/")[0]) if value else None  # None for an open start ("../1945")
    return start or earliest or "~"


def year_of(edtf: str | None, earliest: str | None = None) -> str | None:
    """The year a date is listed under (the year of :func:`sort_key`); None when undated."""
    key = sort_key(edtf, earliest)
    return key[:4] if key[:4].isdigit() else None
