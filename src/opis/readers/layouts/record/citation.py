"""The archive's own citation sentence, the strongest source of a record page:

    "<title>," <date>, <repository>, <archival reference>. Obtained by X and translated by Y. <URL>

with the title quoted (or, in PDF copies, unquoted and ended by the date), the date in any
precision (or missing: ``"Title," , 1961``), the repository a digital archive, the reference
ending where the credit sentence, a publication note or the URL begins.
Pure functions over a text and offsets into it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from opis.metadata.fields import record_id_from_url
from opis.readers.layouts.record.facts import GOOD, STRONG, FactSheet
from opis.readers.layouts.record.lines import MONTH

DATE_RE = (r"(?:" + MONTH + r"\s+\d{1,2},?\s+\d{4}|\d{1,2}\s+" + MONTH + r",?\s+\d{4}|" + MONTH + r",?\s+\d{4}"
           r"|(?:Spring|Summer|Autumn|Fall|Winter),?\s+\d{4}|(?:ca?\.\s*|circa\s+)?\d{4}(?:\s*[-–/]\s*\d{4})?s?"
           r"|[Uu]ndated|n\.\s?d\.)")
# The repository of a digital archive's citation ("History and Public Policy Program Digital
# Archive", "Wilson Center Digital Archive"): a capitalised name ending in "Digital Archive".
REPOSITORY_RE = r"(?:(?:[A-Z][\w&.'’-]*|and|of|for|the)\s+){0,8}?Digital\s+(?:Archive|Library|Collections?)"
_QUOTED = re.compile(
    r"[\"“](?P<title>[^\"”\n]{3,600}?)[,.]?\s*[\"”]\s*,?\s*(?:(?P<date>" + DATE_RE + r")\s*,?\s*)?,?\s*"
    r"(?P<repo>" + REPOSITORY_RE + r")\s*,\s*(?P<rest>[^\n]*)"
)
_UNQUOTED = re.compile(
    r"(?P<title>[A-Z][^\n]{8,600}?),\s+(?P<date>" + DATE_RE + r"),\s+(?P<repo>" + REPOSITORY_RE + r")\s*,\s*(?P<rest>[^\n]*)"
)
URL_RE = re.compile(r"<?(https?://[^\s<>]+?)>?(?=[\s)]|$)")
# Where the reference ends: a credit clause, a note on other copies or publication, the URL.
_REF_END = re.compile(
    r"(?:[.;,]\s+|\s+)(?=(?:copy\s+|a\s+copy\s+)?(?:obtained|translated|translation|contributed|donated|compiled|provided"
    r"|transcribed)\b)"
    r"|[.;]\s+(?=(?:also available|published|reprinted|originally|see also|courtesy)\b)"
    r"|;\s+(?=(?:document|doc\.)\s+(?:no\.?\s*)?\d+\s+in\b|in\s+[A-Z])",  # a printed edition after ';'
    re.IGNORECASE,
)
# Words a period follows inside a reference without ending it (f. 5, op. 73, ll. 113, No. 5, D.C.).
ABBREVIATIONS = {
    "f", "ff", "op", "d", "l", "ll", "no", "nr", "vol", "vols", "p", "pp", "t", "str", "doc", "docs", "fol",
    "fols", "ed", "eds", "st", "dr", "mr", "mrs", "jr", "sr", "co", "inc", "cf", "ch", "sec", "art", "pt",
    "k", "r", "ser", "arch", "fd", "inv", "sign", "sygn", "nos", "d.c", "u.s", "bd", "vyp", "ark",
}


@dataclass
class Citation:
    """A record page's citation block: title, date, repository, reference, credits, URL and its span."""

    title: str | None
    date: str | None
    repository: str | None
    reference: str | None
    credits: str | None
    url: str | None
    start: int
    end: int


def _flat(text: str) -> tuple[str, list[int]]:
    """The text with line breaks inside a paragraph joined by spaces, and each flat position's
    offset in the text (PDF copies wrap the citation over several lines)."""
    out, where = [], []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch in " \t\r\n" and i + 1 < n:
            j = i
            while j < n and text[j] in " \t\r\n\u00a0":
                j += 1
            breaks = text.count("\n", i, j)
            if breaks >= 2 or j >= n or (breaks == 1 and not _wrapped(text, i, j)):
                out.append("\n")
            else:
                out.append(" ")
            where.append(i)
            i = j
            continue
        out.append(ch)
        where.append(i)
        i += 1
    where.append(n)
    return "".join(out), where


_CREDIT_START = re.compile(r"(?:copy\s+)?(?:obtained|translated|translation|contributed|donated|compiled|provided)\b", re.IGNORECASE)


def _wrapped(text: str, i: int, j: int) -> bool:
    """Whether the line break between ``i`` and ``j`` only wraps a paragraph: the line before does
    not end a sentence (or the next line goes on with the credits), and the next is no list item."""
    nxt = text[j:j + 40]
    if re.match(r"[•●▪◦·*-]\s", nxt):
        return False
    line_start = text.rfind("\n", 0, i) + 1
    indent = len(text[line_start:i]) - len(text[line_start:i].lstrip(" \t"))
    next_start = text.rfind("\n", 0, j) + 1
    if indent != j - next_start and (indent >= 2 or j - next_start >= 2):
        return False  # the next line is indented otherwise: another block (a quoted citation in a page)
    before = text[max(0, i - 2):i].rstrip()
    return (not before.endswith((".", "!", "?", '"', "”", ":")) or bool(_CREDIT_START.match(nxt))
            or nxt.startswith(("http://", "https://", "<http")))


def sentence_end(s: str) -> int | None:
    """Where the first sentence of a reference ends: '. ' before a capital, not after an
    abbreviation or an initial."""
    for m in re.finditer(r"\.\s+(?=[A-Z\"“])", s):
        before = re.search(r"([\w.]+)$", s[: m.start()])
        token = before.group(1).lower() if before else ""
        if token in ABBREVIATIONS or (len(token) == 1 and token.isalpha()) or re.fullmatch(r"(?:[a-z]\.)+[a-z]", token):
            continue  # an abbreviation, an initial, initials ('G.P. Murashko')
        return m.start()
    return None


def split_reference(rest: str) -> tuple[str, str]:
    """'PRC FMA 109-01041-01, 45-46. Obtained by X ...' -> ('PRC FMA 109-01041-01, 45-46', 'Obtained by X ...')."""
    ends = [m.start() for m in [_REF_END.search(rest)] if m]
    s_end = sentence_end(rest)
    if s_end is not None:
        ends.append(s_end)
    if not ends:
        return rest.strip().rstrip(".").strip(" ,;"), ""
    cut = min(ends)
    ref = rest[:cut].strip().rstrip(".").strip(" ,;")
    return ref, rest[cut:].lstrip(" .;,")


# An archive's own citation line without a digital repository: '"Report on Hungary", 30 May 1961.
# HU OSA 398-0-1-10178; Records of ...; Open Society Archives ...' — at a line's start, its rest
# naming an archive or a fond.
_BARE = re.compile(
    r"^[\"“](?P<title>[^\"”\n]{3,300}?)[,.]?[\"”]\s*,\s*(?P<date>" + DATE_RE + r")\s*[.,]\s*(?P<repo>)(?P<rest>[^\n]*)",
    re.MULTILINE,
)
_ARCHIVE_WORDS = re.compile(r"\b(?:Archives?|Archiv\w*|Records|Collection|Library|Fond|f\.\s*\d|RG\s*\d|[A-Z]{2,}\s+[\dA-Z-]+)")


def find(text: str) -> Citation | None:
    """The first citation sentence of ``text`` (quoted title first, then the unquoted PDF form,
    then an archive's bare citation line)."""
    flat, where = _flat(text)
    m = _QUOTED.search(flat) or _UNQUOTED.search(flat)
    if not m:
        m = _BARE.search(text)  # on the text as printed: the line must start with the quote
        if not m or not _ARCHIVE_WORDS.search(m.group("rest")):
            return None
        flat, where = text, list(range(len(text) + 1))
    rest = m.group("rest")
    url = None
    u = URL_RE.search(rest)
    if u:
        url = u.group(1).rstrip(".,;)")
        rest = rest[: u.start()]
    rest = re.sub(r"^\s*Source\s*:\s*", "", rest)  # 'Source: CDA, f. 1 ...' — the label is not the reference
    ref, credit = split_reference(rest)
    title = re.sub(r"(\w)- (?=[a-z])", r"\1-", m.group("title").strip().rstrip(",").strip())
    again = title.rfind(title[:25]) if len(title) > 50 else 0
    if again > 0:  # a PDF copy's heading run into its unquoted citation: the title once
        title = title[again:]
    end = m.end("rest") if not u else m.start("rest") + u.end()
    return Citation(
        title=title or None, date=(m.group("date") or "").strip() or None, repository=m.group("repo") or None,
        reference=ref or None, credits=credit.strip() or None, url=url,
        start=where[m.start()], end=where[min(end, len(where) - 1)],
    )


def add_facts(text: str, sheet: FactSheet) -> Citation | None:
    """Title, date, reference, credits, URL and record id of the citation sentence, as facts."""
    c = find(text)
    if c is None:
        return None
    rule = "citation"
    span = (c.start, c.end)
    if c.title:
        sheet.add("title", c.title, *span, f"{rule}.title", STRONG)
    if c.date:
        sheet.add("date", c.date, *span, f"{rule}.date", STRONG)
    if c.reference:
        sheet.add("reference", c.reference, *span, f"{rule}.reference", STRONG)
    if c.credits:
        sheet.add("credits", c.credits, *span, f"{rule}.credits", STRONG)
    if c.url:
        sheet.add("url", c.url, *span, f"{rule}.url", STRONG)
        rid = record_id_from_url(c.url)
        if rid:
            sheet.add("record_id", rid, *span, f"{rule}.url_record_id", GOOD)
    sheet.add("citation", text[c.start:c.end], *span, rule, STRONG)
    return c
