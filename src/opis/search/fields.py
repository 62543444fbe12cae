"""What the search index holds for one record: text terms, filter terms, facet labels, dates.

One function, :func:`index_row`, turns a record (``Document.to_dict()``) into an
:class:`IndexRow`; every backend stores exactly that, so the backends cannot drift apart.
Facet labels come from the record: linked entities (``entities``/``mentions``), archival
references, languages, classification, document type and date.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

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
    id: str
    title: str = ""
    summary: str = ""
    body: str = ""  # analysed terms joined by spaces
    filters: dict[str, str] = field(default_factory=dict)  # field -> folded terms
    facets: dict[str, list[str]] = field(default_factory=dict)  # facet -> labels
    date_terms: str = ""
    text: str = ""  # what snippets are cut from: the text, else the summary, else the title
    shown_title: str | None = None  # the title and date a hit shows, as the record has them
    date_edtf: str | None = None
    words: set[tuple[str, str]] = field(default_factory=set)  # (word, term) changed by stemming
    year: int | None = None
    earliest: str | None = None
    latest: str | None = None


def lang_label(code_or_name: str) -> str:
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


def entity_labels(record: dict[str, Any]) -> dict[str, list[str]]:
    """Labels of places, people and organisations of a record (linked label, else surface)."""
    by_id = {e.get("id"): e for e in record.get("entities") or [] if e.get("id")}
    out: dict[str, list[str]] = {"place": [], "person": [], "org": []}
    for ent in by_id.values():
        facet = _ENTITY_FACET.get((ent.get("type") or "").upper())
        if facet and ent.get("label"):
            out[facet].append(ent["label"])
    for m in record.get("mentions") or []:
        facet = _ENTITY_FACET.get((m.get("type") or "").upper())
        if not facet:
            continue
        ent = by_id.get(m.get("entity_id"))
        label = (ent or {}).get("label") or m.get("surface")
        if label:
            out[facet].append(label)
    for role in ("authors", "recipients"):
        for agent in record.get(role) or []:
            if agent.get("name"):
                out["person"].append(agent["name"])
    return {k: list(dict.fromkeys(v)) for k, v in out.items()}


def _filter_names(record: dict[str, Any], labels: dict[str, list[str]]) -> dict[str, list[str]]:
    """Every name a filter should match: labels plus surfaces, variants and entity ids."""
    names = {k: list(v) for k, v in labels.items()}
    by_id = {e.get("id"): e for e in record.get("entities") or [] if e.get("id")}
    for m in record.get("mentions") or []:
        facet = _ENTITY_FACET.get((m.get("type") or "").upper())
        if facet:
            names[facet] += [m.get("surface") or "", m.get("gloss") or "", m.get("entity_id") or ""]
    for ent in by_id.values():
        facet = _ENTITY_FACET.get((ent.get("type") or "").upper())
        if facet:
            names[facet] += [v.get("name", "") for v in ent.get("variants") or []] + [ent["id"]]
    for role in ("authors", "recipients"):
        for agent in record.get(role) or []:
            names["person"] += [agent.get("surface") or "", agent.get("entity_id") or ""]
    return names


def index_row(record: dict[str, Any]) -> IndexRow:
    """The search index's row for a stored record: words, analysed fields, filters and facets."""
    date = record.get("date") or {}
    earliest, latest = date.get("earliest"), date.get("latest")
    year = dates.year_of(earliest)
    labels = entity_labels(record)
    refs = _all_refs(record)
    archives = list(dict.fromkeys(r["archive"] for r in refs if r.get("archive")))
    langs = list(record.get("languages") or [])
    if record.get("original_language"):
        langs.append(record["original_language"])
    body_parts = _body_parts(record)
    texts = [record.get("title"), record.get("summary"), *body_parts]
    return IndexRow(
        id=record["id"],
        words=set().union(*(stemmed_words(t) for t in texts if t)),
        title=" ".join(analyze(record.get("title"))),
        summary=" ".join(analyze(record.get("summary"))),
        body=" ".join(analyze("\n".join(p for p in body_parts if p))),
        filters=_filters(record, _filter_names(record, labels), archives, refs, langs),
        facets=_facets(record, year, labels, archives, langs),
        date_terms=" ".join(dates.doc_terms(earliest, latest)),
        text=record.get("text") or record.get("summary") or record.get("title") or "",
        shown_title=record.get("title"),
        date_edtf=date.get("edtf"),
        year=year,
        earliest=earliest,
        latest=latest,
    )


def _all_refs(record: dict[str, Any]) -> list[dict[str, Any]]:
    """The record's archival references, the body's then the notes'."""
    refs = [r for r in record.get("archival_refs") or [] if isinstance(r, dict)]
    for note in record.get("notes") or []:
        refs += [r for r in note.get("archival_refs") or [] if isinstance(r, dict)]
    return refs


def _body_parts(record: dict[str, Any]) -> list[str]:
    """The texts of the body field: text, abstract, keywords, then each note."""
    body_parts = [record.get("text") or "", record.get("abstract") or "", " ".join(record.get("keywords") or [])]
    for note in record.get("notes") or []:
        body_parts.append(note.get("text") or "")
    return body_parts


def _one(value: Any) -> list[str]:
    return [value] if value else []


def _facets(record: dict[str, Any], year: int | None, labels: dict[str, list[str]], archives: list[str],
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
        "classification": _one(record.get("classification")),
        "doc_type": _one(record.get("doc_type")),
    }


def _filters(record: dict[str, Any], names: dict[str, list[str]], archives: list[str], refs: list[dict[str, Any]],
             langs: list[str]) -> dict[str, str]:
    """The filter fields of a record (what ``place:``, ``lang:``, ``fond:`` ... match)."""
    lang_values: list[str] = []
    for x in langs:
        lang_values += lang_terms(x)
    return {
        "place": _join(names["place"]),
        "person": _join(names["person"]),
        "org": _join(names["org"]),
        "archive": _join(archives + [r.get("archive_name") or "" for r in refs]),
        "fond": _join([r.get("fond") or "" for r in refs]),
        "lang": " ".join(dict.fromkeys(lang_values)),
        "class": _join([record.get("classification") or ""]),
        "type": _join([record.get("doc_type") or ""]),
        "translator": _join(list(record.get("translators") or [])),
    }
