"""Units of measure found after numbers, with conversions for historical Russian units.

The unit is kept as written (``25 versts``); ``normalized_value``/``normalized_unit`` carry the
metric value. Conversion factors (sources): verst = 500 sazhen = 1.0668 km; dessiatine
(desyatina, state) = 2400 square sazhen = 1.0925 ha; pud = 16.38 kg; funt = 0.4095 kg;
sazhen = 2.1336 m; arshin = 0.7112 m — the imperial Russian measures fixed by the 1835 statute
on weights and measures (see "Obsolete Russian units of measurement", Wikipedia).
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Unit:
    """A unit of measure: its name, kind, and the metric unit and factor to convert it (None when not
    convertible)."""

    name: str  # the unit as opis names it (singular, as historians write it)
    kind: str  # length | area | mass | money | percent | temperature | duration
    to_unit: str | None = None  # metric unit for conversion
    factor: float | None = None


# (regex for the word(s) after the number, unit). Longer forms first.
_TABLE: list[tuple[str, Unit]] = [
    (r"square\s+kilomet(?:er|re)s?|sq\.\s?km\b|km²|кв\.\s?км\b", Unit("km²", "area")),
    (r"square\s+met(?:er|re)s?|sq\.\s?m\b|m²|кв\.\s?м\b", Unit("m²", "area")),
    (r"kilomet(?:er|re)s?|km\b|км\b|километр\w*", Unit("km", "length")),
    (r"versts?|верст\w*", Unit("verst", "length", "km", 1.0668)),
    (r"miles?", Unit("mile", "length", "km", 1.609344)),
    (r"sazhens?|сажен\w*", Unit("sazhen", "length", "m", 2.1336)),
    (r"arshins?|аршин\w*", Unit("arshin", "length", "m", 0.7112)),
    (r"met(?:er|re)s?|m\b|метр\w*", Unit("m", "length")),
    (r"dessiatines?|desyatin(?:a|as|y)?|десятин\w*", Unit("dessiatine", "area", "ha", 1.0925)),
    (r"hectares?|ha\b|гектар\w*|га\b", Unit("ha", "area")),
    (r"poods?|puds?|пуд\w*", Unit("pud", "mass", "kg", 16.38)),
    (r"funts?", Unit("funt", "mass", "kg", 0.4095)),
    (r"tons?|tonnes?|тонн\w*", Unit("t", "mass")),
    (r"kilograms?|kg\b|кг\b", Unit("kg", "mass")),
    (r"rubles?|roubles?|руб(?:\.|лей|ля|ль)", Unit("rubles", "money")),
    (r"kopecks?|kopeks?|копе\w*|коп\.", Unit("kopecks", "money", "rubles", 0.01)),
    (r"dollars?|US\$", Unit("dollars", "money")),
    (r"yuan|renminbi", Unit("yuan", "money")),
    (r"tugr(?:u|i)ks?|tugrugs?|tögrögs?", Unit("tugrik", "money")),
    (r"yen", Unit("yen", "money")),
    (r"francs?", Unit("francs", "money")),
    (r"(?:Deutsche\s+)?[Mm]arks|DM\b", Unit("marks", "money")),
    (r"forints?", Unit("forints", "money")),
    (r"zlotys?|złot(?:y|ych)", Unit("zlotys", "money")),
    (r"lei|leva?", Unit("lei", "money")),
    (r"dinars?", Unit("dinars", "money")),
    (r"rupees?", Unit("rupees", "money")),
    (r"pesos?", Unit("pesos", "money")),
    (r"shillings?", Unit("shillings", "money")),
    (r"birr", Unit("birr", "money")),
    (r"korun[ay]?|crowns", Unit("crowns", "money")),
    (r"lir[ae]", Unit("lire", "money")),
    (r"pounds\s+sterling|sterling", Unit("pounds sterling", "money")),
    (r"taels?|liang", Unit("taels", "money")),
    (r"%|percent|per\s+cent|процент\w*", Unit("%", "percent")),
    (r"degrees\s+(?:Celsius|centigrade)|°\s?C|degrees|градус\w*", Unit("°C", "temperature")),
    (r"years?|года?|лет\b", Unit("years", "duration")),
    (r"months?|месяц\w*", Unit("months", "duration")),
    (r"weeks?|недел\w*", Unit("weeks", "duration")),
    (r"days?|дн(?:я|ей)", Unit("days", "duration")),
    (r"hours?|час\w*", Unit("hours", "duration")),
]

_UNIT_RE = re.compile(
    r"(?P<sep>\s*-\s*|\s*|\s+of\s+)(?P<unit>" + "|".join(f"(?:{p})" for p, _ in _TABLE) + r")(?![\w-])", re.I
)
_COMPILED = [(re.compile(rf"(?:{p})$", re.I), u) for p, u in _TABLE]


def unit_for(word: str) -> Unit | None:
    """The unit named ``word``: one of opis's unit names ("t", "km", "dollars") or a written form ("tons")."""
    w = word.strip()
    named = _BY_NAME.get(w)
    if named is not None:
        return named
    for pat, u in _COMPILED:
        if pat.match(w):
            return u
    return None


def match_unit(text: str, pos: int) -> tuple[Unit, int, bool] | None:
    """The unit right after ``pos``: (unit, end offset, attributive) — attributive for ``21-verst zone``."""
    m = _UNIT_RE.match(text, pos)
    if not m:
        return None
    sep = m.group("sep")
    if "of" in sep:  # "5 of rubles" is not a unit; only "-" or spaces are
        return None
    u = unit_for(m.group("unit"))
    if u is None:
        return None
    return u, m.end(), "-" in sep


def convert(value: float | None, unit: Unit) -> float | None:
    """The value in the unit's metric unit, rounded to three places, or None when unknown or not convertible."""
    if value is None or unit.factor is None:
        return None
    return round(value * unit.factor, 3)


# Currency signs written before the number ("$5 million", "£300"): the sign -> unit.
CURRENCY_SIGNS: dict[str, Unit] = {
    "US$": Unit("dollars", "money"),
    "$": Unit("dollars", "money"),
    "£": Unit("pounds sterling", "money"),
    "€": Unit("euros", "money"),
    "¥": Unit("yen", "money"),
}
_SIGN_BEFORE = re.compile(r"(?P<sign>US\$|\$|£|€|¥)\s?$")


def currency_before(text: str, pos: int) -> tuple[Unit, int] | None:
    """The currency sign right before ``pos`` ("$5 million"): (unit, start offset of the sign)."""
    m = _SIGN_BEFORE.search(text, max(0, pos - 4), pos)
    if not m:
        return None
    return CURRENCY_SIGNS[m.group("sign")], m.start()


_BY_NAME: dict[str, Unit] = {u.name: u for _, u in _TABLE} | {u.name: u for u in CURRENCY_SIGNS.values()}
