"""A page as lines with their offsets: markup bullets and emphasis taken off, flattened PDF text
split where an inline label or a date-prefixed title starts, each line marked when it is website
or viewer chrome.

Every line keeps ``start``/``end`` in the page text, so a fact found on a line keeps its span.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from opis.readers.layouts.common import strip_emphasis, strip_links
from opis.readers.layouts.record import chrome

# Labels of record pages, in the forms the archive and other catalogues print them.
LABELS = {
    "citation": "citation",
    "summary": "summary",
    "description": "summary",
    "abstract": "summary",
    "credits": "credits",
    "original language": "original_language",
    "language of original document": "original_language",
    "language of original": "original_language",
    "contents": "contents",
    "translators": "translators",
    "translator": "translators",
    "source": "source",
    "document source": "source_archive",
    "original archive": "source",
    "call number": "reference",
    "record id": "record_id",
    "original classification": "classification",
    "classification": "classification",
    "publication date": "date",
    "document date": "date",
    "date": "date",
    "document number (foia) /esdn (crest)": "reference",
    "document type": "catalogue",
    "collection": "catalogue",
    "release decision": "catalogue",
    "document page count": "catalogue",
    "document creation date": "catalogue",
    "document release date": "catalogue",
    "sequence number": "catalogue",
    "case number": "catalogue",
    "content type": "catalogue",
    "file": "catalogue",
    "body": "body",
    "number of pages": "catalogue",
    "cold war period": "catalogue",
    "persons": "catalogue",
    "original uploaded date": "catalogue",
    "theme": "catalogue",
    "subjects": "catalogue",
    "keywords": "catalogue",
}
# Labels that may stand inline in a flattened text ("... Citation: ... Summary: ..."): only the
# record-page ones, whose words rarely end a sentence before a colon.
INLINE_LABELS = [
    "Citation", "Summary", "Credits", "Original Language", "Contents", "Language of Original Document", "Translators",
    "Number of Pages", "Cold War Period", "Document Source", "Call Number", "Document Type", "Persons",
]
_INLINE_RE = re.compile(r"(?<=\S)\s+(?=(?:" + "|".join(INLINE_LABELS) + r")\s*:(?:\s|$))")
_LABEL_RE = re.compile(
    r"^(?P<label>" + "|".join(re.escape(k) for k in sorted(LABELS, key=len, reverse=True)) + r")\s*:?\s*(?P<value>.*)$",
    re.IGNORECASE,
)
_BULLET_RE = re.compile(r"^\s*(?:[•●▪◦·*-]|\d{1,2}\.(?=\s+Source:))\s+")
# A month as record pages print it, in full or abbreviated.
MONTH = (r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
          r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?")
DATE_PREFIX_RE = re.compile(r"^(?:" + MONTH + r"\s+\d{1,2},\s+\d{4}|\d{1,2}\s+" + MONTH + r"\s+\d{4})(?=\s+[A-Z\"“‘'])")
# A portal's heading run into its date: 'Reports ... Deputy Foreign Ministers9 Jan 1985 |'.
DATE_SUFFIX_RE = re.compile(
    r"(?:(?<=[A-Za-z)\]])(?P<date>\d{1,2} " + MONTH + r" \d{4})\s*\|?|\s(?P<piped>\d{1,2} " + MONTH + r" \d{4})\s*\|)\s*$"
)
_SPACED_RE = re.compile(r"\b(?:[A-Za-z] ){3,}[A-Za-z]\b")


@dataclass
class Line:
    """One line of a record page: its cleaned words, offsets, and whether it is site chrome."""

    text: str  # the words: bullets, emphasis and link markup removed, spaces squeezed
    start: int  # offsets of the line in the page text
    end: int
    blank_before: bool = False
    chrome: bool = False

    @property
    def label(self) -> tuple[str, str, str] | None:
        """(field, label as printed, inline value) when the line is a 'Label:' line."""
        m = _LABEL_RE.match(self.text)
        if not m:
            return None
        label = m.group("label")
        value = m.group("value").strip()
        has_colon = self.text[len(label):].lstrip().startswith(":")
        # a bare word ("Source", "Date") is a label only on a line of its own or with a colon
        if not has_colon and value:
            return None
        return LABELS[label.lower()], label, value.lstrip(": ").strip()


def unspaced(text: str) -> str:
    """'S e c r e t' -> 'Secret' (letter-spaced words of typewritten headers)."""
    return _SPACED_RE.sub(lambda m: m.group(0).replace(" ", ""), text)


def clean(text: str) -> str:
    """A page line's words: bullets, heading hashes, emphasis and link markup removed, spaces squeezed."""
    text = _BULLET_RE.sub("", text)
    text = strip_links(strip_emphasis(text)).replace("\u00a0", " ")
    text = re.sub(r"^#{1,6}\s+", "", text.strip())
    return re.sub(r"\s+", " ", text).strip().strip("*").strip().rstrip("|").strip()


def page_lines(text: str) -> list[Line]:
    """The page's non-blank lines, split at inline labels and date-prefixed titles."""
    out: list[Line] = []
    blank = True
    pos = 0
    for raw_line in text.splitlines(keepends=True):
        start, end = pos, pos + len(raw_line.rstrip("\r\n"))
        pos += len(raw_line)
        if not raw_line.strip():
            blank = True
            continue
        for s, e in _pieces(text, start, end):
            words = clean(text[s:e])
            if not words:
                continue
            out.append(Line(words, s, e, blank_before=blank, chrome=chrome.is_chrome(words)))
            blank = False
    return out


_CONTENTS_ITEMS_RE = re.compile(
    r"^(?:Contents:\s*(?:(?:[A-Z][a-z]+ )?Translation(?: - [A-Z][a-z]+)?|Original Scan|Transcript(?:ion)?)"
    r"|[A-Z][a-z]+ Translation|Translation - [A-Z][a-z]+|Original Scan)(?=\s+[A-Z0-9])"
)


def _pieces(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A line as one piece, or as several where a flattened PDF text runs labels, the site banner,
    a date-prefixed title and the body together."""
    line = text[start:end]
    cuts = {m.end() for m in _INLINE_RE.finditer(line)}
    for a, b in chrome.banners(line):
        cuts |= {a, b}
    m = DATE_SUFFIX_RE.search(line)
    if m and m.start() > 10:
        group = "date" if m.group("date") else "piped"
        cuts |= {m.start(group), m.end(group)}
    bounds = sorted({0, len(line), *cuts})
    out: list[tuple[int, int]] = []
    for a, b in zip(bounds, bounds[1:], strict=False):
        piece = line[a:b]
        lead = len(piece) - len(piece.lstrip())
        inner = [a, b]
        m = DATE_PREFIX_RE.match(piece.strip())
        if m and len(piece.strip()) > m.end() + 3:
            inner.insert(1, a + lead + m.end())
        m = _CONTENTS_ITEMS_RE.match(piece.strip())
        if m:
            inner.insert(1, a + lead + m.end())
        inner = sorted(set(inner))
        out += [(start + x, start + y) for x, y in zip(inner, inner[1:], strict=False) if line[x:y].strip()]
    return out
