"""Pipeline component 'metadata': the record's descriptive fields from the page's labelled blocks
(``doc.fields``, set by the layout recogniser), its title and the head of its text.

Archive record pages give title, date, citation/Document Information (archival reference,
translators, contributors), summary, credits (funders), original language, URL/record id and
classification; the title and the document head give type, authors, recipients, classification
and number. Journal articles give DOI, EDN, byline, journal citation, keywords, abstract and
funding. A value the page does not state stays None / [] — nothing is guessed.
"""

from __future__ import annotations

import re

from opis.metadata import agents as ag
from opis.metadata import fields as fx
from opis.metadata.dates import find_date, parse_date
from opis.model import Agent, AltMetadata, ArchivalRef, Credit, DateValue, Document, FieldSource
from opis.pipeline import component
from opis.readers.layouts.common import drop_email_placeholders
from opis.readers.layouts.record.marks import classification as classification_marks

HEAD_PARAGRAPHS = 14  # how far into the text the document head (address, marks, number) may reach
_DOI_RE = re.compile(r"(?:doi\.org/|\bDOI:?\s*)(10\.\d{4,9}/[^\s<>\"]+)", re.IGNORECASE)


@component(
    "metadata",
    requires=["text", "fields", "facts", "provenance"],
    assigns=["title", "date", "doc_type", "authors", "recipients", "classification", "document_number", "original_language", "translators", "contributors", "credits", "funders", "summary", "source_url", "record_id", "doi", "edn", "journal", "volume", "issue", "pages", "year", "keywords", "abstract", "alt_metadata", "rights", "archival_refs"],
)
def metadata(doc: Document) -> Document:
    """Set the record's metadata by the page's layout: article, archive record, or plain document."""
    layout = doc.provenance.layout if doc.provenance else None
    if layout == "article":
        article_metadata(doc)
    elif layout == "archive_record":
        archive_metadata(doc)
    else:
        plain_metadata(doc)
    return doc


def head_lines(text: str) -> list[str]:
    """Lines of the document head: the first paragraphs, up to the first long one."""
    lines: list[str] = []
    for k, par in enumerate(re.split(r"\n\s*\n", text)):
        if k >= HEAD_PARAGRAPHS or len(par) > 300:
            break
        lines += [ln.strip() for ln in par.splitlines() if ln.strip()]
    return lines


def _date(*candidates: str | None) -> DateValue:
    for c in candidates:
        value = parse_date(c)
        if value:
            return value
    return DateValue()


def _agents(parts: list[ag.NamePart]) -> list[Agent]:
    out: list[Agent] = []
    for part in parts:
        agent = ag.to_agent(part)
        if all(a.name != agent.name for a in out):
            out.append(agent)
    return out


def _set_agents(doc: Document, title: str | None, head: list[str]) -> None:
    found = ag.agents_from_title(title or "", fx.TYPE_WORDS_RE)
    recipients = found.recipients or ag.recipients_from_address(head)
    doc.authors = doc.authors or _agents(found.authors)
    doc.recipients = doc.recipients or _agents(recipients)


# --- archive record pages ------------------------------------------------------------------


def archive_metadata(doc: Document) -> None:
    """Record pages: every field from the facts the record reader found, with its source."""
    from opis.metadata.record import resolve

    page_text = _page_text(doc)
    r = resolve(doc.facts, page_text)
    head = head_lines(doc.text)
    doc.title = doc.title or r.get("title")
    doc.date = r.get("date") or DateValue()
    doc.doc_type = fx.doc_type_from_title(doc.title or "") or fx.doc_type_from_header(head)
    doc.classification = r.get("classification")
    doc.document_number = fx.document_number(head, doc.title) or r.get("document_number")
    doc.archival_refs = [ArchivalRef(raw=ref) for ref in r.get("archival_refs") or []]
    doc.translators = r.get("translators") or []
    doc.contributors = r.get("contributors") or []
    doc.credits = [Credit(role=role, name=name) for role, name in r.get("credits") or []]
    doc.funders = r.get("funders") or []
    doc.summary = r.get("summary")
    doc.original_language = r.get("original_language")
    doc.source_url = r.get("source_url")
    doc.record_id = r.get("record_id")
    rights = [f.value for f in doc.facts if f.field == "rights"]
    doc.rights = rights_value("\n".join(dict.fromkeys(rights)) or doc.fields.get("Rights"))
    if doc.provenance is not None:
        doc.provenance.fields = r.sources
    _set_agents(doc, doc.title, head)


def _page_text(doc: Document) -> str:
    """The file's text as read, which the facts' spans point into."""
    from pathlib import Path

    from opis.readers.base import PAGE_TEXT_KEY

    text = doc.fields.get(PAGE_TEXT_KEY)
    if text is not None:
        return text
    path = doc.provenance.path if doc.provenance else None
    return Path(path).read_text(encoding="utf-8", errors="replace") if path and Path(path).exists() else ""


# --- journal articles ----------------------------------------------------------------------


ABSTRACT_KEYS = ("Abstract", "Аннотация", "Резюме")  # the front matter's labels, in the order preferred
KEYWORD_KEYS = ("Keywords", "Key words", "Ключевые слова")


def article_metadata(doc: Document) -> None:
    """Set an article's metadata from its labelled front matter: title, DOI, authors, journal citation,
    keywords ..."""
    f = doc.fields
    doc.doc_type = "article"
    doc.title = doc.title or f.get("Title")
    doc.doi = f.get("DOI")
    doc.edn = f.get("EDN")
    doc.authors = [
        ag.to_agent(ag.NamePart(name), affiliation=aff) for name, aff in fx.byline(f.get("Authors"), f.get("Affiliations"))
    ]
    cited = fx.journal_citation(f.get("For citation")) or fx.journal_citation(f.get("Для цитирования"))
    if cited:
        doc.journal, doc.volume, doc.issue, doc.pages, doc.year = (
            cited.journal, cited.volume, cited.issue, cited.pages, cited.year,
        )
        doc.date = (find_date(cited.date or "") or parse_date(str(cited.year))) or DateValue()
    doc.alt_metadata = alt_metadata(doc)
    alt = doc.alt_metadata[0] if doc.alt_metadata else None
    # the record's own abstract and keywords: the labelled ones that are not the second language's
    doc.abstract = next((v for v in (f.get(k) for k in ABSTRACT_KEYS) if v and (not alt or v != alt.abstract)), None)
    keywords = (fx.split_keywords(f.get(k)) for k in KEYWORD_KEYS)
    doc.keywords = next((v for v in keywords if v and (not alt or v != alt.keywords)), [])
    doc.funders = fx.funders_from_funding(f.get("Funding"))
    doc.source_url = f.get("URL") or (f"https://doi.org/{doc.doi}" if doc.doi else None)
    doc.rights = rights_value(f.get("Rights"))


def alt_metadata(doc: Document) -> list[AltMetadata]:
    """The title, abstract and keywords in a second language from the reader's ``alt.*`` facts
    (journal front matter), each value's rule and span added to the provenance; [] when the page
    has no such block."""
    facts = {f.field: f for f in doc.facts if str(getattr(f, "field", "")).startswith("alt.")}
    lang = facts.get("alt.lang")
    if lang is None or not (facts.get("alt.title") or facts.get("alt.abstract")):
        return []
    page = _page_text(doc)
    alt = AltMetadata(lang=lang.value)
    for name, fact in facts.items():
        key = name[4:]
        if key == "title":
            alt.title = fact.value
        elif key == "abstract":
            alt.abstract = fact.value
        elif key == "keywords":
            alt.keywords = fx.split_keywords(fact.value)
        if doc.provenance is not None:
            doc.provenance.fields.append(FieldSource(
                field=f"alt_metadata.{key}", value=fact.value, rule=fact.rule, confidence=fact.confidence,
                start=fact.start, end=fact.end, quote=page[fact.start:fact.end] if page and key != "lang" else None,
            ))
    return [alt]


def rights_value(text: str | None) -> str | None:
    """A rights statement as the record keeps it: without the e-mail-protection placeholder of a
    saved web page ("please contact … at [email protected]."), None when nothing is left."""
    if not text:
        return None
    return re.sub(r"[ \t]+", " ", drop_email_placeholders(text)).strip() or None


def dated_line(line: str) -> DateValue | None:
    """A line that is a date, or a place and a date ('Budapest, 30 October 1956')."""
    value = parse_date(line)
    if value is None and "," in line and len(line) <= 60:
        place, rest = line.split(",", 1)
        if len(place.split()) <= 3:  # a place, not a title with a date ('The Uprising in Kulja, 1944')
            value = parse_date(rest)
    return value


_ADDRESS_LINE = re.compile(r"^(?:to|товарищу|тов\.|кому|гражданину|господину)\b", re.IGNORECASE)
_SUBJECT_LINE = re.compile(r"^(?:о|об|обо|по|on|about|concerning|regarding|re:)\s", re.IGNORECASE)
_TITLE_SCAN = 8  # head lines searched for the title


def _title_candidates(head: list[str]) -> list[tuple[int, str]]:
    """(index, line) of head lines that can be a title: not a security/handling/copy mark, number,
    date or address line, nor the addressee's name just above an address ('STATE DEFENSE COMMITTEE'
    over 'To Comrade STALIN'); stops at the first sentence (the body)."""
    out: list[tuple[int, str]] = []
    lines = head[:_TITLE_SCAN]
    for i, line in enumerate(lines):
        if fx.is_marking_line(line) or fx.document_number([line]) or dated_line(line):
            continue
        if _ADDRESS_LINE.match(line):
            continue
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if _ADDRESS_LINE.match(nxt) and not fx.starts_with_type(line):
            continue
        if len(line) > 150 or line.endswith((".", ",", ";", ":")):
            break
        out.append((i, line))
    return out


def title_line(head: list[str]) -> str | None:
    """The document's heading: the first head line that names the kind of document ('ДОКЛАДНАЯ
    ЗАПИСКА', 'СПЕЦСООБЩЕНИЕ', 'Report of X to Y'; with its subject line 'о ...' / 'on ...' when
    that follows), else the first head line that reads as a title."""
    found = _title_candidates(head)
    if not found:
        return None
    i, line = next(((i, ln) for i, ln in found if fx.starts_with_type(ln)), found[0])
    if fx.doc_type_from_header([line]) and i + 1 < len(head) and _SUBJECT_LINE.match(head[i + 1]):
        line = f"{line} {head[i + 1].rstrip('.')}"
    return line


def opening_sentence(head: list[str], limit: int = 120) -> str | None:
    """When a document has no heading, its first sentence names its subject ('НКВД СССР докладывает
    о положении в Синьцзяне ...'): the first body line of the head, if short, without its stop."""
    for line in head[:_TITLE_SCAN + 4]:
        if fx.is_marking_line(line) or fx.document_number([line]) or dated_line(line) or _ADDRESS_LINE.match(line):
            continue
        if not line.endswith("."):
            continue
        m = re.match(r"^(.+?[^\s.]{2})\.(?:\s|$)", line)
        sentence = m.group(1) if m else line.rstrip(".")
        return sentence if len(sentence) <= limit else None
    return None


# --- anything else -------------------------------------------------------------------------


def plain_metadata(doc: Document) -> None:
    """Set a plain document's metadata from its fields and its first lines: title, date, type, classification
    ..."""
    f = doc.fields
    head = head_lines(doc.text)
    doc.title = doc.title or f.get("Title") or f.get("HTML title") or title_line(head) or opening_sentence(head)
    date = _date(f.get("Date"))
    if date.edtf is None:
        for line in head[:8]:
            value = dated_line(line)
            if value:
                date = value
                break
    doc.date = date
    doc.doc_type = fx.doc_type_from_title(doc.title or "") or fx.doc_type_from_header(head)
    found = classification_marks(head)
    doc.classification = found[0] if found else None
    doc.document_number = fx.document_number(head, doc.title)
    doi = f.get("DOI") or _DOI_RE.search(doc.text[:3000])
    doc.doi = doi if isinstance(doi, str) or doi is None else doi.group(1).rstrip(".,;)")
    doc.source_url = f.get("URL")
    doc.record_id = fx.record_id_from_url(doc.source_url)
    doc.rights = rights_value(f.get("Rights"))
    _set_agents(doc, doc.title, head)
