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
    name: str  # the unit as opis names it (singular, as historians write it)
    kind: str  # length | area | mass | money | percent | temperature | duration
    to_unit: str | None = None  # metric unit for conversion
    factor: float | None = None


# (regex for the word(s) after the number, unit). Longer forms first.
_TABLE: list[tuple[str, Unit]] = [
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
    (r"yuan", Unit("yuan", "money")),
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
    w = word.strip()
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
    if value is None or unit.factor is None:
        return None
    return round(value * unit.factor, 3)
