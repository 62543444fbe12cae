"""What every record family shares: date and title lines, the summary register, the document
head, the body rebuilt from the lines no fact took, and the record a family returns."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from opis.metadata.dates import parse_date
from opis.readers.base import RawNote
from opis.readers.layouts.common import is_rights_paragraph, join_broken_paragraphs, normalise_whitespace
from opis.readers.layouts.record import marks
from opis.readers.layouts.record.facts import GOOD, FactSheet
from opis.readers.layouts.record.lines import Line

HEAD_LINES = 15  # how far into the body the document head (marks, number, address) may reach


@dataclass
class RecordPage:
    """What a family reader makes of a page: its facts, its body lines and notes."""

    family: str
    kind: str  # the family's own name for the page kind (header, citation, labelled, ...)
    sheet: FactSheet
    body: str
    notes: list[RawNote] = field(default_factory=list)


_UNDATED_RE = re.compile(r"^(?:undated|no date|date unknown|n\.\s?d\.|без даты)$", re.IGNORECASE)


def is_date_line(text: str) -> bool:
    """A line that is a date, or says the record has none ('Undated')."""
    return len(text) <= 40 and (parse_date(text) is not None or bool(_UNDATED_RE.match(text.strip())))


_SALUTATION = re.compile(r"^(?:Dear\b|(?:To|From|Re|Subject|Ref)\s*:)", re.IGNORECASE)


def title_like(text: str) -> bool:
    """A line that can be a record's title: a capitalised heading, not a sentence of prose, a
    salutation, a date or a label."""
    s = text.strip()
    words = s.split()
    if not (8 <= len(s) <= 400) or len(words) < 2:
        return False
    if s.endswith((":", ",", ";")) or _SALUTATION.match(s) or is_date_line(s):
        return False
    if not (s[0].isupper() or s[0].isdigit() or s[0] in "\"“‘'([«"):
        return False
    return not (s.endswith(".") and (len(s) > 150 or re.search(r"[a-z]{3,}\.\s+[A-Z]", s)))


# The register of an archive's summary: a third-person account of the document ("Kim Il Sung
# requests that ...", "The Chinese Embassy in Budapest reports ...", "A telegram received from
# ...", "These are the minutes of ...").
_REPORTING = re.compile(
    r"\b(?:reports?|requests?|says|say|describes?|discuss(?:es)?|informs?|tells|tell|asks|ask|express(?:es)?"
    r"|explains?|details|conveys?"
    r"|relays|sends|suggests|notes|outlines|summari[sz]es|recounts|writes|proposes|transmits|advises|warns"
    r"|argues|assesses|analy[sz]es|offers|reviews|considers|emphasi[sz]es|stresses|instructs|orders|agrees"
    r"|announces|criticizes|criticises|praises|urges|calls|reveals|confirms|comments|responds|replies"
    r"|complains|protests|claims|states|declares|proposes|recommends|provides|gives|lists|contains|includes"
    r"|had a conversation|met|meet|meets|visits|refers?|concerns?|covers?|relates|recalls?|presents?|sets out"
    r"|summons|receives|congratulates|thanks|promises|threatens|demands|insists|acknowledges|admits)\b"
)
_DOC_NOUN = re.compile(
    r"^(?:A|An|The|These are the|This is an?|This)?\s*(?:\w+\s+){0,2}(?:telegram|cable|letter|report|memorandum|memo|record|minutes"
    r"|notes|transcript(?:ion)?|summary|excerpts?|conversation|speech|note|document|message|directive|resolution"
    r"|decree|instruction|draft|appeal|statement|account|analysis|study|list|protocol)s?\b",
    re.IGNORECASE,
)


_FIRST_PERSON = re.compile(r"\b(?:I|we|We|my|My|our|Our|me|us)\b")


def summary_register(text: str) -> bool:
    """Whether a paragraph reads as an archive's summary of the document: a third-person account
    (a first-person sentence is the document itself speaking)."""
    first = re.split(r"(?<=[a-z\])])\.\s", text, maxsplit=1)[0]
    if _FIRST_PERSON.search(first):
        return False
    head = " ".join(first.split()[:14])
    return bool(_REPORTING.search(head) or _DOC_NOUN.match(text))


def document_head(lines: list[Line]) -> list[Line]:
    """The body's first lines, up to the first paragraph of prose."""
    out: list[Line] = []
    for line in lines[:HEAD_LINES]:
        if len(line.text) > 160:
            out.append(Line(line.text[:160], line.start, line.start + 160))  # a flattened head
            break
        out.append(line)
    return out


def add_classification_from_head(body: list[Line], sheet: FactSheet) -> None:
    """Add the classification mark of the document's head lines (SECRET ...), when it has one."""
    head = document_head(body)
    found = marks.classification([ln.text for ln in head])
    if found:
        value, i, _ = found
        sheet.add("classification", value, head[i].start, head[i].end, "document_head.mark", GOOD)


def body_text(text: str, lines: list[Line]) -> str:
    """The body as paragraphs from its lines' own words (blank lines between paragraphs kept)."""
    pars: list[str] = []
    for line in lines:
        words = line.text
        if pars and not line.blank_before:
            pars[-1] += "\n" + words
        else:
            pars.append(words)
    pars = [p for p in pars if not is_rights_paragraph(p)]
    return normalise_whitespace("\n\n".join(join_broken_paragraphs(pars)))


def paragraphs_of(lines: list[Line]) -> list[list[int]]:
    """Indices of ``lines`` grouped into paragraphs (a blank line, or each line in a page
    without blank lines, starts one)."""
    blanks = sum(1 for ln in lines if ln.blank_before)
    compact = blanks <= max(2, len(lines) // 6)
    out: list[list[int]] = []
    for i, line in enumerate(lines):
        if not out or line.blank_before or compact:
            out.append([i])
        else:
            out[-1].append(i)
    return out
