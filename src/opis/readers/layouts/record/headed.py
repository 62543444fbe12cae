"""A document page that opens with its title and, on the next line, its date (a library's public
papers, a collection's document page), after whatever navigation the site prints above them:

    Joint Report With Allied Leaders on the Potsdam Conference
    August 2, 1945
    I. REPORT ON THE TRIPARTITE CONFERENCE OF BERLIN ...
"""

from __future__ import annotations

from opis.readers.layouts.record.common import (
    RecordPage,
    add_classification_from_head,
    body_text,
    is_date_line,
    title_like,
)
from opis.readers.layouts.record.facts import GOOD, FactSheet
from opis.readers.layouts.record.lines import page_lines

FAMILY = "headed"
TOP = 15  # how far down the title and date may stand


def read(text: str) -> RecordPage | None:
    """Read a page that opens with a title line and a date line; None when it does not."""
    lines = page_lines(text)
    content = [i for i, ln in enumerate(lines[:TOP]) if not ln.chrome]
    for a, b in zip(content, content[1:], strict=False):
        title, date = lines[a], lines[b]
        if title_like(title.text) and not title.text.endswith(".") and is_date_line(date.text) and not title.label:
            sheet = FactSheet()
            sheet.add("title", title.text, title.start, title.end, "headed.title_line", GOOD)
            sheet.add("date", date.text, date.start, date.end, "headed.date_line", GOOD)
            body = [ln for ln in lines[b + 1:] if not ln.chrome]
            add_classification_from_head(body, sheet)
            return RecordPage(FAMILY, "title_date", sheet, body_text(text, body))
    return None
