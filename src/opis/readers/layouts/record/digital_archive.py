"""Record pages of a digital archive of translated documents, in whatever form the page was
saved: the archive's current site (date line, title line, "made possible with support from"
line, text, summary, "Document Information"), its oldest site ("Search in", the summary and
citation under "get citation"), copies without blank lines, mirror hosts, Markdown with
"Citation:/Summary:/Credits:/Original Language:/Contents:" blocks, and flattened PDF copies that
run all of these into one line.

The page is read for facts wherever they stand, none by position alone: the citation sentence
(strongest), labelled blocks in any order, the "Document Information" section, the header
sequence (date line, title line, support line), and the summary by the block it stands in or,
on a page cut before its end, by its register after the document's closing lines.
"""

from __future__ import annotations

import re

from opis.metadata.fields import TYPE_WORDS_RE
from opis.readers.layouts.record import citation, credits
from opis.readers.layouts.record.common import (
    RecordPage,
    add_classification_from_head,
    body_text,
    is_date_line,
    paragraphs_of,
    summary_register,
    title_like,
)
from opis.readers.layouts.record.facts import GOOD, STRONG, WEAK, FactSheet
from opis.readers.layouts.record.lines import Line, page_lines
from opis.readers.layouts.record.source_note import SOURCE_RE

FAMILY = "digital_archive"
SUPPORT_RE = re.compile(
    r"^(?:credits:\s*)?(?:this (?:document|record|item|collection) (?:was|is) )?made possible (?:with|by|through)"
    r"(?: the)?(?: generous)? (?:support|funding|grants?) (?:from|of|by) ",
    re.IGNORECASE,
)
_DOC_INFO_RE = re.compile(r"^Document Information:?$", re.IGNORECASE)
# The section labels that follow a record's text on the archive's pages: where the text ends.
_TRAILER_RE = re.compile(
    r"^(?:Document Information|Author\(s\):?|Associated (?:Places|People(?: & Organizations)?|Topics|Documents)"
    r"|Subjects Discussed|Related Documents)\s*:?$",
    re.IGNORECASE,
)
_GET_CITATION_RE = re.compile(r"^get citation$", re.IGNORECASE)
_LANGUAGES = {
    "english", "russian", "chinese", "german", "polish", "hungarian", "romanian", "czech", "slovak", "bulgarian",
    "serbian", "croatian", "serbo-croatian", "slovenian", "macedonian", "albanian", "mongolian", "korean",
    "japanese", "vietnamese", "french", "spanish", "portuguese", "italian", "arabic", "persian", "farsi",
    "hebrew", "turkish", "kazakh", "uzbek", "kyrgyz", "tajik", "turkmen", "uyghur", "ukrainian", "belarusian",
    "georgian", "armenian", "azerbaijani", "lithuanian", "latvian", "estonian", "finnish", "swedish",
    "norwegian", "danish", "dutch", "greek", "hindi", "urdu", "bengali", "amharic", "khmer", "lao", "thai",
    "indonesian", "malay", "burmese", "tibetan", "yiddish", "latin", "tagalog", "swahili", "somali",
    "tigrinya", "icelandic", "catalan", "afrikaans", "pashto", "dari", "tamil",
}


def is_language(value: str) -> bool:
    """'Russian', 'Chinese, Russian', 'German and Polish': names of languages only."""
    parts = [p for p in re.split(r"\s*(?:,|;|/|\band\b)\s*", value.strip().lower()) if p]
    return bool(parts) and all(p in _LANGUAGES for p in parts)


def detect(lines: list[Line], text: str) -> str | None:
    """The page kind when ``lines`` are a record page of this family, else None."""
    labels = {ln.label[0] for ln in lines if ln.label}
    if citation.find(text) is not None:
        return "citation"
    if "citation" in labels and len(labels & {"summary", "credits", "original_language", "contents"}) >= 2:
        return "labelled"
    return "header" if any(rule(lines) for rule in _HEADER_RULES) else None


def _first_lines(lines: list[Line]) -> list[Line]:
    return [ln for ln in lines[:6] if not ln.chrome]


def _support_at_top(lines: list[Line]) -> bool:
    return any(SUPPORT_RE.match(ln.text) for ln in lines[:12])


def _doc_info_and_date(lines: list[Line]) -> bool:
    return any(_DOC_INFO_RE.match(ln.text) for ln in lines) and any(is_date_line(ln.text) for ln in lines[:8])


def _date_then_title(lines: list[Line]) -> bool:
    first = _first_lines(lines)
    return len(first) >= 2 and is_date_line(first[0].text) and title_like(first[1].text)


def _date_then_title_under_chrome(lines: list[Line]) -> bool:
    return _date_then_title(lines) and any(ln.chrome for ln in lines[:3])


def _opens_with_date_and_title(lines: list[Line]) -> bool:
    """A page that opens with the record's date and its title."""
    if not _date_then_title(lines):
        return False
    first = _first_lines(lines)
    return bool(
        TYPE_WORDS_RE.search(first[1].text) or (len(first) >= 3 and _starts_record(first[2].text))
        or (not first[1].text.endswith(".") and len(first[1].text) <= 250)
    )


def _repeated_date(lines: list[Line]) -> bool:
    """The oldest site repeats the date after the summary."""
    first = _first_lines(lines)
    dates = [ln.text for ln in first[:4] if is_date_line(ln.text)]
    return len(dates) >= 2 and is_date_line(first[0].text) and dates[0] == dates[1]


# the signs of a record page that opens with its header (date line, title, support line)
_HEADER_RULES = (_support_at_top, _doc_info_and_date, _date_then_title_under_chrome, _opens_with_date_and_title, _repeated_date)


def _starts_record(line: str) -> bool:
    """A third line that shows a record page's header went on (support line, mark, label)."""
    return bool(SUPPORT_RE.match(line) or re.match(r"^(?:Secret|Top Secret|Confidential|Sent|From|To|No\.|Ciphered)\b", line, re.IGNORECASE))


def read(text: str) -> RecordPage | None:
    """Read a digital archive's record page: labels, citation, summary, header and body; None when not one."""
    lines = page_lines(text)
    kind = detect(lines, text)
    if kind is None:
        return None
    sheet = FactSheet()
    used: set[int] = set()
    head_used: set[int] = set()

    cite = citation.add_facts(text, sheet)
    if cite:
        for i, ln in enumerate(lines):
            if ln.start < cite.end and ln.end > cite.start:
                used.add(i)
                head_used.add(i)

    trailer = next((i for i, ln in enumerate(lines) if _TRAILER_RE.match(ln.text)), len(lines))
    _labels(lines, trailer, sheet, used, head_used)
    _support_lines(lines, trailer, sheet, used, head_used)
    _header(lines, trailer, sheet, used, head_used)
    _get_citation_block(lines, sheet, used, head_used, cite)
    info = next((i for i in range(trailer, len(lines)) if _DOC_INFO_RE.match(lines[i].text)), None)
    if info is not None:
        _document_information(lines, info, sheet, len(text.rstrip()) if not text.endswith("\n") else None)

    _summary_after_citation(lines, cite, trailer, sheet, used, head_used)
    head_end = max(head_used) if head_used else -1
    body_idx = [i for i in range(head_end + 1, trailer) if i not in used and not lines[i].chrome]
    body_idx = _summary(lines, body_idx, trailer, sheet)
    body = [lines[i] for i in body_idx]
    add_classification_from_head(body, sheet)
    return RecordPage(FAMILY, kind, sheet, body_text(text, body))


def _labels(lines: list[Line], trailer: int, sheet: FactSheet, used: set[int], head_used: set[int]) -> None:
    """'Label:' blocks before the trailer: the value inline, or the lines after the label up to
    the next label or paragraph."""
    i = 0
    while i < trailer:
        lab = lines[i].label
        if not lab or lab[0] in ("date", "body", "catalogue") or ":" not in lines[i].text:
            i += 1  # a bare 'Summary' line is the document's own heading, not the page's label
            continue
        name, _, value = lab
        parts, spans = ([value], [lines[i]]) if value else ([], [])
        j = i + 1 if value else _label_block(lines, i + 1, trailer, name, parts, spans)
        used.update(range(i, j))
        head_used.update(range(i, j))
        if parts and spans:
            _add_label_fact(sheet, lab, " ".join(parts), spans[0].start, spans[-1].end)
        i = max(j, i + 1)


def _label_block(lines: list[Line], j: int, trailer: int, name: str, parts: list[str], spans: list[Line]) -> int:
    """Collect into ``parts``/``spans`` the value lines of a label from line ``j`` on; the line after them."""
    while j < trailer and not lines[j].label and not lines[j].chrome:
        if parts and lines[j].blank_before and name != "summary":
            break
        if name in ("original_language", "contents", "credits") and parts:
            break
        parts.append(lines[j].text)
        spans.append(lines[j])
        j += 1
        if name == "summary" and lines[j - 1].text.endswith((".", "”", '"')) and j < trailer and lines[j].blank_before:
            break
    return j


def _add_label_fact(sheet: FactSheet, lab, joined: str, start: int, end: int) -> None:
    """The fact of a labelled value, when it has that fact's shape."""
    name = lab[0]
    if name == "original_language":
        if is_language(joined):
            sheet.add("original_language", joined, start, end, "label.original_language", STRONG)
    elif name == "credits":
        if SUPPORT_RE.match(joined):
            sheet.add("funders", joined, start, end, "label.credits", STRONG)
    elif name == "summary":
        sheet.add("summary", joined, start, end, f"label.{lab[1].lower()}", STRONG)
    elif name == "citation":
        if not sheet.has("citation"):
            sheet.add("citation", joined, start, end, "label.citation", GOOD)
    elif name in ("record_id", "classification", "translators", "reference"):
        sheet.add(name, joined, start, end, f"label.{name}", STRONG)


def _support_lines(lines: list[Line], trailer: int, sheet: FactSheet, used: set[int], head_used: set[int]) -> None:
    for i in range(trailer):
        if i not in used and SUPPORT_RE.match(lines[i].text):
            sheet.add("funders", lines[i].text, lines[i].start, lines[i].end, "header.support_line", STRONG)
            used.add(i)
            head_used.add(i)


def _header(lines: list[Line], trailer: int, sheet: FactSheet, used: set[int], head_used: set[int]) -> None:
    """The header sequence: a date line, then (after an optional summary paragraph and a repeated
    date) the title line or paragraph."""
    top = [i for i in range(min(trailer, 40)) if not lines[i].chrome and i not in used]
    first_date = next((i for i in top[:8] if is_date_line(lines[i].text)), None)
    if first_date is None:
        return
    ln = lines[first_date]
    sheet.add("date", ln.text, ln.start, ln.end, "header.date_line", GOOD)
    used.add(first_date)
    head_used.add(first_date)
    k = first_date + 1
    while k < trailer and (lines[k].chrome or k in used) and not lines[k].label:
        k += 1
    k = _summary_after_date(lines, k, trailer, sheet, used, head_used)
    if k >= trailer or not title_like(lines[k].text) or lines[k].label:
        return
    title_lines = _title_lines(lines, k, trailer, used)
    title = " ".join(lines[i].text for i in title_lines)
    if title_like(title):
        sheet.add("title", title, lines[title_lines[0]].start, lines[title_lines[-1]].end, "header.title_line", GOOD)
        used.update(title_lines)
        head_used.update(title_lines)


def _summary_after_date(lines: list[Line], k: int, trailer: int, sheet: FactSheet, used: set[int],
                        head_used: set[int]) -> int:
    """The oldest site: a summary paragraph and the date again before the title; the line after them."""
    nxt = k + 1
    while nxt < trailer and lines[nxt].chrome:
        nxt += 1
    then_header = nxt < trailer and (is_date_line(lines[nxt].text) or nxt in used)
    if k < trailer and (lines[k].text.endswith(".") or not title_like(lines[k].text)) and len(lines[k].text) > 40 \
            and summary_register(lines[k].text) and then_header:
        sheet.add("summary", lines[k].text, lines[k].start, lines[k].end, "header.summary_after_date", GOOD)
        used.add(k)
        head_used.add(k)
        k += 1
        while k < trailer and (lines[k].chrome or k in used or is_date_line(lines[k].text)):
            used.add(k)
            head_used.add(k)
            k += 1
    return k


def _title_lines(lines: list[Line], k: int, trailer: int, used: set[int]) -> list[int]:
    """The title's lines from line ``k``: a paragraph of up to four lines, or only its first line
    when the paragraph goes on."""
    title_lines = [k]
    if lines[k].blank_before:
        j = k + 1
        while j < min(trailer, k + 4) and not lines[j].blank_before and not lines[j].label and not lines[j].chrome \
                and j not in used and not SUPPORT_RE.match(lines[j].text) and not is_date_line(lines[j].text):
            title_lines.append(j)
            j += 1
        if j < len(lines) and not lines[j].blank_before and j not in used and len(title_lines) > 1:
            title_lines = [k]  # a paragraph that goes on: the title is its first line only
    return title_lines


def _get_citation_block(lines: list[Line], sheet: FactSheet, used: set[int], head_used: set[int], cite) -> None:
    """The oldest site: 'get citation', then the summary, then the citation sentence."""
    for i, ln in enumerate(lines):
        if _GET_CITATION_RE.match(ln.text):
            used.add(i)
            head_used.add(i)
            j = i + 1
            parts = []
            while j < len(lines) and not (cite and lines[j].end > cite.start) and not lines[j].chrome:
                parts.append(j)
                j += 1
            if parts:
                text = " ".join(lines[p].text for p in parts)
                sheet.add("summary", text, lines[parts[0]].start, lines[parts[-1]].end, "citation_block.summary", STRONG)
                used.update(parts)
                head_used.update(parts)
            return


def _summary_after_citation(lines, cite, trailer, sheet, used, head_used) -> None:
    """A PDF copy's unlabelled summary: the paragraph right after the citation sentence, in a
    summary's register."""
    if cite is None or sheet.has("summary"):
        return
    after = [i for i, ln in enumerate(lines[:trailer]) if ln.start >= cite.end and not ln.chrome]
    if not after or after[0] in used:
        return
    par = [after[0]]
    for i in after[1:]:
        if lines[i].blank_before or i in used:
            break
        par.append(i)
    text = " ".join(lines[i].text for i in par)
    if len(text) >= 60 and summary_register(text) and (text.endswith(".") or not title_like(text)):
        sheet.add("summary", text, lines[par[0]].start, lines[par[-1]].end, "after_citation.summary_register", GOOD)
        used.update(par)
        head_used.update(par)


def _summary(lines: list[Line], body_idx: list[int], trailer: int, sheet: FactSheet) -> list[int]:
    """The summary at the end of the text: the paragraph before the "Document Information"
    section, or, on a page cut before it, a last paragraph in a summary's register that follows
    the document's closing lines. Returns the body without it."""
    if sheet.has("summary") or not body_idx:
        return body_idx
    sub = [lines[i] for i in body_idx]
    pars = paragraphs_of(sub)
    closed = trailer < len(lines)
    last = pars[-1]
    text = " ".join(sub[i].text for i in last)
    if len(text) < 40 or not re.search(r"[a-z]{3,}", text):
        return body_idx
    if len(pars) < 2:  # a page with no text shows only its summary before the trailer
        if not (closed and (len(text) <= 600 or summary_register(text)) and not text.startswith("[")):
            return body_idx
        before = ""
    else:
        before = " ".join(sub[i].text for i in pars[-2])
    ends_document = _closes_document(before)
    if text.startswith("[") or SOURCE_RE.match(text):
        return body_idx  # an editor's bracketed note or source note, not a summary
    if closed:
        rule, strength = "before_document_information", STRONG
    elif summary_register(text) and ends_document:
        rule, strength = "last_paragraph.summary_register", WEAK
    else:
        return body_idx
    first, end = sub[last[0]], sub[last[-1]]
    sheet.add("summary", text, first.start, end.end, rule, strength)
    drop = {body_idx[i] for i in last}
    return [i for i in body_idx if i not in drop]


_CLOSING_RE = re.compile(
    r"^(?:\[|(?:Typed|Printed|Sent|Received|Copies|Distribution|Signed|Executed|Deciphered|Dispatched|Respectfully|No\.|Nº|#)\b)"
)
_STAMP_RE = re.compile(r"\d{1,2}[/.:]\d{1,2}|\b(?:January|February|March|April|May|June|July|August|September|October|November|December)\b")


def _closes_document(par: str) -> bool:
    """A paragraph that ends a document rather than going on with it: a short bracketed note or
    footnote, a date, a dispatch or typing line, a signature in capitals."""
    if len(par) > 120:
        return False
    if _CLOSING_RE.match(par) or is_date_line(par):
        return True
    words = re.findall(r"[A-Za-z]+", par)
    if words and not any(w.islower() for w in words if len(w) > 2):
        return True  # a signature or a heading in capitals, an office's name
    return bool(_STAMP_RE.search(par)) and not par.rstrip().endswith((".", "?", "!")) or par.startswith("(")


def _document_information(lines: list[Line], trailer: int, sheet: FactSheet, cut_at: int | None = None) -> None:
    """The section after the text: the archival reference (first, or under "Source"), rights,
    "Record ID", "Original Classification" values, and the funders' names at its end."""
    i = trailer
    first_value = True
    while i < len(lines):
        ln = lines[i]
        if _TRAILER_RE.match(ln.text):
            if i > trailer and not _DOC_INFO_RE.match(ln.text):
                break  # the next section (associated or related documents) is not Document Information
            i += 1
            continue
        if ln.label:
            taken = _info_value(lines, i, sheet, cut_at)
            first_value = first_value and not taken
            i += taken or 1
            continue
        first_value = _info_line(ln, sheet, cut_at, first_value)
        i += 1
    _split_credits(sheet)


def _info_valid(name: str, label: str, v: str) -> bool:
    """Whether ``v`` has the shape of the Document Information value ``name``."""
    if name == "source":
        return not SUPPORT_RE.match(v) and not _is_rights(v) and len(v) <= 400
    if name == "record_id":
        return re.fullmatch(r"\d{1,12}", v) is not None
    if name == "classification":
        return _is_marking(v)
    if name == "catalogue":
        return not ORG_WORDS.search(v) or label.lower() in ("theme", "subjects", "keywords")
    return False


def _info_value(lines: list[Line], i: int, sheet: FactSheet, cut_at: int | None) -> int:
    """A labelled Document Information value at line ``i`` (inline or on the next line): how many
    lines it took, 0 if it is not a value (a source cut off by the page's end is none)."""
    ln, lab = lines[i], lines[i].label
    nxt = lines[i + 1] if i + 1 < len(lines) else None
    name = lab[0]
    value_line = None if lab[2] else nxt
    value = lab[2] or (value_line.text if value_line and not value_line.label and not value_line.chrome
                       and not _TRAILER_RE.match(value_line.text) else "")
    span = value_line or ln
    if not (value and _info_valid(name, lab[1], value)) or (name == "source" and cut_at and span.end >= cut_at):
        return 0
    rule = f"document_information.{lab[1].lower().replace(' ', '_')}"
    if name == "source":
        sheet.add("reference", value.rstrip("."), span.start, span.end, rule, STRONG)
    elif name in ("record_id", "classification"):
        sheet.add(name, value, span.start, span.end, rule, STRONG)
    return 2 if not lab[2] else 1


def _info_line(ln: Line, sheet: FactSheet, cut_at: int | None, first_value: bool) -> bool:
    """An unlabelled Document Information line: rights, the first value (the reference), or the
    funders' names. Returns whether the first value is still to come."""
    if _is_rights(ln.text):
        sheet.add("rights", ln.text, ln.start, ln.end, "document_information.rights", STRONG)
        return first_value
    if ln.chrome:
        return first_value
    cut_short = cut_at is not None and ln.end >= cut_at and not citation.split_reference(ln.text)[1]
    if first_value and not SUPPORT_RE.match(ln.text) and len(ln.text) <= 400 and not cut_short:
        sheet.add("reference", ln.text.rstrip("."), ln.start, ln.end, "document_information.first_line", STRONG)
        return False
    if ORG_WORDS.search(ln.text) and not sheet.all("funders_list"):
        sheet.add("funders_list", ln.text, ln.start, ln.end, "document_information.funders", GOOD)
    return first_value


def _split_credits(sheet: FactSheet) -> None:
    """A reference followed by its credit sentence: the reference, and the credits apart."""
    refs = [f for f in sheet.facts if f.field == "reference" and f.rule.startswith("document_information.")]
    for f in refs:
        ref, credit = citation.split_reference(f.value)
        f.value = ref
        if credit and credits.clauses(credit) and not any(c.rule == "document_information.credits" for c in sheet.facts):
            sheet.add("credits", credit, f.start, f.end, "document_information.credits", STRONG)


# Words that make a line the name of an institution (a funder, an archive), not a value of a label.
ORG_WORDS = re.compile(
    r"\b(?:Foundation|Fund|Corporation|Endowment|Trust|Institute|Program|Programme|Council|Center|Centre|Society"
    r"|Association|Ministry|University|Embassy|Agency|Government)\b"
)


def _is_rights(text: str) -> bool:
    from opis.readers.layouts.common import is_rights_paragraph

    return is_rights_paragraph(text) or text.lower().startswith("to enquire about")


def _is_marking(value: str) -> bool:
    from opis.readers.layouts.record.marks import marks_in

    return bool(marks_in(value)) and len(value) <= 60 and not ORG_WORDS.search(value)
