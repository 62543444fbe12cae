"""Catalogue pages of declassified-document collections and research portals: a title, then
"Label: value" fields (a reading room's "Document Number (FOIA) /ESDN (CREST)", "Original
Classification: S", "Publication Date"; a portal's "Description", "Language of Original
Document", "Translators", "Document Source", "Call Number"), then the document's text
(after "Body:" where the page says so).
"""

from __future__ import annotations

import re

from opis.readers.layouts.record.common import (
    RecordPage,
    add_classification_from_head,
    body_text,
    is_date_line,
    title_like,
)
from opis.readers.layouts.record.digital_archive import is_language
from opis.readers.layouts.record.facts import GOOD, STRONG, FactSheet
from opis.readers.layouts.record.lines import page_lines
from opis.readers.layouts.record.marks import marks_in

FAMILY = "catalogue"
# One-letter classification codes of declassification catalogues.
CODES = {"U": "Unclassified", "C": "Confidential", "S": "Secret", "T": "Top Secret", "TS": "Top Secret", "R": "Restricted"}
_FIELDS = {"summary", "original_language", "translators", "reference", "source_archive", "classification", "date", "catalogue", "body"}


# Labels a catalogue names in its own words: read by what they say.
_GENERIC_RE = re.compile(r"^(?P<label>[A-Z][A-Za-z][A-Za-z ,()/&-]{1,40}?)\s*:\s*(?P<value>.*)$")
_CATALOGUE_WORDS = re.compile(
    r"\b(?:date|type|classification|document|collection|number|pages?|pagination|source|language|creation"
    r"|declassification|release|copy|case|series|box|folder|record|abstract|description|comments|ranking|count"
    r"|themes?|keywords|subjects?|persons|people|places|published|translated|transcription|formats|domain)\b",
    re.IGNORECASE,
)
_GENERIC_FIELDS = [
    (re.compile(r"^(?:date of (?:creation|document|origin)|date)$", re.IGNORECASE), "date"),
    (re.compile(r"classification", re.IGNORECASE), "classification"),
    (re.compile(r"^(?:abstract|description|summary)$", re.IGNORECASE), "summary"),
    (re.compile(r"language", re.IGNORECASE), "original_language"),
    (re.compile(r"translat", re.IGNORECASE), "translators"),
    (re.compile(r"^source$", re.IGNORECASE), "reference"),
]


def _label(line) -> tuple[str, str, str] | None:
    """(field, label, value) of a 'Label: value' line: a known label, or one whose words say
    what it holds ('Date of Creation', 'Level of Classification'); other catalogue labels are
    kept as 'catalogue' (no field)."""
    if line.label and line.label[0] in _FIELDS and ":" in line.text:
        return line.label
    m = _GENERIC_RE.match(line.text)
    if not m or not _CATALOGUE_WORDS.search(m.group("label")):
        return None
    label = m.group("label").strip()
    for rx, name in _GENERIC_FIELDS:
        if rx.search(label):
            return name, label, m.group("value").strip()
    return "catalogue", label, m.group("value").strip()


def read(text: str) -> RecordPage | None:
    """A catalogue's record page: a block of at least three kinds of labelled fields, the heading
    above it, the body after it; None if the page has no such block."""
    lines = page_lines(text)
    labels = {i: lab for i, ln in enumerate(lines) if (lab := _label(ln))}
    labelled = sorted(labels)
    kinds = {labels[i][1].lower() for i in labelled}
    if len(kinds) < 3:
        return None
    sheet = FactSheet()
    cut = not text.endswith("\n")
    used = set(labelled)
    _heading(lines, labelled[0], sheet, used)
    body_from = None
    for i in labelled:
        name, label, value = labels[i]
        span = lines[i]
        if not value and i + 1 < len(lines) and i + 1 not in labels and not _abstract_like(lines[i + 1].text):
            value, span = _value_lines(lines, labels, i, name, used)
        if name == "body":
            body_from = i + 1
            continue
        if value:
            at_end = cut and span.end >= len(text.rstrip())
            _add_field(sheet, name, value, span, f"catalogue.{label.lower().replace(' ', '_')}", at_end)
    if not sheet.has("summary") and body_from is None:
        _abstract(lines, labels, used, sheet)
    start = body_from if body_from is not None else max(used) + 1
    body = [ln for i, ln in enumerate(lines[start:], start) if not ln.chrome and i not in used]
    if not sheet.has("date"):
        dated = next((ln for ln in body[:4] if is_date_line(ln.text)), None)
        if dated is not None:  # the document's own date line under the catalogue's fields
            sheet.add("date", dated.text, dated.start, dated.end, "catalogue.document_date_line", GOOD)
    add_classification_from_head(body, sheet)
    return RecordPage(FAMILY, "labelled", sheet, body_text(text, body))


def _heading(lines, first_label: int, sheet: FactSheet, used: set[int]) -> None:
    """The title: the nearest heading line above the labels, past a date line."""
    for k in range(first_label - 1, -1, -1):
        ln = lines[k]
        if ln.chrome:
            continue
        if is_date_line(ln.text):
            sheet.add("date", ln.text, ln.start, ln.end, "catalogue.date_line", GOOD)
            used.add(k)
            continue
        if title_like(ln.text):
            sheet.add("title", ln.text, ln.start, ln.end, "catalogue.heading", GOOD)
            used.add(k)
        break


def _value_lines(lines, labels, i: int, name: str, used: set[int]):
    """(value, span) of a label whose value is on the lines below it, up to the next label (a value
    may wrap over several short lines; only a reference runs on past a blank line)."""
    j = i + 1
    while j < len(lines) and j not in labels and j - i <= 8 and (j == i + 1 or not lines[j].blank_before) \
            and (j == i + 1 or name == "reference"):
        j += 1
    first = lines[i + 1]
    value = " ".join(ln.text for ln in lines[i + 1:j])
    used.update(range(i + 1, j))
    return value, type(first)(value, first.start, lines[j - 1].end)


def _add_field(sheet: FactSheet, name: str, value: str, span, rule: str, at_end: bool) -> None:
    """The fact a labelled value gives, if its value has that fact's shape (a reference cut off by
    the page's end is left out)."""
    if name in ("summary", "translators") or name == "original_language" and is_language(value):
        sheet.add(name, value, span.start, span.end, rule, STRONG)
    elif name == "reference" and not at_end:
        ref = value if re.search(r"\b[a-z]{1,2}\.$", value) else value.rstrip(".")
        sheet.add("reference", ref, span.start, span.end, rule, STRONG)
    elif name == "source_archive":
        sheet.add("archive", value, span.start, span.end, rule, GOOD)
    elif name == "classification":
        code = CODES.get(value.strip().upper())
        if code or (len(value) <= 40 and marks_in(value)):
            sheet.add("classification", code or value, span.start, span.end, rule, STRONG)
    elif name == "date" and re.search(r"\d{4}", value):
        sheet.add("date", value, span.start, span.end, rule, STRONG)


def _abstract_like(text: str) -> bool:
    return len(text) > 200 and text.endswith((".", "”", '"')) and len(text.split()) > 30


def _abstract(lines, labels, used, sheet: FactSheet) -> None:
    """A catalogue's unlabelled abstract: a paragraph of prose right after the label block."""
    for i, ln in enumerate(lines):
        if i in used or i in labels or ln.chrome or i == 0 or (i - 1) not in used:
            continue
        if _abstract_like(ln.text):
            sheet.add("summary", ln.text, ln.start, ln.end, "catalogue.abstract_after_labels", GOOD)
            used.add(i)
        return
