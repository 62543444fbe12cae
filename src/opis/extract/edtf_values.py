"""Build ``DateValue`` objects (EDTF + ISO bounds) from calendar parts.

One place for the arithmetic: month lengths, seasons, parts of a month/year/decade, and
interval/overlap tests used by claims, comparison and the timeline.
"""

from __future__ import annotations

import calendar

from opis.model import DateValue

# EDTF level-1 season codes and their months (northern hemisphere).
SEASONS = {"spring": (21, 3, 5), "summer": (22, 6, 8), "autumn": (23, 9, 11), "fall": (23, 9, 11), "winter": (24, 12, 2)}


def last_day(year: int, month: int) -> int:
    """The number of days in a month."""
    return calendar.monthrange(year, month)[1]


def iso(year: int, month: int = 1, day: int = 1) -> str:
    """An ISO date string (YYYY-MM-DD)."""
    return f"{year:04d}-{month:02d}-{day:02d}"


def day(year: int, month: int, d: int) -> DateValue:
    """A single day; a day past the month's end is clamped to its last day."""
    d = min(d, last_day(year, month))
    s = iso(year, month, d)
    return DateValue(edtf=s, earliest=s, latest=s, precision="day")


def month(year: int, m: int) -> DateValue:
    """A month, bounded by its first and last days."""
    return DateValue(edtf=f"{year:04d}-{m:02d}", earliest=iso(year, m), latest=iso(year, m, last_day(year, m)), precision="month")


def year(y: int, approximate: bool = False, lo: int | None = None, hi: int | None = None) -> DateValue:
    """A year, approximate ("1939~") when asked; ``lo``/``hi`` widen its bounds to other years."""
    lo = y if lo is None else lo
    hi = y if hi is None else hi
    return DateValue(edtf=f"{y:04d}" + ("~" if approximate else ""), earliest=iso(lo), latest=iso(hi, 12, 31), precision="year")


def years(y1: int, y2: int) -> DateValue:
    """An interval of whole years (a single year when both are equal)."""
    if y1 == y2:
        return year(y1)
    return DateValue(edtf=f"{y1:04d}/{y2:04d}", earliest=iso(y1), latest=iso(y2, 12, 31), precision="interval")


def decade(start: int) -> DateValue:
    """A decade ("193X") from its first year."""
    return DateValue(edtf=f"{start // 10:03d}X", earliest=iso(start), latest=iso(start + 9, 12, 31), precision="decade")


def days(y1: int, m1: int, d1: int, y2: int, m2: int, d2: int) -> DateValue:
    """An interval between two days, in order (a single day when equal); days past a month's end are clamped."""
    d1 = min(d1, last_day(y1, m1))
    d2 = min(d2, last_day(y2, m2))
    a, b = iso(y1, m1, d1), iso(y2, m2, d2)
    if a == b:
        return day(y1, m1, d1)
    if a > b:
        a, b = b, a
    return DateValue(edtf=f"{a}/{b}", earliest=a, latest=b, precision="interval")


def months(y1: int, m1: int, y2: int, m2: int) -> DateValue:
    """An interval between two months (a single month when equal)."""
    if (y1, m1) == (y2, m2):
        return month(y1, m1)
    return DateValue(
        edtf=f"{y1:04d}-{m1:02d}/{y2:04d}-{m2:02d}", earliest=iso(y1, m1), latest=iso(y2, m2, last_day(y2, m2)), precision="interval"
    )


def season(y: int, name: str) -> DateValue:
    """A season of a year as EDTF season code; a winter runs into the next year."""
    code, m1, m2 = SEASONS[name]
    y2 = y + 1 if m2 < m1 else y
    return DateValue(edtf=f"{y:04d}-{code}", earliest=iso(y, m1), latest=iso(y2, m2, last_day(y2, m2)), precision="season")


def season_part(y: int, name: str, part: str) -> DateValue:
    """'early spring 1934' -> the first two months of the season (an interval of months)."""
    _, m1, _ = SEASONS[name]
    ms = [((m1 - 1 + i) % 12) + 1 for i in range(3)]
    ys = [y + (1 if ms[i] < m1 else 0) for i in range(3)]
    if part == "early":
        return months(ys[0], ms[0], ys[1], ms[1])
    if part == "late":
        return months(ys[1], ms[1], ys[2], ms[2])
    return month(ys[1], ms[1])


# Parts of a month: (first day, last day or None for the month's end).
MONTH_PARTS = {
    "early": (1, 10), "beginning": (1, 10), "start": (1, 10),
    "mid": (11, 20), "middle": (11, 20),
    "late": (21, None), "end": (21, None),
    "first half": (1, 15), "second half": (16, None),
}


def month_part(y: int, m: int, part: str) -> DateValue:
    """Part of a month ("early", "mid", "second half" ...) as an interval of days."""
    a, b = MONTH_PARTS[part]
    return days(y, m, a, y, m, b or last_day(y, m))


# Parts of a year: month ranges.
YEAR_PARTS = {
    "early": (1, 4), "beginning": (1, 3), "start": (1, 3),
    "mid": (5, 8), "middle": (5, 8),
    "late": (9, 12), "end": (10, 12),
    "first half": (1, 6), "second half": (7, 12),
}


def year_part(y: int, part: str) -> DateValue:
    """Part of a year ("early", "mid", "second half" ...) as an interval of months."""
    a, b = YEAR_PARTS[part]
    return months(y, a, y, b)


def decade_part(start: int, part: str) -> DateValue:
    """Parts of a decade. Vague parts are EDTF approximate years with bounds; halves are intervals."""
    if part == "first half":
        return years(start, start + 4)
    if part == "second half":
        return years(start + 5, start + 9)
    approx = {
        "early": (start + 1, start, start + 3), "beginning": (start + 1, start, start + 3), "start": (start + 1, start, start + 3),
        "mid": (start + 5, start + 4, start + 6), "middle": (start + 5, start + 4, start + 6),
        "late": (start + 8, start + 7, start + 9),
        "end": (start + 9, start + 8, start + 9),
        "turn": (start, start - 1, start + 1),
    }
    y, lo, hi = approx[part]
    return year(y, approximate=True, lo=lo, hi=hi)


def bounds(dv: DateValue | None) -> tuple[str, str] | None:
    """The (earliest, latest) ISO bounds of a date, or None when it has none."""
    if dv is None or not dv.earliest:
        return None
    return dv.earliest, dv.latest or dv.earliest


def overlaps(a: DateValue | None, b: DateValue | None) -> bool:
    """Whether two dates' bounds overlap; False when either is unknown."""
    ba, bb = bounds(a), bounds(b)
    if ba is None or bb is None:
        return False
    return ba[0] <= bb[1] and bb[0] <= ba[1]


def contains(outer: DateValue | None, inner: DateValue | None) -> bool:
    """Whether ``inner`` lies wholly within ``outer``; False when either is unknown."""
    bo, bi = bounds(outer), bounds(inner)
    if bo is None or bi is None:
        return False
    return bo[0] <= bi[0] and bi[1] <= bo[1]


def from_edtf(value: str) -> DateValue:
    """Bounds for an EDTF string (the forms opis writes: day, month, year, season, decade, intervals, '~')."""
    s = value.strip()
    if "/" in s:
        a, b = (from_edtf(p) for p in s.split("/", 1))
        return DateValue(edtf=s, earliest=a.earliest, latest=b.latest, precision="interval")
    approx = s.endswith(("~", "?", "%"))
    core = s.rstrip("~?%")
    if len(core) == 4 and core.endswith("X"):
        dv = decade(int(core[:3]) * 10)
    elif len(core) == 4:
        dv = year(int(core))
    elif len(core) == 7 and int(core[5:7]) > 20:
        dv = season(int(core[:4]), {21: "spring", 22: "summer", 23: "autumn", 24: "winter"}[int(core[5:7])])
    elif len(core) == 7:
        dv = month(int(core[:4]), int(core[5:7]))
    else:
        dv = day(int(core[:4]), int(core[5:7]), int(core[8:10]))
    dv.edtf = s
    if approx and dv.precision == "year":
        dv.earliest = iso(int(core[:4]) - 1)
        dv.latest = iso(int(core[:4]) + 1, 12, 31)
    return dv
