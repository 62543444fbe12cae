"""Security classification marks in a document's head, as its typist set them: on a line of their
own ('TOP SECRET', 'S e c r e t'), beside a copy number ('Secret, Copy 1, 19 April 1958',
'Secret Copy Nº 2'), at a line's end in a two-column header ('in the MPR Secret') or among other
header marks ('Number 1338 Top Secret Top Urgent'). A mark in running prose ('the secret
protocol', 'a Secret Speech') is not one: a single capitalised word must stand at a line's edge
or beside punctuation, a copy number, another mark or a capitalised header word.
"""

from __future__ import annotations

import re

from opis.metadata.fields import normalise_classification
from opis.readers.layouts.record.lines import unspaced

_MULTI = r"Top[- ]Secret|Strictly Secret|Absolutely Secret|Strictly Confidential|(?:Of )?Special Importance|Special File|For Official Use Only|Eyes Only"
_SINGLE = r"Secret|Confidential|Restricted|Unclassified"
# Marks of Russian and Chinese originals, in any case: they are never words of English prose.
_NATIVE = r"совершенно секретно|особой важности|особая папка|секретно|для служебного пользования|绝密|机密|秘密"
_UPPER = re.compile(r"(?<![\w-])(?:" + _MULTI.upper() + "|" + _SINGLE.upper() + r"|TOP-SECRET)(?![\w-])")
_NATIVE_RE = re.compile(r"(?<!\w)(?:" + _NATIVE + r")(?!\w)", re.IGNORECASE)
_TITLE_MULTI = re.compile(r"(?<![\w-])(?:" + _MULTI + r")(?![\w-])")
_TITLE_SINGLE = re.compile(r"(?<![\w-])(?:" + _SINGLE + r")(?![\w-])")
# What may stand beside a single-word mark: nothing, punctuation, a copy or number mark, another
# header mark, a number, an all-capitals word.
_NEIGHBOUR = re.compile(
    r"^(?:$|[.,;:/()\[\]–—-]|(?:copy|only|no\.?|n[º°o]|№|#|urgent|immediate|personal|\d)\b|[A-Z]{2,}\b)", re.IGNORECASE
)
_NEIGHBOUR_CASE = re.compile(
    r"^(?:$|[.,;:/()\[\]–—-]|(?:[Cc]opy|[Oo]nly|No\.?|N[º°o]|№|#|Urgent|Immediate|Personal|\d)|[A-Z]{2,}\b"
    r"|(?:Document|Doc\.|File)\s*(?:No\.?\s*)?\d)"  # 'Secret Document 280': the mark and the file's number
)


def marks_in(line: str) -> list[tuple[int, int]]:
    """Spans of classification marks in one header line (offsets in the line)."""
    s = unspaced(line) if len(unspaced(line)) == len(line) else line
    found: list[tuple[int, int]] = []
    for m in _UPPER.finditer(s):
        found.append((m.start(), m.end()))
    for m in _NATIVE_RE.finditer(s):
        if not any(a <= m.start() < b for a, b in found):
            found.append((m.start(), m.end()))
    for m in _TITLE_MULTI.finditer(s):
        if not any(a <= m.start() < b for a, b in found):
            found.append((m.start(), m.end()))
    for m in _TITLE_SINGLE.finditer(s):
        if any(a <= m.start() < b for a, b in found):
            continue
        before, after = s[: m.start()].rstrip(), s[m.end():].lstrip()
        left_ok = not before or before[-1] in ".,;:/()[]–—-" or re.search(r"(?:\b[A-Z]{2,}|\d)$", before)
        if _NEIGHBOUR_CASE.match(after) or (left_ok and not after):
            found.append((m.start(), m.end()))
    return sorted(found)


def classification(lines: list[str]) -> tuple[str, int, int] | None:
    """The classification the head lines print: (value, line index, offset in line) of the first."""
    for i, line in enumerate(lines):
        text = unspaced(line)
        spans = marks_in(text)
        if spans:
            value = normalise_classification(" / ".join(text[a:b] for a, b in spans))
            if value:
                return value, i, spans[0][0]
    return None
