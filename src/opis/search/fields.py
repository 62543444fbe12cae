"""What the search index holds for one record: text terms, filter terms, facet labels, dates.

One function, :func:`index_row`, turns a record (the typed :class:`opis.model.Document`) into
an :class:`IndexRow`; every backend stores exactly that, so the backends cannot drift apart.
Facet labels come from the record: linked entities (``entities``/``mentions``), archival
references, languages, classification, document type and date.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from opis.model import ArchivalRef, Document
from opis.search import dates
from opis.search.analysis import analyze, keywords, stemmed_words

#: facets, in display order
FACETS = ("year", "decade", "place", "person", "org", "archive", "language", "classification", "doc_type")

#: filter fields of the query language -> facet whose values they match (None: filter only)
FILTER_FIELDS = ("place", "person", "org", "archive", "fond", "lang", "class", "type", "translator")

LANG_NAMES = {
    "en": "English", "ru": "Russian", "zh": "Chinese", "kk": "Kazakh", "ug": "Uyghur",
    "uz": "Uzbek", "ky": "Kyrgyz", "mn": "Mongolian", "de": "German", "fr": "French",
    "ja": "Japanese", "ko": "Korean", "uk": "Ukrainian", "tt": "Tatar", "fa": "Persian",
}
_LANG_CODES = {v.lower(): k for k, v in LANG_NAMES.items()}

_ENTITY_FACET = {"PLACE": "place", "GPE": "place", "LOC": "place", "PERSON": "person", "ORG": "org", "UNIT": "org"}


@dataclass
class IndexRow:
    """What the index holds for one document: its analysed text fields, filter terms, facet labels and date
    bounds."""

    id: str
    title: str = ""
    summary: str = ""
    body: str = ""  # analysed terms joined by spaces
    filters: dict[str, str] = field(default_factory=dict)  # field -> folded terms
    facets: dict[str, list[str]] = field(default_factory=dict)  # facet -> labels
    date_terms: str = ""
    year: int | None = None
    earliest: str | None = None
    latest: str | None = None


def lang_label(code_or_name: str) -> str:
    """The display name of a language code ("ru" -> "Russian"); unknown codes as given, short ones lower-
    cased."""
    code = code_or_name.strip()
    return LANG_NAMES.get(code.lower(), code if len(code) > 3 else code.lower())


def lang_terms(value: str) -> list[str]:
    """Terms for ``lang:`` — code and English name, whichever is given."""
    v = value.strip().lower()
    code = v if v in LANG_NAMES else _LANG_CODES.get(v)
    out = keywords(value)
    if code:
        out += [code] + keywords(LANG_NAMES[code])
    return list(dict.fromkeys(out))


#: a term between two values keeps a phrase filter from matching across two names
SEPARATOR = "zsepz"


def _join(values: list[str]) -> str:
    return f" {SEPARATOR} ".join(" ".join(keywords(v)) for v in dict.fromkeys(v for v in values if v))


def entity_labels(doc: Document) -> dict[str, list[str]]:
    """Labels of places, people and organisations of a record (linked label, else surface)."""
    by_id = {e.id: e for e in doc.entities if e.id}
    out: dict[str, list[str]] = {"place": [], "person": [], "org": []}
    for ent in by_id.values():
        facet = _ENTITY_FACET.get((ent.type or "").upper())
        if facet and ent.label:
            out[facet].append(ent.label)
    for m in doc.mentions:
        facet = _ENTITY_FACET.get((m.type or "").upper())
        if not facet:
            continue
        ent = by_id.get(m.entity_id)
        label = (ent.label if ent else None) or m.surface
        if label:
            out[facet].append(label)
    for agent in (*doc.authors, *doc.recipients):
        if agent.name:
            out["person"].append(agent.name)
    return {k: list(dict.fromkeys(v)) for k, v in out.items()}


def _filter_names(doc: Document, labels: dict[str, list[str]]) -> dict[str, list[str]]:
    """Every name a filter should match: labels plus surfaces, variants and entity ids."""
    names = {k: list(v) for k, v in labels.items()}
    by_id = {e.id: e for e in doc.entities if e.id}
    for m in doc.mentions:
        facet = _ENTITY_FACET.get((m.type or "").upper())
        if facet:
            names[facet] += [m.surface or "", m.gloss or "", m.entity_id or ""]
    for ent in by_id.values():
        facet = _ENTITY_FACET.get((ent.type or "").upper())
        if facet:
            names[facet] += [v.name or "" for v in ent.variants] + [ent.id]
    for agent in (*doc.authors, *doc.recipients):
        names["person"] += [agent.surface or "", agent.entity_id or ""]
    return names


#: the record keys :func:`index_row` and :func:`words_of` read: a search index built from stored
#: records converts only these to a Document (the rest, claims and events above all, can be
#: most of a record)
RECORD_KEYS = frozenset({
    "id", "title", "summary", "text", "abstract", "keywords", "notes", "entities", "mentions", "authors",
    "recipients", "archival_refs", "languages", "original_language", "classification", "doc_type",
    "translators", "date",
})


#: the keys of the items of a record's lists that the index reads (with those each item needs)
ITEM_KEYS = {
    "mentions": ("start", "end", "surface", "type", "entity_id", "gloss"),
    "entities": ("id", "type", "label", "variants"),
    "archival_refs": ("raw", "archive", "archive_name", "fond"),
    "notes": ("n", "text", "archival_refs"),
    "authors": ("name", "surface", "entity_id"),
    "recipients": ("name", "surface", "entity_id"),
}


def searchable(record: dict[str, Any]) -> Document:
    """The part of a stored record that the search index reads, as a Document (converting only
    that part: a stored record's claims, events, spans and provenance are most of it)."""
    return Document.from_dict({k: _items(k, v) for k, v in record.items() if k in RECORD_KEYS})


def _items(key: str, value: Any) -> Any:
    keys = ITEM_KEYS.get(key)
    if keys is None or not isinstance(value, list):
        return value
    return [{k: _items(k, item[k]) for k in keys if k in item} if isinstance(item, dict) else item for item in value]


def index_row(doc: Document) -> IndexRow:
    """The search index's row for a stored record: analysed fields, filters and facets (the
    words stemming changed are :func:`words_of`)."""
    earliest, latest = doc.date.earliest, doc.date.latest
    year = dates.year_of(earliest)
    labels = entity_labels(doc)
    refs = _all_refs(doc)
    archives = list(dict.fromkeys(r.archive for r in refs if r.archive))
    langs = list(doc.languages)
    if doc.original_language:
        langs.append(doc.original_language)
    body_parts = _body_parts(doc)
    return IndexRow(
        id=doc.id,
        title=" ".join(analyze(doc.title)),
        summary=" ".join(analyze(doc.summary)),
        body=" ".join(analyze("\n".join(p for p in body_parts if p))),
        filters=_filters(doc, _filter_names(doc, labels), archives, refs, langs),
        facets=_facets(doc, year, labels, archives, langs),
        date_terms=" ".join(dates.doc_terms(earliest, latest)),
        year=year,
        earliest=earliest,
        latest=latest,
    )


def words_of(doc: Document) -> set[tuple[str, str]]:
    """The (word, index term) pairs of a record that stemming changed (:mod:`opis.search.words`)."""
    texts = [doc.title, doc.summary, *_body_parts(doc)]
    return set().union(*(stemmed_words(t) for t in texts if t))


def snippet_text(text: str, summary: str | None, title: str | None) -> str:
    """What a hit's snippet is cut from: the text, else the summary, else the title."""
    return text or summary or title or ""


def _all_refs(doc: Document) -> list[ArchivalRef]:
    """The record's archival references, the body's then the notes'."""
    refs = list(doc.archival_refs)
    for note in doc.notes:
        refs += note.archival_refs
    return refs


def _body_parts(doc: Document) -> list[str]:
    """The texts of the body field: text, abstract, keywords, then each note."""
    return [doc.text or "", doc.abstract or "", " ".join(doc.keywords), *(note.text or "" for note in doc.notes)]


def _one(value: Any) -> list[str]:
    return [value] if value else []


def _facets(doc: Document, year: int | None, labels: dict[str, list[str]], archives: list[str],
            langs: list[str]) -> dict[str, list[str]]:
    """The facet values of a record (what the facet counts show)."""
    return {
        "year": [str(year)] if year else [],
        "decade": [f"{year // 10 * 10}s"] if year else [],
        "place": labels["place"],
        "person": labels["person"],
        "org": labels["org"],
        "archive": archives,
        "language": list(dict.fromkeys(lang_label(x) for x in langs if x)),
        "classification": _one(doc.classification),
        "doc_type": _one(doc.doc_type),
    }


def _filters(doc: Document, names: dict[str, list[str]], archives: list[str], refs: list[ArchivalRef],
             langs: list[str]) -> dict[str, str]:
    """The filter fields of a record (what ``place:``, ``lang:``, ``fond:`` ... match)."""
    lang_values: list[str] = []
    for x in langs:
        lang_values += lang_terms(x)
    return {
        "place": _join(names["place"]),
        "person": _join(names["person"]),
        "org": _join(names["org"]),
        "archive": _join(archives + [r.archive_name or "" for r in refs]),
        "fond": _join([r.fond or "" for r in refs]),
        "lang": " ".join(dict.fromkeys(lang_values)),
        "class": _join([doc.classification or ""]),
        "type": _join([doc.doc_type or ""]),
        "translator": _join(list(doc.translators)),
    }
