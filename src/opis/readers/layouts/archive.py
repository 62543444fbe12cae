"""Digital-archive record pages, in the two page layouts archives publish them in.

*Header layout* — the record as a web page saved to text::

    Skip to content
    <date>
    <title>
    This document was made possible with support from <funder>
    <body ...>
    <summary paragraph>
    Document Information
    <archival reference>. Obtained by X and translated by Y.
    <rights statement>
    Original Uploaded Date / Record ID / Original Classification <value> ...
    <funders>

*Citation layout* — the record as Markdown with labelled blocks::

    <date>
    **<title>**
    Citation: "<title>", <date>, <repository>, <archival reference>. Translated by X. <URL>
    Summary: ...   Credits: ...   Original Language: ...   Contents: Translation - English
    <body ...>

Both give the same ``fields`` (``Date``, ``Title``, ``Credits``, ``Citation`` or
``Document Information``, ``URL``, ``Summary``, ``Original Language``, ``Contents``,
``Record ID``, ``Original Classification``, ``Funders``, ``Rights``) and a clean body ``text``.
"""

from __future__ import annotations

import re

from opis.readers.base import RawDocument
from opis.readers.layouts.common import (
    Par,
    clean_inline,
    heading_text,
    is_boilerplate_line,
    is_rights_paragraph,
    join_broken_paragraphs,
    normalise_whitespace,
    one_line,
    paragraphs,
    strip_emphasis,
)

LAYOUT = "archive_record"

CITATION_LABELS = ["Citation", "Summary", "Credits", "Original Language", "Contents"]
_LABEL_RE = re.compile(r"^\**\s*(" + "|".join(CITATION_LABELS) + r")\s*:\s*\**\s*$", re.IGNORECASE)
# "**Summary:** text" with the value on the label's own line
_INLINE_LABEL_RE = re.compile(r"^\**\s*(" + "|".join(CITATION_LABELS) + r")\s*:\s*\**\s*(\S.*)$", re.IGNORECASE | re.DOTALL)
DOC_INFO_RE = re.compile(r"^\**\s*Document Information\s*:?\s*\**$", re.IGNORECASE)
CREDITS_RE = re.compile(r"^(?:this (?:document|record|item) (?:was|is) made possible|made possible) ", re.IGNORECASE)
URL_RE = re.compile(r"<?(https?://[^\s<>]+)>?")
_YEAR_RE = re.compile(r"\b(1[0-9]{3}|20[0-9]{2})\b")

# Labels of the "Document Information" section and what a value of each looks like.
_ORG_WORDS = re.compile(
    r"\b(?:Foundation|Fund|Corporation|Endowment|Trust|Institute|Program|Programme|Council|Center|Centre"
    r"|Society|Association|Ministry|University|Embassy|Agency|Government)\b"
)
INFO_LABELS: dict[str, re.Pattern[str] | None] = {
    "Original Uploaded Date": _YEAR_RE,
    "Record ID": re.compile(r"^[A-Za-z0-9._/-]{1,40}$"),
    "Original Classification": re.compile(r"^(?!.*(?:Foundation|Fund\b|Corporation|Institute|Trust|Endowment)).{2,60}$"),
    "Original Language": re.compile(r"^[A-Z][a-z]+(?:[ ,]+(?:and )?[A-Z][a-z]+){0,3}$"),
    "Original Archive": None,
    "Language": re.compile(r"^[A-Z][a-z]+(?:[ ,]+(?:and )?[A-Z][a-z]+){0,3}$"),
    "Theme": None,
    "Subjects": None,
    "Subject": None,
    "Keywords": None,
    "Credits": None,
}
_INFO_LABEL_RE = re.compile(r"^\**\s*(" + "|".join(INFO_LABELS) + r")\s*:?\s*\**$", re.IGNORECASE)
_CONTENTS_ITEM_RE = re.compile(
    r"^(?:(?:Translation|Transcript|Transcription|Original(?: Scan)?|Scan|Facsimile)\b(?:\s*[-–—:]\s*[A-Z][\w ]*)?)$",
    re.IGNORECASE,
)


def _label_key(label: str, labels) -> str:
    for known in labels:
        if known.lower() == label.lower():
            return known
    return label


def _bare(line: str) -> str:
    """A line without heading marks, emphasis and a trailing colon: '## **Citation:**' -> 'Citation'."""
    return heading_text(line).strip("* ").rstrip(":").strip("* ")


_UNDATED_RE = re.compile(r"^(?:undated|no date|date unknown|n\.\s?d\.|без даты)$", re.IGNORECASE)


def _looks_like_date_line(line: str) -> bool:
    if _UNDATED_RE.match(line):
        return True
    return bool(_YEAR_RE.search(line)) and len(line) <= 40 and len(line.split()) <= 6


# --- detection ------------------------------------------------------------------------------


def detect(text: str) -> str | None:
    """``header`` or ``citation`` when ``text`` is a record page of that layout, else None."""
    lines = {_bare(ln).lower() for ln in text.splitlines() if ln.strip()}
    lines |= {m.group(1).lower() for ln in text.splitlines() if (m := _INLINE_LABEL_RE.match(ln.strip()))}
    if "citation" in lines and len(lines & {"summary", "credits", "original language", "contents"}) >= 2:
        return "citation"
    if "document information" in lines and (
        "original uploaded date" in lines or "record id" in lines or "skip to content" in lines
        or any(CREDITS_RE.match(ln) for ln in lines)
    ):
        return "header"
    return None


def recognise(raw: RawDocument) -> RawDocument | None:
    kind = detect(raw.text)
    if kind is None:
        return None
    pars = paragraphs(raw.text)
    fields: dict[str, str] = {}
    body = _header_layout(pars, fields) if kind == "header" else _citation_layout(pars, fields)
    raw.layout = LAYOUT
    raw.fields.update({k: v for k, v in fields.items() if v})
    raw.fields["Page layout"] = kind
    raw.text = clean_body(body)
    return raw


def clean_body(pars: list[Par]) -> str:
    kept = [
        "\n".join(ln for ln in clean_inline(p.text).splitlines() if not is_boilerplate_line(ln))
        for p in pars
        if not is_rights_paragraph(p.text)
    ]
    kept = [k for k in kept if k.strip()]
    return normalise_whitespace("\n\n".join(join_broken_paragraphs(kept)))


def _front_matter(pars: list[Par], fields: dict[str, str]) -> int:
    """Date, title and credit lines at the top; returns the index of the first paragraph after them."""
    i = 0
    while i < len(pars) and all(is_boilerplate_line(ln) for ln in pars[i].text.splitlines()):
        i += 1
    if i < len(pars) and _looks_like_date_line(one_line(strip_emphasis(pars[i].text))):
        fields["Date"] = one_line(strip_emphasis(pars[i].text))
        i += 1
    if i < len(pars) and not _LABEL_RE.match(pars[i].first_line) and not CREDITS_RE.match(pars[i].text):
        fields["Title"] = one_line(clean_inline(pars[i].text))
        i += 1
    credits = []
    while i < len(pars) and CREDITS_RE.match(pars[i].text):
        credits.append(one_line(pars[i].text))
        i += 1
    if credits:
        fields["Credits"] = "\n".join(credits)
    return i


def _header_layout(pars: list[Par], fields: dict[str, str]) -> list[Par]:
    start = _front_matter(pars, fields)
    info = next((k for k in range(start, len(pars)) if DOC_INFO_RE.match(_bare(pars[k].text))), len(pars))
    body = pars[start:info]
    if info < len(pars) and len(body) > 1:
        fields["Summary"] = one_line(clean_inline(body[-1].text))
        body = body[:-1]
    _document_information(pars[info + 1:], fields)
    return body


def _document_information(pars: list[Par], fields: dict[str, str]) -> None:
    rights, rest = [], []
    for p in pars:
        (rights if is_rights_paragraph(p.text) else rest).append(p)
    if rights:
        fields["Rights"] = "\n".join(one_line(p.text) for p in rights)
    lines = [ln.strip() for p in rest for ln in p.text.splitlines() if ln.strip()]
    leftovers: list[str] = []
    i = 0
    while i < len(lines):
        m = _INFO_LABEL_RE.match(_bare(lines[i]))
        if m:
            label = _label_key(m.group(1), INFO_LABELS)
            pattern = INFO_LABELS[label]
            nxt = lines[i + 1] if i + 1 < len(lines) else None
            if nxt is not None and not _INFO_LABEL_RE.match(_bare(nxt)) and (pattern is None or pattern.search(nxt)):
                fields[label] = one_line(strip_emphasis(nxt))
                i += 2
                continue
            i += 1
            continue
        if "Document Information" not in fields and not leftovers:
            fields["Document Information"] = one_line(clean_inline(lines[i]))
        else:
            leftovers.append(one_line(strip_emphasis(lines[i])))
        i += 1
    funders = [ln for ln in leftovers if _ORG_WORDS.search(ln)]
    if funders:
        fields["Funders"] = "\n".join(funders)
    others = [ln for ln in leftovers if not _ORG_WORDS.search(ln)]
    if others:
        fields["Other"] = "\n".join(others)


def _citation_layout(pars: list[Par], fields: dict[str, str]) -> list[Par]:
    start = _front_matter(pars, fields)
    i = start
    label: str | None = None
    blocks: dict[str, list[str]] = {}
    body_start = len(pars)
    while i < len(pars):
        p = pars[i]
        m = _LABEL_RE.match(_bare(p.first_line) + ":")
        if m:
            label = _label_key(m.group(1), CITATION_LABELS)
            rest = p.text.split("\n", 1)[1] if "\n" in p.text else ""
            blocks[label] = [rest] if rest.strip() else []
            i += 1
            continue
        m = _INLINE_LABEL_RE.match(p.text)
        if m:
            label = _label_key(m.group(1), CITATION_LABELS)
            blocks[label] = [m.group(2)]
            i += 1
            continue
        if label == "Contents":
            items = [ln.strip() for ln in p.text.splitlines()]
            if all(_CONTENTS_ITEM_RE.match(strip_emphasis(ln)) for ln in items):
                blocks[label] += items
                i += 1
                continue
            body_start = i
            break
        if label is None:  # no label yet: front matter ended early; the body starts here
            body_start = i
            break
        blocks[label].append(p.text)
        i += 1
    for key, parts in blocks.items():
        if key == "Contents":
            fields[key] = "\n".join(one_line(strip_emphasis(x)) for x in parts)
        elif key == "Credits":
            fields[key] = "\n".join(one_line(x) for x in parts)
        else:
            fields[key] = one_line(" ".join(parts))
    citation = fields.get("Citation", "")
    url = URL_RE.search(citation)
    if url:
        fields["URL"] = url.group(1).rstrip(".,;)")
        fields["Citation"] = one_line(URL_RE.sub("", citation))
    if "Summary" in fields:
        fields["Summary"] = one_line(clean_inline(fields["Summary"]))
    return pars[body_start:]
