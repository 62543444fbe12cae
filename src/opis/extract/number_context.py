"""Kinds of number contexts that are never a count or a measure, read off the text around a number.

``not_a_count(text, start, end)`` names the kind (or returns None) for the number written at
``[start, end)``: a list or paragraph enumerator (``(1)``, ``2.`` at a line start), a note marker
(``[4]``, ``units.(18)``, a bare number after a name at the end of a clause), a part of a date
(``28 October``, ``"11" August``, ``10/09/50``, ``24.X.62``, ``31.8 17:27``, ``[19]56``), a clock
time (``10 a.m.``, ``at 11.10``, ``1700hs``), a name or model containing digits (``Formula 1``,
``S-300``, ``RG 59``, ``Cultural Revolution 1``), an identifier after a numbering word
(``Number 1338``, ``Ref: Moscow 3501``, ``telegram 781``), a file size (``138 KB``), a
bare year, or the first of two numbers written side by side (``25 31 people``: a corrected figure).

These are kinds of contexts, each a pattern over the characters around the number; they hold for
any document, not for particular strings.
"""

from __future__ import annotations

import re

MONTHS = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|"
    r"январ[ьяе]|феврал[ьяе]|март[ае]?|апрел[ьяе]|ма[йяе]|июн[ьяе]|июл[ьяе]|август[ае]?|сентябр[ьяе]|октябр[ьяе]|ноябр[ьяе]|декабр[ьяе])"
)
_QUOTE = r"[\"'“”«»„\[\]()]*"
_MONTH_AFTER = re.compile(rf"{_QUOTE}\s*{_QUOTE}{MONTHS}\.?(?![\w])", re.I)
_MONTH_BEFORE = re.compile(rf"(?<![\w]){MONTHS}\.?\s*{_QUOTE}\s*{_QUOTE}$", re.I)
# 10/09/50, 10.01.50, 24.X.62, 13.10.50, 31.8 17:27, 09/30/50
_NUMERIC_DATE = re.compile(r"^\d{1,2}\s*[./-]\s*(?:\d{1,2}|[IVX]{1,4})\s*[./-]\s*\d{2,4}\b|^\d{1,2}\.(?:\d{1,2}|[IVX]{1,4})\s+\d{1,2}[:.]\d{2}\b")
_DATE_BEFORE = re.compile(r"\d{1,2}\s*[./-]\s*(?:\d{1,2}|[IVX]{1,4})\s*[./-]\s*$")
# the second day of a range: "between February 19 and 23", "on 5 and 6 May"
_DAY_RANGE_BEFORE = re.compile(rf"(?<![\w]){MONTHS}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\s*(?:and|to|through|until|[–—-])\s*$", re.I)
_CLOCK_AFTER = re.compile(r"\s*(?:[.:]\d{2}\s*)?(?:a\.?\s?m\b\.?|p\.?\s?m\b\.?|o['’]clock|hrs?\b|hs\b|h\b|ч\.|час)", re.I)
_CLOCK_WORD_BEFORE = re.compile(r"(?:\b(?:at|from|until|till|to|by|between|and|before|after|since|в|с|до)\s+)$", re.I)
_CLOCK_SHAPE = re.compile(r"^(?:[01]?\d|2[0-3])[.:][0-5]\d$")
_ENUM_LINE = re.compile(r"(?:^|\n)[ \t>*•-]*[(\[]?$")
_ENUM_AFTER = re.compile(r"(?:[.)\]]|\s*[-–—]\s)(?:\s|$)")
_BRACKETED = re.compile(r"[(\[]\s*$")
_BRACKET_CLOSE = re.compile(r"\s*[)\]]")
# A capitalised word or an acronym right before the number, joined by a space or a hyphen.
_NAME_BEFORE = re.compile(r"(?<![\w])(?P<w>[A-ZА-Я][\w’'.]*)(?P<j>[ \u00a0]|-)$")
_NUMBERING_BEFORE = re.compile(
    r"(?<![\w])(?:number|nr|ref|reference|issue|session|congress|plenum|edition|sequence|telegram|tel|cable|dispatch|message|"
    r"route|room|building|annex|appendix|attachment|enclosure|item|inv|file|folio|sheet|"
    r"RG|MS|MSS)\.?:?\s*(?:no\.?|nos\.?|nº|№|#)?\s*$",
    re.I,
)
_FILE_SIZE_AFTER = re.compile(r"\s*(?:KB|MB|GB|Kb|Mb|kbytes|bytes)\b")
_FUNCTION_WORDS = {
    "about", "around", "approximately", "some", "over", "under", "nearly", "almost", "only", "just", "the", "a", "an", "of", "in",
    "on", "at", "by", "for", "from", "to", "with", "all", "these", "those", "its", "his", "her", "their", "our", "and", "but", "or",
    "more", "less", "fewer", "up", "another", "each", "every", "than", "if", "when", "then", "there", "here", "as", "after",
    "before", "since", "during", "within", "between", "among", "altogether", "total", "exactly", "roughly",
    "further", "additional", "so", "yet", "still", "however", "also", "again", "we", "they", "he", "she", "it",
    "i", "you", "both", "least", "most", "many",
}


def _clause_start(text: str, pos: int) -> bool:
    """True when only spaces lie between ``pos`` and the start of its line or the end of a sentence."""
    a = max(text.rfind("\n", 0, pos), 0)
    head = text[a:pos].rstrip()
    return not head.strip() or head.endswith((".", "!", "?", ":", ";"))


def _marker(number: str, before: str, after: str) -> bool:
    """A list enumerator or a note marker: "(1)", "[4]", "2. Halt...", "1 - to the addressee", "Rostow/.4"."""
    if _BRACKETED.search(before[-3:]) and _BRACKET_CLOSE.match(after):
        return True
    if _ENUM_LINE.search(before) and _ENUM_AFTER.match(after) and not _CLOCK_AFTER.match(after):
        return True
    return bool(re.search(r"[A-Za-zА-Яа-я.,;:)”’]$", before[-1:] or " "))  # glued after a word or a full stop


def _date_part(number: str, text: str, start: int, before: str, after: str) -> bool:
    """'28 October', '"11" August', '10/09/50', '24.X.62', '31.8 17:27', '[19]56'."""
    if re.search(r"[\]\[]\s*$", before[-2:]) and after[:1].isdigit() or re.match(r"\]\d", after):
        return True
    if (_MONTH_AFTER.match(after) or _MONTH_BEFORE.search(before)) and (len(number) <= 2 or re.fullmatch(r"\d{4}", number)):
        return True
    if len(number) <= 2 and _DAY_RANGE_BEFORE.search(before):
        return True
    return bool(_NUMERIC_DATE.match(text[start:start + 20]) or _DATE_BEFORE.search(before))


def _clock_time(number: str, before: str, after: str) -> bool:
    """'10 a.m.', '5 P.M.', '1700hs', 'at 11.10', '3 to 9 p.m.'."""
    if _CLOCK_AFTER.match(after):
        return True
    return bool(_CLOCK_SHAPE.match(number) and _CLOCK_WORD_BEFORE.search(before))


def _name_with_digits(text: str, start: int, before: str) -> bool:
    """A number joined to a capitalised word or an acronym: 'Formula 1', 'S-300', 'RG 59', 'Revolution 1', 'Rakowski 4'."""
    m = _NAME_BEFORE.search(before)
    if not m or re.fullmatch(MONTHS + r"\.?", m.group("w"), re.I):
        return False
    if m.group("j") == "-":
        return True
    return m.group("w").lower() not in _FUNCTION_WORDS and not _clause_start(text, start - len(m.group(0)))


_EDITORIAL = re.compile(r"\b(?:lines?|paragraphs?|pages?|words?|sentences?)\b.*\b(?:declassified|illegible|omitted|excised|redacted|deleted|missing|printed)\b", re.I)


def _editorial_note(text: str, start: int) -> bool:
    """A number inside an editor's bracketed note on the text: '[less than 1 line not declassified]', '[2 words illegible]'."""
    a = text.rfind("[", max(0, start - 40), start)
    if a < 0 or "]" in text[a:start]:
        return False
    b = text.find("]", start, start + 80)
    return b > 0 and bool(_EDITORIAL.search(text, a, b))


def not_a_count(text: str, start: int, end: int) -> str | None:
    """The kind of context that makes the number at ``[start, end)`` no count or measure, or None."""
    before = text[max(0, start - 40):start]
    after = text[end:end + 40]
    number = text[start:end]
    if number[:1].isdigit():
        if _marker(number, before, after):
            return "enumerator or note marker"
        if _date_part(number, text, start, before, after):
            return "date part"
        if _clock_time(number, before, after):
            return "clock time"
        if _FILE_SIZE_AFTER.match(after):
            return "file size"
        if re.fullmatch(r"1[5-9]\d\d|20[0-3]\d", number):
            return "year"
        if _NUMBERING_BEFORE.search(before):
            return "identifier"
        if re.match(r"[ \u00a0]+\d", after) and not re.match(r"[ \u00a0]+\d{3}\b", after):
            return "corrected or adjacent figure"  # "25 31 people": two figures side by side
    if _editorial_note(text, start):
        return "editorial note"
    if _name_with_digits(text, start, before):
        return "name with digits"
    return None
