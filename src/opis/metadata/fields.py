"""Single metadata values from titles, header lines and labelled blocks: document type,
security classification, document number, the archival reference of a citation, record id,
and the journal citation of an article. Pure functions over strings."""

from __future__ import annotations

import re
from dataclasses import dataclass

# --- document type -----------------------------------------------------------------------------

# (pattern, type) — the first that matches wins, so specific forms come before general ones.
DOC_TYPES: list[tuple[str, str]] = [
    (r"(?:record|memorandum|minutes|notes?|transcript) of (?:a |the )?conversations?|conversations? (?:between|with)", "record of conversation"),
    (r"(?:ciphered|cipher|coded|encrypted|special) telegrams?|telegrams?|cables?|radiograms?|by cipher|shifrtelegramma", "telegram"),
    (r"memorand(?:um|a)|memo|aide[- ]m[ée]moire", "memorandum"),
    (r"reports?|spravka|information note", "report"),
    (r"letters?|message", "letter"),
    (r"minutes|protocol|stenographic record|transcript", "minutes"),
    (r"directives?", "directive"),
    (r"decrees?|ukaz", "decree"),
    (r"resolutions?|decisions?|postanovlenie", "resolution"),
    (r"orders?|prikaz", "order"),
    (r"instructions?", "instruction"),
    (r"diary|journal entry", "diary"),
    (r"speech|address|remarks", "speech"),
    (r"statement|declaration|communiqu[ée]", "statement"),
    (r"notes?(?: verbale)?", "note"),
    (r"interview", "interview"),
    (r"treaty|agreement", "agreement"),
    # Russian headings
    (r"шифротелеграмма|телеграмма", "telegram"),
    (r"докладная записка|служебная записка|записка", "memorandum"),
    (r"спецсообщение|доклад|донесение|справка|сводка|отч[её]т", "report"),
    (r"письмо", "letter"),
    (r"постановление|решение", "resolution"),
    (r"приказ", "order"),
    (r"директива", "directive"),
]
TYPE_WORDS_RE = re.compile(r"\b(?:" + "|".join(p for p, _ in DOC_TYPES) + r")\b", re.IGNORECASE)
_TYPE_RES = [(re.compile(r"(?<![\w-])(?:" + p + r")(?![\w-])", re.IGNORECASE), t) for p, t in DOC_TYPES]


_IDIOMS = re.compile(r"\bin order (?:to|that)\b", re.IGNORECASE)


def doc_type_from_title(title: str) -> str | None:
    """The kind a title names ('Report from ...', 'Memorandum Given to ...'); the earliest word wins.

    Only capitalised words count, so 'in order to' in a title is not an order."""
    best: tuple[int, str] | None = None
    title = _IDIOMS.sub(lambda m: " " * len(m.group(0)), title)
    for rx, kind in _TYPE_RES:
        for m in rx.finditer(title):
            if not (m.group(0)[:1].isupper() or m.start() == 0):
                continue
            if best is None or m.start() < best[0]:
                best = (m.start(), kind)
            break
    return best[1] if best else None


def doc_type_from_header(lines: list[str]) -> str | None:
    """The kind the head of a document prints on a line of its own ('BY CIPHER', 'MEMORANDUM')."""
    for line in lines:
        s = line.strip().strip("*[]().:").strip()
        if not s or len(s) > 40:
            continue
        for rx, kind in _TYPE_RES:
            m = rx.match(s)
            if m and (m.end() == len(s) or re.match(r"^\s*(?:No\.?|N[º°]|№)\s*\S+$", s[m.end():])):
                return kind
    return None


# --- classification ----------------------------------------------------------------------------

CLASSIFICATIONS: list[tuple[str, str]] = [
    (r"top[- ]secret|sovershenno sekretno|совершенно секретно|绝密", "Top Secret"),
    (r"strictly secret", "Strictly Secret"),
    (r"absolutely secret", "Absolutely Secret"),
    (r"(?:of )?special importance|особой важности|osoboi vazhnosti", "Special Importance"),
    (r"special (?:file|folder)|особая папка", "Special File"),
    (r"strictly confidential", "Strictly Confidential"),
    (r"personal and confidential", "Personal and Confidential"),
    (r"secret|секретно|机密", "Secret"),
    (r"confidential|конфиденциально|秘密", "Confidential"),
    (r"for official use only|для служебного пользования", "For Official Use Only"),
    (r"restricted", "Restricted"),
    (r"eyes only", "Eyes Only"),
    (r"unclassified|declassified", "Unclassified"),
]
_CLASS_ALT = "|".join(p for p, _ in CLASSIFICATIONS)
_CLASS_LINE = re.compile(
    r"^\W*(?:" + _CLASS_ALT + r")(?:[\s,;/()\-–—]+(?:" + _CLASS_ALT + r"))*\W*(?:copy\s+(?:no\.?|n[º°o]|№)\s*\S+)?\W*$",
    re.IGNORECASE,
)
_CLASS_RES = [(re.compile(r"(?<!\w)(?:" + p + r")(?!\w)", re.IGNORECASE), c) for p, c in CLASSIFICATIONS]


def normalise_classification(text: str) -> str | None:
    """'TOP SECRET' -> 'Top Secret'; 'Top Secret (Special Importance)' -> 'Top Secret, Special Importance'.
    A marking outside the vocabulary is kept, title-cased."""
    found: list[tuple[int, str]] = []
    taken: list[tuple[int, int]] = []
    for rx, canonical in _CLASS_RES:
        for m in rx.finditer(text):
            if any(a <= m.start() < b for a, b in taken):
                continue
            taken.append((m.start(), m.end()))
            if canonical not in (c for _, c in found):
                found.append((m.start(), canonical))
    if found:
        return ", ".join(c for _, c in sorted(found))
    s = text.strip(" .:;")
    return s.title() if s and len(s) <= 60 else None


# Handling and copy marks printed around the classification: not titles, not addressees.
_HANDLING = (
    r"by cipher|in cipher|cipher|by courier|personal(?:ly)?|private|urgent|immediate|priority|flash|only|"
    r"to be returned|declassified|шифром|шифровкой|лично|срочно|весьма срочно|вне очереди|только|"
    r"рассекречено|подлежит возврату|в собственные руки"
)
_COPY = r"(?:copy|ex\.?|экз\.?|экземпляр)\s*(?:no\.?|n[º°o]\.?|№|#)?\s*\d+(?:\s*(?:of|из)\s*\d+)?"
_MARK_PART = r"(?:" + _CLASS_ALT + "|" + _HANDLING + "|" + _COPY + r")"
_MARK_LINE = re.compile(r"^\W*" + _MARK_PART + r"(?:[\s,;/()\-–—.]+" + _MARK_PART + r")*\W*$", re.IGNORECASE)


def is_marking_line(line: str) -> bool:
    """A security, handling or copy mark on a line of its own: 'TOP SECRET', 'Copy No. 2',
    'Экз. № 2', 'BY CIPHER', 'Совершенно секретно / Особой важности', 'Secret. Urgent'."""
    s = line.strip()
    return bool(s) and len(s) <= 80 and bool(_MARK_LINE.match(s))


def starts_with_type(line: str) -> str | None:
    """The document kind a line opens with ('ДОКЛАДНАЯ ЗАПИСКА ...', 'Report of X to Y'), else None."""
    s = line.strip().lstrip("*#[( ").strip()
    for rx, kind in _TYPE_RES:
        if rx.match(s):
            return kind
    return None


# --- document number ---------------------------------------------------------------------------

_NUMBER_LINE = re.compile(
    r"^\W{0,2}(?:(?:" + "|".join(p for p, _ in DOC_TYPES) + r")\s+)?(?:N[º°o]\.?|No\.|№|#)\s*(?P<n>\d[\w/.\-]*[\w/]|\d)\s*$",
    re.IGNORECASE,
)
_NUMBER_IN_TITLE = re.compile(r"\b(?:N[º°o]\.?|No\.|№)\s*(?P<n>\d[\w/\-]*)")


def document_number(lines: list[str], title: str | None = None) -> str | None:
    """'Nº 1041/b' on a line of its own at the head of the document ('Copy Nº 4' is not one)."""
    for line in lines:
        m = _NUMBER_LINE.match(line.strip())
        if m:
            return m.group("n")
    if title:
        m = _NUMBER_IN_TITLE.search(title)
        if m:
            return m.group("n")
    return None


# --- references and record ids -----------------------------------------------------------

def split_references(ref: str | None) -> list[str]:
    """Several archival references separated by ';' become several entries."""
    if not ref:
        return []
    parts = [p.strip() for p in re.split(r";\s+(?=[A-ZА-Я]{2,})", ref) if p.strip()]
    return parts


_RECORD_URL = re.compile(r"/(?:document|documents|record|records|item|items|doc|id|node)/(?P<id>\d{2,})/?(?:[?#].*)?$", re.IGNORECASE)
_TRAILING_ID = re.compile(r"/(?P<id>\d{2,})/?(?:[?#].*)?$")


def record_id_from_url(url: str | None) -> str | None:
    """The numeric record id of an archive's address (…/document/119977); a slug is none."""
    if not url:
        return None
    m = _RECORD_URL.search(url) or _TRAILING_ID.search(url)
    return m.group("id") if m else None


# --- journal articles --------------------------------------------------------------------------


@dataclass
class JournalCitation:
    """The journal, volume, issue, date, year and pages of a journal article's citation."""

    journal: str | None = None
    volume: str | None = None
    issue: str | None = None
    date: str | None = None  # as printed, e.g. "May 2026"
    year: int | None = None
    pages: str | None = None


_CHICAGO = re.compile(
    r"(?:[”\"]|\.\s)\s*\*?(?P<journal>[A-ZА-Я][^”\"]*?)\s+(?P<volume>\d+)\s*,\s*(?:no\.|issue|№)\s*(?P<issue>[\w–\-/]+)"
    r"\s*\((?P<date>[^)]*?(?P<year>\d{4}))\)\s*:\s*(?P<pages>\d+\s*[–\-—]\s*\d+|\d+)"
)
_GOST = re.compile(
    r"//\s*(?P<journal>.+?)\.\s*(?P<year>\d{4})\.\s*(?:Т|Vol)\.\s*(?P<volume>\d+)\.\s*(?:№|No\.)\s*(?P<issue>[\w–\-/]+)\."
    r"\s*(?:С|P|Pp)\.\s*(?P<pages>\d+\s*[–\-—]\s*\d+|\d+)"
)


def pages_range(s: str) -> str:
    """A page range with its dash normalised to a plain hyphen ("12 – 15" -> "12-15")."""
    return re.sub(r"\s*[–—-]\s*", "-", s.strip())


def journal_citation(text: str | None) -> JournalCitation | None:
    """Journal, volume, issue, date and pages from a 'For citation' line (Chicago or GOST style)."""
    if not text:
        return None
    m = _CHICAGO.search(text)
    if m:
        return JournalCitation(
            journal=m.group("journal").strip(" .,*"), volume=m.group("volume"), issue=m.group("issue"),
            date=m.group("date").strip(), year=int(m.group("year")), pages=pages_range(m.group("pages")),
        )
    m = _GOST.search(text)
    if m:
        return JournalCitation(
            journal=m.group("journal").strip(" .,*"), volume=m.group("volume"), issue=m.group("issue"),
            date=m.group("year"), year=int(m.group("year")), pages=pages_range(m.group("pages")),
        )
    return None


def split_keywords(text: str | None) -> list[str]:
    """The distinct keywords of a comma- or semicolon-separated list, a leading "and" dropped."""
    if not text:
        return []
    out = []
    for k in re.split(r"\s*[;,]\s*", text.strip().rstrip(".")):
        k = re.sub(r"^(?:and|и)\s+", "", k.strip())
        if k and k not in out:
            out.append(k)
    return out


_BYLINE_SUP = re.compile(r"<sup>\s*([^<]*?)\s*</sup>", re.IGNORECASE)


def byline(text: str | None, affiliations: str | None) -> list[tuple[str, str | None]]:
    """'Natalia N. Ablazhey <sup>a</sup> , Albina S. Zhanbossinova <sup>b</sup>' -> names with
    their affiliations (from lines 'a: Institute ...')."""
    if not text:
        return []
    affil = {}
    for line in (affiliations or "").splitlines():
        key, _, value = line.partition(":")
        affil[key.strip()] = value.strip()
    out = []
    for piece in re.split(r"\s*,\s*(?![^<]*</sup>)|\s+and\s+", text):
        keys = [k for k in re.split(r"[,\s]+", " ".join(_BYLINE_SUP.findall(piece))) if k]
        name = re.sub(r"\s+", " ", _BYLINE_SUP.sub("", piece)).strip(" ,*✉")
        name = re.sub(r"[\d*†‡✉]+$", "", name).strip()
        if not name:
            continue
        aff = "; ".join(affil[k] for k in keys if k in affil) or None
        out.append((name, aff))
    return out


_GRANT_RE = re.compile(
    r"(?:grant|support|funding)\s+(?:no\.\s*\S+\s+)?(?:from|of|by)\s+(?:the\s+)?(?P<f>[A-Z][^.;(]*?)"
    r"(?=\s+(?:on the topic|under|for the|within|no\.|grant|project)\b|[.;(]|$)"
    r"|(?:funded|supported|financed)\s+by\s+(?:the\s+)?(?P<g>[A-Z][^.;(]*?)(?=\s+(?:on the topic|under|within|grant|project)\b|[.;(,]|$)",
)


def funders_from_funding(text: str | None) -> list[str]:
    """'... under a grant from the Science Committee of ... on the topic ...' -> the funding body."""
    if not text:
        return []
    out = []
    for m in _GRANT_RE.finditer(text):
        name = (m.group("f") or m.group("g") or "").strip(" ,")
        if name and name not in out:
            out.append(name)
    return out
