"""A document page of an online collection that names its source in a bracketed note after the
text ("[Source: TsKhSD, F. 3, Op. 12, D. 1006, unnumbered page. Compiled by V. N. Malin.]"):
the heading is the title, a date in it the date, the note the archival reference."""

from __future__ import annotations

from opis.metadata.dates import find_date
from opis.readers.layouts.record import source_note
from opis.readers.layouts.record.common import RecordPage, add_classification_from_head, body_text, title_like
from opis.readers.layouts.record.facts import GOOD, FactSheet
from opis.readers.layouts.record.lines import page_lines

FAMILY = "source_noted"


def read(text: str) -> RecordPage | None:
    """Read a page with a heading and a bracketed source note; None when it has no such note."""
    lines = page_lines(text)
    content = [i for i, ln in enumerate(lines) if not ln.chrome]
    note_at = source_note.find(lines)
    if not content or note_at is None or not lines[note_at].text.startswith("["):
        return None
    first = lines[content[0]]
    if not title_like(first.text) or first.text.endswith("."):
        return None
    sheet = FactSheet()
    sheet.add("title", first.text, first.start, first.end, "noted.heading", GOOD)
    date = find_date(first.text)
    if date:
        sheet.add("date", date.text or first.text, first.start, first.end, "noted.heading_date", GOOD)
    source_note.add_facts(lines[note_at], sheet, "noted.source_note")
    body = [lines[i] for i in content[1:] if i != note_at]
    add_classification_from_head(body, sheet)
    return RecordPage(FAMILY, "noted", sheet, body_text(text, body))
