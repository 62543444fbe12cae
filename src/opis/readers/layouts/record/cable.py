"""Diplomatic cables as the sending system printed them (State Department telegrams released as
text): a classification line, the routing header ("FM AMEMBASSY PRAGUE", "TO SECSTATE WASHDC"),
the date-time group ("R 281420Z APR 75"), "E.O.", "TAGS:", "SUBJECT:" and "REF:" lines, then
numbered paragraphs. The subject is the title, the date-time group the date.
"""

from __future__ import annotations

import re

from opis.readers.layouts.record.common import RecordPage, add_classification_from_head, body_text
from opis.readers.layouts.record.facts import GOOD, FactSheet
from opis.readers.layouts.record.lines import page_lines

FAMILY = "cable"
_SUBJECT_RE = re.compile(r"^(?:SUBJECT|SUBJ)\s*:\s*(?P<s>.+)$")
_FROM_RE = re.compile(r"^(?:FM|FROM)\s+[A-Z]")
_TO_RE = re.compile(r"^TO\s+[A-Z]")
_DTG_RE = re.compile(r"\b(?P<d>\d{2})(?P<t>\d{4})Z\s+(?P<m>JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC)\s+(?P<y>\d{2}|\d{4})\b")
_HEADER_RE = re.compile(r"^(?:E\.\s?O\.|TAGS|REF|SUBJECT|SUBJ|INFO|ACTION|PAGE \d+|FM|TO|R |O |P |Z )")


def read(text: str) -> RecordPage | None:
    """Read a diplomatic cable (SUBJECT, FROM and TO lines near the top); None when the page is not one."""
    lines = page_lines(text)
    top = lines[:40]
    subject = next((ln for ln in top if _SUBJECT_RE.match(ln.text)), None)
    if subject is None or not any(_FROM_RE.match(ln.text) for ln in top) or not any(_TO_RE.match(ln.text) for ln in top):
        return None
    sheet = FactSheet()
    m = _SUBJECT_RE.match(subject.text)
    sheet.add("title", m.group("s").strip(), subject.start, subject.end, "cable.subject", GOOD)
    for ln in top:
        d = _DTG_RE.search(ln.text)
        if d:
            year = int(d.group("y"))
            year = year + 1900 if year < 100 else year
            sheet.add("date", f"{int(d.group('d'))} {d.group('m').title()} {year}", ln.start, ln.end, "cable.date_time_group", GOOD)
            break
    add_classification_from_head(lines[:3], sheet)
    start = lines.index(subject) + 1
    while start < len(lines) and _HEADER_RE.match(lines[start].text):
        start += 1
    return RecordPage(FAMILY, "cable", sheet, body_text(text, lines[start:]))
