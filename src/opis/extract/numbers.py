"""Quantities in running text: digits and number words, ranges, qualifiers, units, money.

``find_quantities(text)`` returns ``Quantity`` objects with spans. It never returns numbers that
are parts of archival signatures (``f. 9, op. 1, d. 438``), page ranges, document numbers
(``Nº 1041/b``, ``N283``), footnote markers, ordinals, times of day, codes glued to letters,
list enumerators or URLs; dates and years are removed by the caller (who knows the date spans).
"""

from __future__ import annotations

import bisect
import math
import re

from opis.extract.number_context import not_a_count
from opis.extract.units import convert, currency_before, match_unit
from opis.model import Quantity

# --- number words ------------------------------------------------------------------------------
#: digits worth this much or more are an identifier or a typo, never a count (and a float of
#: hundreds of digits is infinite)
MAX_VALUE = 1e15

ONES = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000}
RU_ONES = {
    "два": 2, "две": 2, "три": 3, "четыре": 4, "пять": 5, "шесть": 6, "семь": 7, "восемь": 8, "девять": 9, "десять": 10,
    "двух": 2, "трех": 3, "трёх": 3, "четырех": 4, "пяти": 5, "шести": 6,
}
# Vague amounts: text -> (low, high)
VAGUE = {
    "tens of thousands": (10_000, 99_999),
    "hundreds of thousands": (100_000, 999_999),
    "several thousand": (2_000, 9_000),
    "several hundred": (200, 900),
    "a few thousand": (2_000, 5_000),
    "a few hundred": (200, 500),
    "thousands": (1_000, 9_999),
    "hundreds": (100, 999),
    "dozens": (24, 99),
    "a dozen": (12, 12),
    "десятки тысяч": (10_000, 99_999),
    "сотни": (100, 999),
    "тысячи": (1_000, 9_999),
}

_WORD = "|".join(sorted(list(ONES) + list(TENS), key=len, reverse=True))
_WORDNUM = (
    rf"(?:(?:a|one|{_WORD})(?:[\s-]+(?:{_WORD}))?(?:\s+(?:hundred|thousand|million)(?:\s+(?:and\s+)?(?:{_WORD})(?:[\s-]+(?:{_WORD}))?)?)*"
    r"|(?:" + "|".join(sorted(RU_ONES, key=len, reverse=True)) + r"))"
)
_VAGUE = "|".join(re.escape(v) for v in sorted(VAGUE, key=len, reverse=True))
_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?:[\u00a0\u202f ]\d{3})+(?![\d,])|\d+(?:[.,]\d+)?"
_MULT = r"(?:\s*(?:thousand|million|тыс\.|тысяч\w*|млн\.?))"
_DASH = r"\s*[–—‒-]\s*"

_NUMBER_RE = re.compile(
    rf"(?<![\w.,/-])(?:"
    rf"(?P<between>between\s+)?(?P<a>{_DIGITS})(?P<mult1>{_MULT})?(?:(?P<rsep>(?(between)\s+and\s+|(?:{_DASH}|\s+to\s+)))(?P<b>{_DIGITS}))?(?P<mult>{_MULT})?"
    rf"|(?P<vague>{_VAGUE})"
    rf"|(?P<word>{_WORDNUM})"
    rf")(?![\w])",
    re.I,
)

QUALIFIERS = [
    (r"approximately|approx\.|about|around|roughly|some|circa|c\.|an estimated|estimated at|около|примерно|приблизительно|порядка", "approximately"),
    (r"nearly|almost|close to|почти|без малого", "nearly"),
    (r"at least|не менее чем|не менее|по меньшей мере", "at least"),
    (r"no less than|not less than|no fewer than|not fewer than", "no less than"),
    (r"over|more than|in excess of|upwards of|exceeded|exceeding|exceeds|just over|более|свыше|больше", "over"),
    (r"up to|as many as|до", "up to"),
    (r"no more than|not more than|at most|не более|не больше", "at most"),
    (r"less than|fewer than|under|менее|меньше", "under"),
]
_QUAL_ALT = "|".join(f"(?:{p})" for p, _ in QUALIFIERS)
_QUAL_BEFORE = re.compile(
    rf"(?<![\w])(?P<q>{_QUAL_ALT})(?:\s+(?:amounted|numbered|totall?ed|reached|came|stood))?(?:\s+(?:to|at))?(?:\s+a\s+total\s+of)?\s+$",
    re.I,
)
_QUAL_NORMAL = [(re.compile(rf"^(?:{p})$", re.I), name) for p, name in QUALIFIERS]

# Things a number right after is never a quantity of: archival signatures, pages, numbers, articles.
_REF_BEFORE = re.compile(
    r"(?:(?<![\w])(?:f|ff|op|d|l|ll|p|pp|no|nos|vol|vols|t|ch|art|arts|fol|fols|fond|opis'?|delo|list|sheet|"
    r"article|articles|index|copy|tom|page|pages|part|box|folder|series|section|outpost|paragraph|item|point|"
    r"chapter|clause|decree|order|resolution|protocol|telegram|unit|detachment|division|regiment|file|case|"
    r"с|т|ст|л|лл|д|оп|ф|п|гл|вып|исх|вх)\.?\s*(?:No\.?|Nos\.?|Nº|№)?\s*|[№#§]\s*|(?<![\w])N[º°o]?\.?\s*|<sup>\s*)$",
    re.I,
)
_ORDINAL_AFTER = re.compile(r"(?:st|nd|rd|th|-?(?:й|я|е|го|м|х))\b|<sup>\s*(?:st|nd|rd|th)\s*</sup>|\s*</sup>", re.I)
_SKIP_LINE = re.compile(
    r"^\s*(?:<sup>\s*\d+\s*</sup>|\[\d+\]|\d+\s*\.\s+(?:[A-ZА-Я]\.\s*){1,3}[A-ZА-Я][\w'’-]+,|[-*]\s+[A-ZА-Я][\w-]+,)"
    r"|@|orcid|SPIN|doi\.org|https?://|\bEDN\b|\bISSN\b|\bISBN\b|\b\d+-\d{3,}-\d+\b|\b(?:Fond|Opis'?|Delo)\s+[A-Z]?-?\d",
    re.I,
)
_SIGNATURE = re.compile(r"(?<![\w])(?:f|op|d|l|ll|ф|оп|д|л|лл)\.\s*[A-ZА-Я]?-?\d", re.I)
_ENUMERATOR = re.compile(r"^\s*$")


_PREP_NOUN_BEFORE = re.compile(
    r"\b(?:control|authority|power|jurisdiction|influence|rule|command|victory|dominance|sovereignty|responsibility|spread|scattered|"
    r"distributed|stretched|extends?|extending|lasted|up|down|back|looked)\s+$",
    re.I,
)


def normalize_qualifier(q: str | None) -> str | None:
    """The canonical name of a quantity qualifier ("approximately", "at least" ...), or None when not known."""
    if not q:
        return None
    q = re.sub(r"\s+", " ", q.strip().lower())
    for pat, name in _QUAL_NORMAL:
        if pat.match(q):
            return name
    return None


def word_value(text: str) -> float | None:
    """'one hundred' -> 100, 'two hundred and fifty' -> 250, 'twenty-five thousand' -> 25000."""
    words = [w for w in re.split(r"[\s-]+", text.lower()) if w and w != "and"]
    if not words:
        return None
    if len(words) == 1 and words[0] in RU_ONES:
        return float(RU_ONES[words[0]])
    total, current = 0, 0
    for w in words:
        if w in ("a", "one") and current == 0:
            current = 1
        elif w in ONES:
            current += ONES[w]
        elif w in TENS:
            current += TENS[w]
        elif w == "hundred":
            current = (current or 1) * 100
        elif w in ("thousand", "million"):
            total += (current or 1) * SCALES[w]
            current = 0
        else:
            return None
    return float(total + current)


def digit_value(s: str) -> float | None:
    """The value of a number written in digits; None when its form is ambiguous (``0000,000``,
    ``12,3456``: neither thousands groups nor a decimal comma) or it is too long to be a count."""
    s = s.replace("\u00a0", "").replace("\u202f", "")
    if re.fullmatch(r"\d{1,3}(?: \d{3})+", s):
        s = s.replace(" ", "")
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", s):
        s = s.replace(",", "")
    elif re.fullmatch(r"\d+,\d{1,2}", s):  # Russian decimal comma: 7,5
        s = s.replace(",", ".")
    try:
        value = float(s)
    except ValueError:
        return None
    return value if math.isfinite(value) and value < MAX_VALUE else None


def _mult(s: str | None) -> float:
    if not s:
        return 1.0
    s = s.strip().lower()
    if s.startswith(("thousand", "тыс")):
        return 1000.0
    if s.startswith(("million", "млн")):
        return 1_000_000.0
    return 1.0


def _line_bounds(text: str, pos: int) -> tuple[int, int]:
    a = text.rfind("\n", 0, pos) + 1
    b = text.find("\n", pos)
    return a, (len(text) if b < 0 else b)


def _token(text: str, start: int, end: int) -> str:
    a = start
    while a > 0 and not text[a - 1].isspace():
        a -= 1
    b = end
    while b < len(text) and not text[b].isspace():
        b += 1
    return text[a:b]


def is_reference_number(text: str, start: int, end: int) -> bool:
    """True when the number at [start, end) is part of a signature, page/document number, code, URL..."""
    before = text[max(0, start - 24):start]
    if _REF_BEFORE.search(before):
        return True
    if _ORDINAL_AFTER.match(text, end):
        return True
    tok = _token(text, start, end)
    if re.search(r"[/@]|https?:|doi|\d:\d", tok, re.I):
        return True
    core = tok.strip("()[]{}.,;:!?\"'«»“”")
    if re.search(r"[A-Za-zА-Яа-я]\d|\d[A-Za-zА-Яа-я]", core) and not re.fullmatch(r"\d+(?:[.,]\d+)?(?:%|km|m|ha|kg)", core):
        return True
    if re.search(r"\d-\d+-\d|\d-[A-Za-zА-Яа-я]{1,3}\b(?<!km)", tok):  # 118-01764-04, 166-zh
        return True
    a, b = _line_bounds(text, start)
    line = text[a:b]
    if _SKIP_LINE.search(line):
        return True
    paren = _enclosing_parenthesis(text, start, a, b)
    if len(_SIGNATURE.findall(paren or _drop_parentheses(line))) >= 2:
        return True
    if paren and re.fullmatch(r"\(\s*\d[\w-]*(?:\s*,\s*\d[\w-]*)+\s*\)", paren) and re.search(r"\d-?[a-zа-я]", paren, re.I):
        return True  # a list of article/code numbers: "(164-a, 166-zh, 167, 168)"
    # list enumerators: "1 - to the addressee", "2. Halt the departure"
    if _ENUMERATOR.match(text[a:start]) and re.match(r"\s*[-.)]\s", text[end:end + 3]):
        return True
    # page ranges after a colon or a closing bracket in a citation: "(2014): 1–9", "), 170–171"
    if re.search(r"(?:\)\s*[:,]|:)\s*$", before) and (
        re.match(r"\s*[–—-]\s*\d", text[end:end + 4]) or re.search(r"\d\s*[–—-]\s*\d", text[start:end])
    ):
        return True
    return bool(re.search(r"(?:\)\s*[:,]|:)\s*$", before) and re.search(r"[–—-]\s*$", text[max(0, start - 2):start]))


def _enclosing_parenthesis(text: str, pos: int, a: int, b: int) -> str | None:
    """The (...) around ``pos`` within the line [a, b), if any."""
    open_ = text.rfind("(", a, pos)
    if open_ < 0 or text.rfind(")", open_, pos) >= 0:
        return None
    close = text.find(")", pos, b)
    return text[open_:close + 1] if close >= 0 else None


def _drop_parentheses(line: str) -> str:
    return re.sub(r"\([^()]*\)", " ", line)


def find_quantities(text: str, exclude: list[tuple[int, int]] | None = None, base: int = 0) -> list[Quantity]:
    """Every quantity in ``text``, skipping spans in ``exclude`` (dates, archival references)."""
    merged = _merge_spans(exclude or [])
    ex_starts = [a for a, _ in merged]
    out: list[Quantity] = []
    last_end = -1
    for m in _NUMBER_RE.finditer(text):
        start, end = m.start(), m.end()
        if start < last_end:
            continue
        i = bisect.bisect_left(ex_starts, end) - 1
        if i >= 0 and merged[i][1] > start:  # overlaps a date or a reference span
            continue
        if _not_a_quantity(text, m):
            continue
        q = _build(text, m)
        if q is None:
            continue
        _attach_unit(text, q, start)
        _attach_qualifier(text, q)
        q.text = text[q.start:q.end]
        last_end = q.end
        out.append(q)
    _share_units(text, out)
    for q in out:
        q.start = (q.start or 0) + base
        q.end = (q.end or 0) + base
    return out


def _merge_spans(spans: list[tuple[int, int]]) -> list[list[int]]:
    """The spans sorted, overlapping ones merged (spans with a missing end dropped)."""
    merged: list[list[int]] = []
    for a, b in sorted(e for e in spans if e[0] is not None and e[1] is not None):
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    return merged


def _not_a_quantity(text: str, m: re.Match[str]) -> bool:
    """A number match that counts nothing: an article ('a', 'one'), a reference number, a number
    that is not a count (see ``not_a_count``)."""
    start, end = m.start(), m.end()
    word = m.group("word")
    if word is not None:
        wl = word.lower().strip()
        if wl in ("a", "one", "an") or not any(c.isalpha() for c in wl):
            return True
        if re.fullmatch(r"a\s+\w+", wl) and not re.search(r"hundred|thousand|million", wl):
            return True
    if m.group("a") and is_reference_number(text, start, end):
        return True
    return not_a_count(text, start + (len(m.group("between") or "")), end)


def _attach_unit(text: str, q: Quantity, start: int) -> None:
    """The unit right after the number, or a currency sign right before it ("$5 million")."""
    mu = match_unit(text, q.end)
    sign = currency_before(text, start)
    if sign and not (mu and mu[0].kind == "money"):
        unit, q.start = sign
        q.unit = unit.name
        return
    if not mu:
        return
    unit, uend, _attrib = mu
    q.end = uend
    q.unit = unit.name
    # compound money: 19 rubles 28 kopecks
    if unit.name == "rubles":
        km = re.match(r"\s+(\d{1,2})\s+(?:kopecks?|kopeks?|коп\.|копе\w*)", text[uend:])
        if km and q.value is not None:
            q.value = round(q.value + int(km.group(1)) / 100, 2)
            q.end = uend + km.end()
    q.normalized_value = convert(q.value, unit)
    q.normalized_unit = unit.to_unit


def _attach_qualifier(text: str, q: Quantity) -> None:
    """A qualifier right before the number ('about', 'more than'), not a preposition ('control over 1,636 km')."""
    qm = _QUAL_BEFORE.search(text, max(0, q.start - 40), q.start)
    if qm and qm.group("q").lower() in ("over", "under", "up to", "до") and _PREP_NOUN_BEFORE.search(
            text, max(0, qm.start() - 20), qm.start()):
        qm = None  # "control over 1,636 km": a preposition, not a qualifier
    if qm and not q.qualifier:
        q.qualifier = normalize_qualifier(qm.group("q"))
        q.start = qm.start()


def _build(text: str, m: re.Match[str]) -> Quantity | None:
    start, end = m.start(), m.end()
    if m.group("vague"):
        v = m.group("vague").lower()
        low, high = VAGUE[v]
        return Quantity(value=None, text=m.group(0), low=float(low), high=float(high), start=start, end=end)
    if m.group("word"):
        val = word_value(m.group("word"))
        if val is None:
            return None
        return Quantity(value=val, text=m.group(0), start=start, end=end)
    mult = _mult(m.group("mult"))
    a = digit_value(m.group("a"))
    if a is None:
        return None
    a *= _mult(m.group("mult1") or m.group("mult"))
    if m.group("b"):
        b = digit_value(m.group("b"))
        if b is None:
            return None
        b *= mult
        if b <= a:
            # "377-379" style already handled; "4-1" is not a range
            return None
        return Quantity(value=None, text=m.group(0), low=a, high=b, start=start, end=end)
    return Quantity(value=a, text=m.group(0), start=start, end=end)


def _share_units(text: str, qs: list[Quantity]) -> None:
    """'4; 7.5; 16 and 22 km' -> every number of the list in km."""
    for i in range(len(qs) - 2, -1, -1):
        q, nxt = qs[i], qs[i + 1]
        if q.unit is None and nxt.unit and q.end is not None and nxt.start is not None:
            gap = text[q.end:nxt.start]
            if re.fullmatch(r"\s*(?:[;,]|and|or|,\s*and|to)\s*", gap):
                from opis.extract.units import unit_for

                u = unit_for(nxt.unit) or None
                q.unit = nxt.unit
                if u is not None:
                    q.normalized_value = convert(q.value, u)
                    q.normalized_unit = u.to_unit
