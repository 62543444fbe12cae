"""Dates in running text (English and Russian) -> ``DateValue`` with EDTF, bounds, text and span.

A small grammar for the forms historians and archival reports use: full dates, day ranges
(``between 5 and 11 August``, ``the night of February 11–12, 1931``), parts of a month, year or
decade (``the second half of August``, ``early spring 1934``, ``in the mid-1930s``, ``at the turn
of the 1930s``), year and decade ranges (``in 1930–1933``, ``1920–1930s``), seasons, and Russian
(``16 ноября 1945 г.``, ``в 1930-е годы``). A day or month without a year (``on 22 April``) takes
its year from context: the last year stated earlier in the same paragraph, else the document's
own date, else the last year stated anywhere before.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from opis.extract import edtf_values as ev
from opis.model import DateValue

MONTHS_EN = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan.": 1, "feb.": 2, "mar.": 3, "apr.": 4, "jun.": 6, "jul.": 7, "aug.": 8,
    "sep.": 9, "sept.": 9, "oct.": 10, "nov.": 11, "dec.": 12,
}
# Russian month stems: nominative, genitive and prepositional forms share them.
MONTHS_RU = {
    "январ": 1, "феврал": 2, "март": 3, "апрел": 4, "ма": 5, "июн": 6, "июл": 7,
    "август": 8, "сентябр": 9, "октябр": 10, "ноябр": 11, "декабр": 12,
}
SEASONS_RU = {"весн": "spring", "лет": "summer", "осен": "autumn", "зим": "winter"}

D = r"[–—‒-]"  # range dashes
_MON_EN = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan\.|Feb\.|Mar\.|Apr\.|Jun\.|Jul\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.)"
)
_MON_RU = r"(?:январ[ьяе]|феврал[ьяе]|марта?|марте|апрел[ьяе]|ма[йяе]|июн[ьяе]|июл[ьяе]|августа?|августе|сентябр[ьяе]|октябр[ьяе]|ноябр[ьяе]|декабр[ьяе])"
_YEAR = r"(?:1[5-9]\d\d|20\d\d)"
_DAY = r"(?:[12]\d|3[01]|0?[1-9])"
_PART = r"(?:the\s+)?(?:(?:very\s+)?beginning|start|middle|end|first\s+half|second\s+half)\s+of\s+(?:the\s+)?|(?:early|late|mid)[\s-]+"
_SEASON = r"(?:spring|summer|autumn|fall|winter)"
_YSUFFIX_RU = r"(?:\s*(?:г\.|гг\.|года|году|год))?"
# a Russian day as documents write it: "3", "3-го", "3-е", or in quotes as on forms: «15»
_DAY_RU = rf"(?:[«\"„]\s*)?(?P<d>{_DAY})(?:-?(?:го|е|ое))?(?:\s*[»\"“])?"
_ROMAN_MONTHS = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9, "X": 10,
                 "XI": 11, "XII": 12}
_MON_ROMAN = r"(?:XII|XI|X|IX|VIII|VII|VI|V|IV|III|II|I)"


def month_number(word: str) -> int | None:
    """The month number (1-12) of an English or Russian month name or stem, or None."""
    w = word.lower()
    if w in MONTHS_EN:
        return MONTHS_EN[w]
    for stem, n in sorted(MONTHS_RU.items(), key=lambda kv: -len(kv[0])):
        if w.startswith(stem):
            return n
    return None


def _part(s: str | None) -> str | None:
    if not s:
        return None
    s = re.sub(r"\s+", " ", s.lower()).replace("-", " ").strip()
    s = re.sub(r"^the ", "", s)
    s = re.sub(r" of( the)?$", "", s).replace("very ", "").strip()
    return s


@dataclass
class _Rule:
    name: str
    pattern: re.Pattern[str]
    build: Callable[[re.Match[str], int | None], DateValue | None]
    needs_year: bool = False
    relative: bool = False  # the year is counted from the year in context ("last year")


def _y(m: re.Match[str], g: str = "y") -> int:
    return int(m.group(g))


def _decade_start(s: str) -> int:
    return int(s[:3]) * 10


def _ru_part(s: str | None) -> str | None:
    if not s:
        return None
    s = s.lower()
    if "втор" in s:
        return "second half"
    if "перв" in s:
        return "first half"
    if "начал" in s:
        return "beginning"
    if "серед" in s:
        return "mid"
    if "конц" in s or "конец" in s:
        return "end"
    return None


_RULES: list[_Rule] = []


def rule(name: str, pattern: str, needs_year: bool = False, flags: int = 0, relative: bool = False):
    """Decorator registering a date rule: a named pattern whose match the function turns into a date;
    ``needs_year`` rules need a known year."""
    def deco(fn):
        _RULES.append(_Rule(name, re.compile(pattern, flags), fn, needs_year or relative, relative))
        return fn

    return deco


# --- full dates and day ranges with a year -------------------------------------------------------
@rule("mdy_range", rf"\b(?:the\s+night\s+of\s+)?(?P<m>{_MON_EN})\s+(?P<d1>{_DAY}){D}(?P<d2>{_DAY}),?\s+(?P<y>{_YEAR})\b")
def _mdy_range(m, _):
    mo = month_number(m.group("m"))
    return ev.days(_y(m), mo, int(m.group("d1")), _y(m), mo, int(m.group("d2")))


@rule("dmy_range", rf"\b(?:between\s+)?(?P<d1>{_DAY})\s*(?:{D}|and|to)\s*(?P<d2>{_DAY})\s+(?P<m>{_MON_EN}),?\s+(?P<y>{_YEAR})\b")
def _dmy_range(m, _):
    mo = month_number(m.group("m"))
    return ev.days(_y(m), mo, int(m.group("d1")), _y(m), mo, int(m.group("d2")))


@rule("month_range_year", rf"\b(?:from\s+)?(?P<m1>{_MON_EN})\s*(?:{D}|to|through|until)\s*(?P<m2>{_MON_EN}),?\s+(?P<y>{_YEAR})\b")
def _month_range_year(m, _):
    a, b = month_number(m.group("m1")), month_number(m.group("m2"))
    y = _y(m)
    return ev.months(y - 1 if a > b else y, a, y, b)


@rule("mdy", rf"\b(?P<m>{_MON_EN})\s+(?P<d>{_DAY})(?:st|nd|rd|th)?,?\s+(?P<y>{_YEAR})\b")
def _mdy(m, _):
    return ev.day(_y(m), month_number(m.group("m")), int(m.group("d")))


@rule("dmy", rf"\b(?P<d>{_DAY})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m>{_MON_EN}),?\s+(?P<y>{_YEAR})\b")
def _dmy(m, _):
    return ev.day(_y(m), month_number(m.group("m")), int(m.group("d")))


@rule("dmy_ru", rf"(?<!\w){_DAY_RU}\s+(?P<m>{_MON_RU})\s+(?P<y>{_YEAR}){_YSUFFIX_RU}(?!\w)", flags=re.I)
def _dmy_ru(m, _):
    return ev.day(_y(m), month_number(m.group("m")), int(m.group("d")))


@rule("dotted", rf"(?<![\d.])(?P<d>{_DAY})\.(?P<mo>0?[1-9]|1[0-2])\.(?P<y>{_YEAR})(?![\d.]\d)")
def _dotted(m, _):
    return ev.day(_y(m), int(m.group("mo")), int(m.group("d")))


# the month in Roman numerals, as Soviet and Central European documents date: 12.IX.1945, 12/IX-1945
@rule("roman_month", rf"(?<![\w.])(?P<d>{_DAY})\s*[./]?\s*(?P<rm>{_MON_ROMAN})\s*[./-]\s*(?P<y>{_YEAR})(?![\d])")
def _roman_month(m, _):
    return ev.day(_y(m), _ROMAN_MONTHS[m.group("rm")], int(m.group("d")))


@rule("iso", rf"(?<![\d-])(?P<y>{_YEAR})-(?P<mo>0[1-9]|1[0-2])-(?P<d>0[1-9]|[12]\d|3[01])(?![\d-])")
def _iso(m, _):
    return ev.day(_y(m), int(m.group("mo")), int(m.group("d")))


# --- day or day range without a year (year from context) ----------------------------------------
@rule("md_range_noyear", rf"\b(?:the\s+night\s+of\s+)?(?P<m>{_MON_EN})\s+(?P<d1>{_DAY}){D}(?P<d2>{_DAY})\b(?!,?\s*{_YEAR})", needs_year=True)
def _md_range_noyear(m, y):
    mo = month_number(m.group("m"))
    return ev.days(y, mo, int(m.group("d1")), y, mo, int(m.group("d2")))


@rule("dm_range_noyear", rf"\b(?:between\s+)?(?P<d1>{_DAY})\s*(?:{D}|and|to)\s*(?P<d2>{_DAY})\s+(?P<m>{_MON_EN})\b", needs_year=True)
def _dm_range_noyear(m, y):
    mo = month_number(m.group("m"))
    return ev.days(y, mo, int(m.group("d1")), y, mo, int(m.group("d2")))


@rule("md_noyear", rf"\b(?P<m>{_MON_EN})\s+(?P<d>{_DAY})(?:st|nd|rd|th)?\b(?![\d,]*\s*(?:{_YEAR}|km|kilomet|people|men|%))", needs_year=True)
def _md_noyear(m, y):
    return ev.day(y, month_number(m.group("m")), int(m.group("d")))


@rule("dm_noyear", rf"\b(?P<d>{_DAY})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m>{_MON_EN})\b", needs_year=True)
def _dm_noyear(m, y):
    return ev.day(y, month_number(m.group("m")), int(m.group("d")))


@rule("dm_ru_noyear", rf"(?<!\w){_DAY_RU}\s+(?P<m>{_MON_RU})(?!\w)", needs_year=True, flags=re.I)
def _dm_ru_noyear(m, y):
    return ev.day(y, month_number(m.group("m")), int(m.group("d")))


# --- months --------------------------------------------------------------------------------------
@rule("month_part_year", rf"\b(?P<p>{_PART})(?P<m>{_MON_EN}),?\s+(?P<y>{_YEAR})\b", flags=re.I)
def _month_part_year(m, _):
    mo = month_number(m.group("m"))
    if mo is None:
        return None
    return ev.month_part(_y(m), mo, _part(m.group("p")))


@rule("month_year", rf"\b(?P<m>{_MON_EN}),?\s+(?:of\s+)?(?P<y>{_YEAR})\b")
def _month_year(m, _):
    return ev.month(_y(m), month_number(m.group("m")))


@rule("month_year_ru", rf"(?<!\w)(?P<m>{_MON_RU})\s+(?P<y>{_YEAR}){_YSUFFIX_RU}(?!\w)", flags=re.I)
def _month_year_ru(m, _):
    return ev.month(_y(m), month_number(m.group("m")))


@rule("month_part_noyear", rf"\b(?P<p>{_PART})(?P<m>{_MON_EN})\b", needs_year=True, flags=re.I)
def _month_part_noyear(m, y):
    mo = month_number(m.group("m"))
    if mo is None or m.group("m")[0].islower():
        return None
    return ev.month_part(y, mo, _part(m.group("p")))


# --- years counted from the year in context (the paragraph's, else the document's own): "December last
# year" in a letter of December 1967 is 1966-12; "August 18 this year" after "Reports of August 1927" is 1927.
_REL_YEAR = r"(?P<rel>last|this|next|the\s+previous|the\s+following|the\s+current|of\s+last|of\s+this|of\s+next)\s+year"
_REL_OFFSET = {"last": -1, "previous": -1, "this": 0, "current": 0, "next": 1, "following": 1}


def _rel_offset(m: re.Match[str]) -> int:
    return _REL_OFFSET[m.group("rel").split()[-1].lower()]


@rule("dm_relative_year", rf"\b(?P<d>{_DAY})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m>{_MON_EN}),?\s+{_REL_YEAR}\b", relative=True)
def _dm_relative(m, y):
    return ev.day(y + _rel_offset(m), month_number(m.group("m")), int(m.group("d")))


@rule("md_relative_year", rf"\b(?P<m>{_MON_EN})\s+(?P<d>{_DAY})(?:st|nd|rd|th)?,?\s+{_REL_YEAR}\b", relative=True)
def _md_relative(m, y):
    return ev.day(y + _rel_offset(m), month_number(m.group("m")), int(m.group("d")))


@rule("month_relative_year", rf"\b(?P<m>{_MON_EN}),?\s+{_REL_YEAR}\b", relative=True)
def _month_relative(m, y):
    return ev.month(y + _rel_offset(m), month_number(m.group("m")))


@rule("relative_year", r"\b(?P<rel>last|this|next|the\s+previous|the\s+following|the\s+current)\s+year\b", relative=True, flags=re.I)
def _relative_year(m, y):
    return ev.year(y + _rel_offset(m))


# A bare month needs a preposition before it ("in August", "by March") so that "May" the verb is not a date.
@rule("month_noyear", rf"\b(?:[Ii]n|[Bb]y|[Ss]ince|[Uu]ntil|[Dd]uring|[Ff]rom|[Tt]hroughout|[Oo]f|[Ll]ast|[Tt]his)\s+(?P<m>{_MON_EN})\b(?!\s+\d)", needs_year=True)
def _month_noyear(m, y):
    return ev.month(y, month_number(m.group("m")))


# --- seasons -------------------------------------------------------------------------------------
@rule("season_year", rf"\b(?:(?:the\s+)?(?P<p>early|late|mid)[\s-]+)?(?:the\s+)?(?P<s>{_SEASON})\s+(?:of\s+)?(?P<y>{_YEAR})\b", flags=re.I)
def _season_year(m, _):
    s = m.group("s").lower()
    if m.group("p"):
        return ev.season_part(_y(m), s, m.group("p").lower())
    return ev.season(_y(m), s)


@rule("season_year_ru", rf"(?<!\w)(?P<s>весн(?:ой|а|е)|лет(?:ом|о|а)|осень[юи]?|зим(?:ой|а|е))\s+(?P<y>{_YEAR}){_YSUFFIX_RU}(?!\w)", flags=re.I)
def _season_year_ru(m, _):
    word = m.group("s").lower()
    name = next(v for k, v in SEASONS_RU.items() if word.startswith(k))
    return ev.season(_y(m), name)


# --- decades -------------------------------------------------------------------------------------
_DEC = r"1[5-9]\d0|20\d0"


@rule("decade_range", rf"\b(?P<a>{_DEC})(?:s|-х|-е)?\s*{D}\s*(?:the\s+)?(?P<b>{_DEC})(?:s|-х|-е)(?:\s*(?:гг\.|годы|годов|годах))?", flags=re.I)
def _decade_range(m, _):
    a, b = _decade_start(m.group("a")), _decade_start(m.group("b"))
    if b < a:
        return None
    return ev.years(a, b + 9)


@rule("decade_part", rf"\b(?P<p>{_PART}|(?:the\s+)?turn\s+of\s+(?:the\s+)?)(?P<a>{_DEC})s\b", flags=re.I)
def _decade_part(m, _):
    return ev.decade_part(_decade_start(m.group("a")), _part(m.group("p")))


@rule("decade_part_ru", rf"(?<!\w)(?P<p>(?:во?\s+)?(?:втор|перв)\w*\s+половин\w*|(?:в\s+)?(?:начал|середин|конц|конец)\w*)\s+(?P<a>{_DEC})-х(?:\s*(?:гг\.|годов))?", flags=re.I)
def _decade_part_ru(m, _):
    part = _ru_part(m.group("p"))
    return ev.decade_part(_decade_start(m.group("a")), part) if part else None


@rule("decade", rf"\b(?P<a>{_DEC})(?:s\b|'s\b|-е(?:\s*(?:гг\.|годы))?|-х(?:\s*(?:гг\.|годах|годов))?)", flags=re.I)
def _decade(m, _):
    return ev.decade(_decade_start(m.group("a")))


# --- named periods ------------------------------------------------------------------------------
_WWI = r"(?:World\s+War\s+(?:I|One|1)\b|the\s+First\s+World\s+War|the\s+Great\s+War)"
_WWII = r"(?:World\s+War\s+(?:II|Two|2)\b|the\s+Second\s+World\s+War)"
_PERIODS = {"wwi": (1914, 1918), "wwii": (1939, 1945), "gpw": (1941, 1945)}


@rule("period", rf"\b(?P<eve>(?:on\s+)?the\s+eve\s+of\s+)?(?:(?P<wwi>{_WWI})|(?P<wwii>{_WWII})|(?P<gpw>the\s+Great\s+Patriotic\s+War))")
def _period(m, _):
    key = next(k for k in ("wwi", "wwii", "gpw") if m.group(k))
    a, b = _PERIODS[key]
    if m.group("eve"):
        return ev.year(a - 1, approximate=True, lo=a - 1, hi=a)
    return ev.years(a, b)


# --- years ---------------------------------------------------------------------------------------
@rule("year_part", rf"\b(?P<p>{_PART})(?P<y>{_YEAR})\b(?!s|-)", flags=re.I)
def _year_part(m, _):
    return ev.year_part(_y(m), _part(m.group("p")))


@rule("year_range", rf"(?<![\d.,/-])(?:from\s+)?(?P<a>{_YEAR})\s*(?:{D}|to|until)\s*(?P<b>{_YEAR}|\d\d)(?![\d-])(?:s\b)?{_YSUFFIX_RU}")
def _year_range(m, _):
    a, b = m.group("a"), m.group("b")
    y2 = int(a[:2] + b) if len(b) == 2 else int(b)
    if m.group(0).rstrip().endswith("s"):
        return None
    if not (0 < y2 - int(a) <= 60):
        return None
    return ev.years(int(a), y2)


_UNIT_AFTER = re.compile(
    r"\s*(?:-?\s*(?:km|kilomet|verst|people|persons|men|man|households|rubles|roubles|kopeck|dollars|head|tons|"
    r"individuals|troops|soldiers|families|residents|refugees|m\b|meters|metres|%|percent|человек|руб))",
    re.I,
)


@rule("year", rf"(?<![\d.,/№#:-])(?P<y>{_YEAR})(?![\d,.]\d|-\d|s\b|'s)(?:\s*(?:г\.|года|году|год)(?!\w))?")
def _year(m, _):
    return ev.year(_y(m))


_TEXT_YEAR = re.compile(rf"(?<![\d.,/№#:-])({_YEAR})(?![\d,.]\d)")


def _year_positions(text: str) -> tuple[list[int], list[int]]:
    found = [(m.start(), int(m.group(1))) for m in _TEXT_YEAR.finditer(text) if not _UNIT_AFTER.match(text, m.end())]
    return [p for p, _ in found], [y for _, y in found]


def _context_year(text: str, pos: int, doc_year: int | None, prefer_document: bool, years: tuple[list[int], list[int]]) -> int | None:
    positions, values = years
    i = bisect.bisect_left(positions, pos) - 1
    para_start = text.rfind("\n\n", 0, pos)
    if i >= 0 and positions[i] >= max(para_start, 0):
        return values[i]
    if doc_year and prefer_document:
        return doc_year
    if i >= 0:
        return values[i]
    return doc_year


def _is_year_quantity(text: str, end: int) -> bool:
    return bool(_UNIT_AFTER.match(text, end))


# Every date form holds a year, a month name or a named period; rules run only in windows around these.
_ANCHOR = re.compile(rf"{_YEAR}|{_MON_EN}|{_MON_RU}|\bWar\b|\b(?:last|this|next|previous|following|current)\s+year\b", re.I)
_BEFORE, _AFTER = 80, 60


def _windows(text: str) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for m in _ANCHOR.finditer(text):
        a, b = max(0, m.start() - _BEFORE), min(len(text), m.end() + _AFTER)
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


def find_dates(
    text: str,
    document_date: DateValue | None = None,
    *,
    prefer_document_year: bool = True,
    base: int = 0,
) -> list[DateValue]:
    """All dates in ``text`` (non-overlapping, longest match wins), in text order.

    ``document_date`` supplies the year for a day or month stated without one. Set
    ``prefer_document_year`` False for secondary works (an article of 2026 about the 1930s):
    then the last year stated earlier in the text is used before the document's own.
    ``base`` is added to every span (when ``text`` is a slice of a larger text).
    """
    doc_year = int(document_date.earliest[:4]) if document_date and document_date.earliest else None
    candidates: list[tuple[int, int, int, _Rule, re.Match[str]]] = []
    for ws, we in _windows(text):
        for order, r in enumerate(_RULES):
            for m in r.pattern.finditer(text, ws, we):
                candidates.append((m.start(), -(m.end() - m.start()), order, r, m))
    candidates.sort(key=lambda c: (c[0], c[1], c[2]))
    out: list[DateValue] = []
    years: tuple[list[int], list[int]] | None = None
    taken_until = -1
    # longest match first among overlapping candidates
    chosen: list[tuple[int, int, _Rule, re.Match[str]]] = []
    starts: list[int] = []  # starts of chosen (non-overlapping) spans, sorted
    ends: dict[int, int] = {}
    for start, neg_len, _, r, m in sorted(candidates, key=lambda c: (c[1], c[0], c[2])):
        end = start - neg_len
        i = bisect.bisect_left(starts, end)
        if i > 0 and ends[starts[i - 1]] > start:
            continue
        if r.name == "year" and _is_year_quantity(text, end):
            continue
        chosen.append((start, end, r, m))
        bisect.insort(starts, start)
        ends[start] = end
    chosen.sort(key=lambda c: c[0])
    for start, end, r, m in chosen:
        if start < taken_until:
            continue
        y = None
        if r.needs_year:
            if years is None:
                years = _year_positions(text)
            y = _context_year(text, start, doc_year, prefer_document_year, years)
            if y is None:
                continue
        try:
            dv = r.build(m, y)
        except (ValueError, KeyError, TypeError):
            dv = None
        if dv is None:
            continue
        s, e = start, end
        surface = text[s:e]
        stripped = surface.rstrip(" ,")
        e -= len(surface) - len(stripped)
        out.append(replace(dv, text=text[s:e], start=s + base, end=e + base))
        taken_until = end
    return out


def parse_date(text: str, document_date: DateValue | None = None) -> DateValue | None:
    """The date a short string states (e.g. a CLI ``--from`` value or a gold field); None if none."""
    s = text.strip()
    try:
        return ev.from_edtf(s)
    except (ValueError, KeyError, IndexError):
        pass
    found = find_dates(s, document_date)
    return found[0] if found else None
