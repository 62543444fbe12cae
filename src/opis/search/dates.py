"""Dates as index terms, so a date filter is an ordinary term query in every backend.

A document's interval (``date.earliest``..``date.latest``) is indexed as the calendar granules
it overlaps — centuries, decades, years, and, when the interval is short enough, months and
days. A query range is cut into the fewest whole granules. A document whose date is coarser
than a query granule (a document dated "1945" and a query for 1945-08) is still found through
``x``-terms: the document marks its finest level with them, and the query adds the ``x``-terms
of every ancestor of its granules. The result is interval-overlap at the document's precision.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from functools import lru_cache

MAX_DAYS = 62
MAX_MONTHS = 36
MAX_YEARS = 300
OPEN_LOW = date.min  # an open end of a query range: the first and last day a date can name
OPEN_HIGH = date.max
LEVELS = ("k", "c", "y", "m", "d")  # century, decade, year, month, day


def _parse(iso: str | None) -> date | None:
    if not iso:
        return None
    try:
        parts = [int(p) for p in iso.lstrip("+").split("-")[:3]]
        while len(parts) < 3:
            parts.append(1)
        return date(*parts)
    except (ValueError, TypeError):
        return None


def _key(level: str, d: date) -> str:
    if level == "k":
        return f"k{d.year // 100:02d}"
    if level == "c":
        return f"c{d.year // 10:03d}"
    if level == "y":
        return f"y{d.year:04d}"
    if level == "m":
        return f"m{d.year:04d}{d.month:02d}"
    return f"d{d.year:04d}{d.month:02d}{d.day:02d}"


def _granules(level: str, lo: date, hi: date) -> list[str]:
    """Every granule of ``level`` that [lo, hi] overlaps."""
    out: list[str] = []
    if level in ("k", "c", "y"):
        width = {"k": 100, "c": 10, "y": 1}[level]
        for start in range(lo.year // width * width, hi.year + 1, width):
            out.append(_key(level, date(max(start, 1), 1, 1)))
    elif level == "m":
        y, m = lo.year, lo.month
        while (y, m) <= (hi.year, hi.month):
            out.append(f"m{y:04d}{m:02d}")
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    else:
        for n in range((hi - lo).days + 1):
            out.append(_key("d", lo + timedelta(days=n)))
    return out


def doc_terms(earliest: str | None, latest: str | None) -> list[str]:
    """The date terms a document with this interval is indexed with ([] when undated)."""
    return list(_doc_terms(earliest, latest))


@lru_cache(maxsize=100_000)
def _doc_terms(earliest: str | None, latest: str | None) -> tuple[str, ...]:
    lo, hi = _parse(earliest), _parse(latest or earliest)
    if lo is None and hi is None:
        return ()
    lo, hi = lo or hi, hi or lo
    if hi < lo:
        lo, hi = hi, lo
    months = (hi.year - lo.year) * 12 + hi.month - lo.month + 1
    levels = ["k", "c"]
    if hi.year - lo.year < MAX_YEARS:
        levels.append("y")
        if months <= MAX_MONTHS:
            levels.append("m")
            if (hi - lo).days < MAX_DAYS:
                levels.append("d")
    terms: list[str] = []
    for level in levels:
        terms.extend(_granules(level, lo, hi))
    if levels[-1] != "d":
        terms.extend("x" + t for t in _granules(levels[-1], lo, hi))
    return tuple(terms)


def _cover(lo: date, hi: date) -> list[tuple[str, date]]:
    """Cut [lo, hi] into the fewest whole calendar granules: (level, first day) pairs."""
    out: list[tuple[str, date]] = []
    d = lo
    while d <= hi:
        for level in LEVELS:
            start, end = _span(level, d)
            if start == d and end <= hi:
                out.append((level, d))
                if end >= hi:  # done (and no day after date.max to step to)
                    return out
                d = end + timedelta(days=1)
                break
        else:  # pragma: no cover - a day always fits
            break
    return out


def _span(level: str, d: date) -> tuple[date, date]:
    if level == "k":
        y = d.year // 100 * 100
        return date(max(y, 1), 1, 1), date(y + 99, 12, 31)
    if level == "c":
        y = d.year // 10 * 10
        return date(max(y, 1), 1, 1), date(y + 9, 12, 31)
    if level == "y":
        return date(d.year, 1, 1), date(d.year, 12, 31)
    if level == "m":
        return date(d.year, d.month, 1), date(d.year, d.month, calendar.monthrange(d.year, d.month)[1])
    return d, d


def query_terms(earliest: str | None, latest: str | None) -> list[str]:
    """Terms that match every document whose date overlaps [earliest, latest]."""
    lo = _parse(earliest) or OPEN_LOW
    hi = _parse(latest) or OPEN_HIGH
    terms: list[str] = []
    seen: set[str] = set()
    for level, start in _cover(lo, hi):
        key = _key(level, start)
        if key not in seen:
            seen.add(key)
            terms.append(key)
        for coarser in LEVELS[: LEVELS.index(level)]:
            x = "x" + _key(coarser, start)
            if x not in seen:
                seen.add(x)
                terms.append(x)
    return terms


def year_of(earliest: str | None) -> int | None:
    """The year of an ISO date, or None when it is missing or unreadable."""
    d = _parse(earliest)
    return d.year if d else None
