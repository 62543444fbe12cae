"""Documents of a published documentary edition in the form of the Foreign Relations of the
United States: a numbered heading ("94. Memorandum of a Conversation, Department of State,
Washington, October 20, 1956, 5 p.m.¹"), an optional subject and participants list, the text
with "[Page N]" markers, and numbered notes whose first is the source note with the file
signature and the classification.
"""

from __future__ import annotations

import re

from opis.metadata.dates import find_date
from opis.readers.base import RawNote
from opis.readers.layouts.record import source_note
from opis.readers.layouts.record.common import RecordPage, body_text
from opis.readers.layouts.record.facts import GOOD, FactSheet
from opis.readers.layouts.record.lines import page_lines

FAMILY = "documentary_edition"
_HEADING_RE = re.compile(r"^(?P<n>\d{1,4})\.\s+(?P<title>[A-Z][^\n]{5,400}?)(?<=[^\d\s/])(?P<fn>\d{1,2}|/\d{1,2}/)?$")
_KINDS = re.compile(
    r"\b(?:Memorandum|Telegram|Letter|Editorial Note|Paper|Minutes|Notes?|Report|Airgram|Despatch|Dispatch|Circular"
    r"|Message|Record|Estimate|Summary|Draft|Instruction|Memo|Statement|Conversation|Cable|Briefing|Study|Diary"
    r"|Intelligence|Transcript|Directive|Agreement)\b"
)
_NOTE_RE = re.compile(r"^(?P<n>\d{1,2})\.\s+(?P<text>.+)$")
_DATELINE_RE = re.compile(r"^[A-Z][\w .’'-]{1,40},\s+(?P<date>[A-Z][a-z]+\.? \d{1,2}, \d{4})(?:[,.].*)?$")


# Older volumes head a document with its decimal file number and kind, the title below:
# '891.00/12–245: Telegram' / 'The Ambassador in Iran (Murray) to the Secretary of State'.
_FILE_HEADING_RE = re.compile(r"^(?P<file>\d{2,4}(?:\.[\dA-Z]+)*/[\w.–-]+)\s*:\s*(?P<kind>[A-Z][a-z]+(?: [A-Z][a-z]+)?)$")


def _file_headed(text: str, lines, content) -> RecordPage | None:
    first = lines[content[0]]
    m = _FILE_HEADING_RE.match(first.text)
    if not m or not _KINDS.search(m.group("kind")) or len(content) < 2:
        return None
    title = lines[content[1]]
    sheet = FactSheet()
    sheet.add("reference", m.group("file"), first.start, first.start + len(m.group("file")), "edition.file_heading", GOOD)
    sheet.add("title", re.sub(r"(?<=[^\d\s])\d{1,2}$", "", title.text), title.start, title.end, "edition.title_below_file", GOOD)
    notes_at = next((i for i in content[2:] if _NOTE_RE.match(lines[i].text) and lines[i].text.startswith("1.")), len(lines))
    body = [lines[i] for i in content[2:] if i < notes_at]
    for ln in body[:3]:
        dm = _DATELINE_RE.match(ln.text)
        if dm:
            sheet.add("date", dm.group("date"), ln.start, ln.end, "edition.dateline", GOOD)
            break
    notes = [RawNote(n=int(nm.group("n")), text=nm.group("text"))
             for i in content if i >= notes_at and (nm := _NOTE_RE.match(lines[i].text))]
    return RecordPage(FAMILY, "file_headed", sheet, body_text(text, body), notes)


def read(text: str) -> RecordPage | None:
    """An edition's document page: file-headed, or a numbered heading ('123. Telegram From ...')
    with a footnote mark or a source note; None otherwise."""
    lines = page_lines(text)
    content = [i for i, ln in enumerate(lines) if not ln.chrome]
    if not content:
        return None
    page = _file_headed(text, lines, content)
    if page is not None:
        return page
    heading = next((i for i in content[:25] if (h := _HEADING_RE.match(lines[i].text)) and _KINDS.search(h.group("title"))), None)
    if heading is None:
        return None
    first = lines[heading]
    m = _HEADING_RE.match(first.text)
    content = [i for i in content if i >= heading]
    note_at = source_note.find(lines)
    if not m.group("fn") and note_at is None:
        return None
    sheet = FactSheet()
    _heading_facts(first, m, sheet)
    notes: list[RawNote] = []
    end = len(lines)
    if note_at is not None:
        end = note_at if note_at > heading + 4 else len(lines)
        source_note.add_facts(lines[note_at], sheet, "edition.source_note")
        notes = _notes_from(lines[note_at:])
    body = [lines[i] for i in content[1:] if i < end]
    if note_at is not None and note_at < (content[1] if len(content) > 1 else note_at + 1) + 3:
        body = [lines[i] for i in content[1:] if i != note_at]  # the note printed under the heading
    for ln in body[:3]:
        dm = _DATELINE_RE.match(ln.text)
        if dm and not sheet.has("date"):
            sheet.add("date", dm.group("date"), ln.start, ln.end, "edition.dateline", GOOD)
    return RecordPage(FAMILY, "numbered", sheet, body_text(text, body), notes)


def _heading_facts(first, m: re.Match, sheet: FactSheet) -> None:
    """Title, document number and (when the title holds one) date of a numbered heading."""
    title = m.group("title").strip()
    sheet.add("title", title, first.start + m.start("title"), first.start + m.end("title"), "edition.numbered_heading", GOOD)
    sheet.add("document_number", m.group("n"), first.start, first.start + len(m.group("n")), "edition.number", GOOD)
    date = find_date(title)
    if date:
        sheet.add("date", date.text or title, first.start, first.end, "edition.heading_date", GOOD)


def _notes_from(lines) -> list[RawNote]:
    """The footnotes from the source note on: numbered lines start a note, others continue it."""
    notes: list[RawNote] = []
    n = 0
    for ln in lines:
        nm = _NOTE_RE.match(ln.text)
        if nm or not notes:
            n = int(nm.group("n")) if nm else n + 1
            notes.append(RawNote(n=n, text=nm.group("text") if nm else ln.text))
        else:
            notes[-1].text += " " + ln.text
    return notes
