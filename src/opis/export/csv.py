"""CSV: one file per table (RFC 4180, UTF-8, a header row, ``\\r\\n`` line ends).

``documents.csv`` — one row per document:
    id, title, date (EDTF), date_earliest, date_latest, doc_type, authors, recipients,
    translators (names joined with "; "), classification, original_language, languages,
    archive (holding archive code), signature (as written), publisher (digital archive),
    source_url, doi, record_id, journal, volume, issue, pages, keywords, summary, citation
    (Chicago, plain text), notes, mentions, claims (counts).

``entities.csv`` — one row per entity the documents mention:
    id, type, label, lat, lon, country, wikidata, geonames, documents, mentions (counts over
    the exported documents).

``claims.csv`` — one row per claim (a number and what it counts):
    doc_id, value, unit, qualifier, what, subject, date (EDTF), place (entity id), place_label,
    reported_by, note (footnote number, empty for the text), start, end (span in the text or
    note), rule, sentence.

Text cells that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``
and not a number) get a leading apostrophe, as OWASP advises for untrusted text.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from typing import Any

from opis import inline
from opis.export import chicago, common
from opis.model import Document

DOCUMENT_COLUMNS = ["id", "title", "date", "date_earliest", "date_latest", "doc_type", "authors", "recipients",
                    "translators", "classification", "original_language", "languages", "archive", "signature",
                    "publisher", "source_url", "doi", "record_id", "journal", "volume", "issue", "pages",
                    "keywords", "summary", "citation", "notes", "mentions", "claims"]
ENTITY_COLUMNS = ["id", "type", "label", "lat", "lon", "country", "wikidata", "geonames", "documents", "mentions"]
CLAIM_COLUMNS = ["doc_id", "value", "unit", "qualifier", "what", "subject", "date", "place", "place_label",
                 "reported_by", "note", "start", "end", "rule", "sentence"]
TABLES = ("documents", "entities", "claims")
_NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")


def _cell(value: Any) -> Any:
    """A cell: lists joined with '; ', text safe from formula injection, None empty."""
    if value is None:
        return ""
    if isinstance(value, list):
        value = "; ".join(str(v) for v in value if v)
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r") and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def _table(columns: list[str], rows: Iterable[dict[str, Any]]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({c: _cell(row.get(c)) for c in columns})
    return buf.getvalue()


def document_row(doc: Document) -> dict[str, Any]:
    """The ``documents.csv`` row of a document."""
    d = doc.date
    return {
        "id": doc.id, "title": inline.to_plain(doc.title), "date": d.edtf if d else None,
        "date_earliest": d.earliest if d else None, "date_latest": d.latest if d else None,
        "doc_type": doc.doc_type, "authors": common.agent_names(doc),
        "recipients": common.agent_names(doc, "recipients"), "translators": doc.translators,
        "classification": doc.classification, "original_language": doc.original_language,
        "languages": doc.languages, "archive": common.archive_code(doc), "signature": common.signature(doc),
        "publisher": common.publisher(doc), "source_url": doc.source_url, "doi": doc.doi, "record_id": doc.record_id,
        "journal": doc.journal, "volume": doc.volume, "issue": doc.issue, "pages": doc.pages,
        "keywords": doc.keywords, "summary": inline.to_plain(doc.summary) or None, "citation": chicago.render(doc),
        "notes": len(doc.notes), "mentions": len(doc.mentions), "claims": len(doc.claims),
    }


def claim_rows(doc: Document) -> list[dict[str, Any]]:
    """The ``claims.csv`` rows of a document."""
    return [{"doc_id": doc.id, "value": c.value, "unit": c.unit, "qualifier": c.qualifier, "what": c.what,
             "subject": c.subject, "date": c.date.edtf if c.date else None, "place": c.place,
             "place_label": c.place_label, "reported_by": c.reported_by, "note": c.note, "start": c.start,
             "end": c.end, "rule": c.rule, "sentence": c.sentence} for c in doc.claims or []]


def tables(docs: Iterable[Document]) -> dict[str, str]:
    """The three tables of ``docs``: ``documents.csv``, ``entities.csv``, ``claims.csv``."""
    documents, claims = [], []
    entities: dict[str, dict[str, Any]] = {}
    for doc in docs:
        documents.append(document_row(doc))
        claims.extend(claim_rows(doc))
        counts: dict[str, int] = {}
        for m in doc.mentions or []:
            if m.entity_id:
                counts[m.entity_id] = counts.get(m.entity_id, 0) + 1
        for e in doc.entities or []:
            row = entities.setdefault(e.id, {"id": e.id, "type": e.type, "label": e.label, "lat": e.lat,
                                             "lon": e.lon, "country": e.country, "wikidata": e.wikidata,
                                             "geonames": e.geonames, "documents": 0, "mentions": 0})
            row["documents"] += 1
            row["mentions"] += counts.get(e.id, 0)
    ordered = sorted(entities.values(), key=lambda r: (-r["documents"], r["type"], r["label"] or ""))
    return {"documents.csv": _table(DOCUMENT_COLUMNS, documents),
            "entities.csv": _table(ENTITY_COLUMNS, ordered),
            "claims.csv": _table(CLAIM_COLUMNS, claims)}


def render(doc: Document) -> str:
    """One document's ``documents.csv`` (its other tables: :func:`render_all` with ``[doc]``)."""
    return tables([doc])["documents.csv"]


def render_all(docs: Iterable[Document]) -> dict[str, str]:
    """The three tables of ``docs``, by file name."""
    return tables(docs)
