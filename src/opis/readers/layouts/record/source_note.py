"""The source note of a published document ("Source: Department of State, Central Files,
611.61/10–2056. Secret. Received at 4:01 p.m."; "[Source: TsKhSD, F. 3, Op. 12, D. 1006,
unnumbered page. Compiled by V. N. Malin.]"): the archival reference is its first sentence, a
classification its next one. Shared by the families whose pages carry such a note."""

from __future__ import annotations

import re

from opis.readers.layouts.record.citation import split_reference
from opis.readers.layouts.record.facts import STRONG, FactSheet
from opis.readers.layouts.record.lines import Line
from opis.readers.layouts.record.marks import marks_in

SOURCE_RE = re.compile(r"^\[?\s*(?:\d{1,2}\.\s+|/\d{1,2}/\s*)?Source:\s*(?P<note>.+?)\]?$")


def find(lines: list[Line]) -> int | None:
    """Index of the first source-note line."""
    return next((i for i, ln in enumerate(lines) if SOURCE_RE.match(ln.text)), None)


def add_facts(line: Line, sheet: FactSheet, rule: str) -> None:
    """Add the archival reference and classification a "Source:" note states."""
    m = SOURCE_RE.match(line.text)
    if not m:
        return
    note = m.group("note").strip()
    ref, rest = split_reference(note)
    if ref:
        sheet.add("reference", ref, line.start, line.end, f"{rule}.reference", STRONG)
    first = re.split(r"(?<=[a-z])\.\s", rest, maxsplit=1)[0] if rest else ""
    head = re.split(r"[;.]", first)[0].strip()
    if head and marks_in(head) and len(head) <= 40:
        from opis.metadata.fields import normalise_classification

        value = normalise_classification(head)
        if value:
            sheet.add("classification", value, line.start, line.end, f"{rule}.classification", STRONG)
