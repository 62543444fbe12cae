"""The opis data model: typed dataclasses shared by every stage.

Every extracted value keeps the span (``start``/``end`` character offsets into
``Document.text``, or into ``Note.text`` for things found in a footnote) it came
from, so that the UI can show it and a curator can correct it.

``to_dict``/``from_dict`` give the record JSON that ``opis show --json`` and
``opis dump`` print; the keys are a public contract (see the README).
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass, field
from typing import Any


@dataclass
class DateValue:
    """A date as the source states it: EDTF plus ISO bounds for sorting/facets."""

    edtf: str | None = None
    earliest: str | None = None  # ISO yyyy-mm-dd lower bound
    latest: str | None = None  # ISO yyyy-mm-dd upper bound
    precision: str | None = None  # day | month | year | decade | century | interval
    text: str | None = None  # the words in the source, when taken from text
    start: int | None = None
    end: int | None = None


@dataclass
class Agent:
    """A person or body named in a metadata role (author, recipient)."""

    name: str  # canonical name when linked to an authority entry, else as written
    surface: str | None = None  # as written in the source, e.g. "L. Beria"
    role: str | None = None
    affiliation: str | None = None
    entity_id: str | None = None


@dataclass
class ArchivalRef:
    """A parsed archival signature (or a published/book source cited as one)."""

    raw: str
    kind: str = "archival"  # archival | published | book | unparsed
    archive: str | None = None  # authority code, e.g. GARF
    archive_name: str | None = None
    known_archive: bool = False  # False when the code is not in the archive authority
    fond: str | None = None
    opis: str | None = None
    delo: str | None = None
    folios: list[str] = field(default_factory=list)
    pages: str | None = None
    extra: dict[str, str] = field(default_factory=dict)  # papka, tom, box, series, ...
    ibid: bool = False
    note: int | None = None  # footnote number when cited in a note
    start: int | None = None
    end: int | None = None
    scheme: str | None = None  # how the parts read: fond-opis-delo, file-number, record-group, ...
    rule: str | None = None  # the parsing rule that produced the parts (provenance)


@dataclass
class Note:
    """A footnote/endnote, anchored to its marker in the body text."""

    n: int
    text: str
    anchor: int | None = None  # offset of the marker in Document.text
    archival_refs: list[ArchivalRef] = field(default_factory=list)
    citations: list[dict[str, Any]] = field(default_factory=list)  # CSL-JSON-like items


@dataclass
class Apparatus:
    """An editorial mark: sic, gloss, insertion, handwritten, note, illegible, omission."""

    kind: str
    start: int
    end: int
    text: str  # the whole mark as printed, e.g. "[Tacheng]"
    content: str | None = None  # inside the brackets, e.g. "Tacheng"
    target_start: int | None = None  # span of the word(s) a gloss/sic qualifies
    target_end: int | None = None


@dataclass
class Mention:
    """A span of the text that names something, with its type, the entity it links to and the rule source."""

    start: int
    end: int
    surface: str
    type: str  # PERSON | PLACE | ORG | UNIT | DATE | QUANTITY | MONEY
    entity_id: str | None = None
    gloss: str | None = None
    source: str | None = None  # ner | rule | gloss | metadata
    lang: str | None = None
    note: int | None = None  # footnote number when the span is in a note
    #: what the mention does in its text, when it is not simply naming: ``publication_place`` for
    #: the place of publication in a citation ("Moscow: Nauka, 1990"): bibliographic, not a place
    #: the document discusses (kept off the map, co-occurrence and coverage)
    role: str | None = None


PUBLICATION_PLACE = "publication_place"


@dataclass
class Variant:
    """One written form of an entity's name, with its language and script when known."""

    name: str
    lang: str | None = None
    script: str | None = None


@dataclass
class Entity:
    """A person, place or organisation the archive knows, with its name variants, coordinates and authority
    ids."""

    id: str
    type: str
    label: str
    variants: list[Variant] = field(default_factory=list)
    lat: float | None = None
    lon: float | None = None
    country: str | None = None
    wikidata: str | None = None
    geonames: str | None = None
    authority: bool = False  # True when it comes from the curated authority files
    description: str | None = None


@dataclass
class Quantity:
    """A number found in the text, with its range, unit, qualifier, metric conversion and span."""

    value: float | None
    text: str
    low: float | None = None
    high: float | None = None
    unit: str | None = None
    qualifier: str | None = None  # approximately | at least | over | nearly | no less than | up to
    normalized_value: float | None = None  # converted value for historical units
    normalized_unit: str | None = None
    start: int | None = None
    end: int | None = None


@dataclass
class Claim:
    """A number with what it counts, when, where, and who says so."""

    value: float | str | None
    what: str
    quantity: Quantity | None = None
    unit: str | None = None
    qualifier: str | None = None
    date: DateValue | None = None
    place: str | None = None  # entity id
    place_label: str | None = None
    reported_by: str | None = None
    sentence: str | None = None
    start: int | None = None
    end: int | None = None
    note: int | None = None
    subject: str | None = None  # what is counted or measured, as written in the sentence
    subject_start: int | None = None  # its span in the text
    subject_end: int | None = None
    rule: str | None = None  # the rule that tied the number to its subject (nummod, of, count-verb, casualty, unit ...)


@dataclass
class Event:
    """A dated decree, resolution, order or event stated in the text."""

    date: DateValue
    what: str
    kind: str = "event"  # decree | resolution | order | instruction | event
    actor: str | None = None
    sentence: str | None = None
    start: int | None = None
    end: int | None = None


@dataclass
class Heading:
    """A section heading of the text: its span in ``Document.text``, its level (1 = top, as the
    source marks it: Markdown ``#`` count, HTML ``h1``–``h6``, a word processor's heading style) and
    the rule that found it."""

    start: int
    end: int
    level: int
    rule: str  # e.g. "markdown.atx_heading", "html.h2", "docx.heading_style"


@dataclass
class AltMetadata:
    """The record's title, abstract and keywords in another language, as the source gives them
    (a journal article's front matter in a second language); ``lang`` is the ISO 639-1 code."""

    lang: str
    title: str | None = None
    abstract: str | None = None
    keywords: list[str] = field(default_factory=list)


@dataclass
class Page:
    """A page of the source: its number, text offsets, language and OCR confidence."""

    n: int
    start: int
    end: int
    lang: str | None = None
    ocr_confidence: float | None = None
    low_confidence: bool = False


@dataclass
class Credit:
    """A credit as the source words it: the verb phrase, lower-cased ('obtained by', 'contributed by',
    'translated by'), and the name it credits."""

    role: str
    name: str


@dataclass
class FieldSource:
    """Where one metadata value came from: the rule that found it, how sure it is, and its span
    (offsets into the file's text as read, before the page around the record was removed)."""

    field: str  # the record key: title, date, summary, archival_refs, funders ...
    value: Any
    rule: str  # e.g. "citation.title", "header.date_line", "label.summary"
    confidence: str = "high"  # high | medium | low (a weak guess)
    start: int | None = None
    end: int | None = None
    quote: str | None = None  # the page's words at that span
    alternatives: list[dict[str, Any]] = field(default_factory=list)  # other candidates: value, rule, confidence


@dataclass
class Provenance:
    """Where a record came from: the file, its hash and format, the reader and layout, and the source of each
    field."""

    path: str
    sha256: str
    format: str
    reader: str
    ingested_at: str | None = None
    pipeline_version: str | None = None
    layout: str | None = None
    size: int | None = None
    family: str | None = None  # the record reader's page family (digital_archive, documentary_edition ...)
    fields: list[FieldSource] = field(default_factory=list)  # where each metadata value came from


@dataclass
class Document:
    """The structured record of one source document: metadata, text, notes, mentions, claims and provenance."""

    id: str
    title: str | None = None
    date: DateValue = field(default_factory=DateValue)
    doc_type: str | None = None
    authors: list[Agent] = field(default_factory=list)
    recipients: list[Agent] = field(default_factory=list)
    classification: str | None = None
    document_number: str | None = None
    original_language: str | None = None
    languages: list[str] = field(default_factory=list)
    translators: list[str] = field(default_factory=list)
    contributors: list[str] = field(default_factory=list)
    credits: list[Credit] = field(default_factory=list)  # the credit line's own verbs, in its order
    funders: list[str] = field(default_factory=list)
    summary: str | None = None
    source_url: str | None = None
    record_id: str | None = None
    doi: str | None = None
    edn: str | None = None
    journal: str | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    year: int | None = None
    keywords: list[str] = field(default_factory=list)
    abstract: str | None = None
    #: title, abstract and keywords in other languages (journal front matter), one entry a language
    alt_metadata: list[AltMetadata] = field(default_factory=list)
    rights: str | None = None
    archival_refs: list[ArchivalRef] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    bibliography: list[dict[str, Any]] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    coverage: list[str] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    dates: list[DateValue] = field(default_factory=list)
    apparatus: list[Apparatus] = field(default_factory=list)
    page_info: list[Page] = field(default_factory=list)
    headings: list[Heading] = field(default_factory=list)  # section headings of the text, with spans
    text: str = ""
    provenance: Provenance | None = None
    # Layout hints from the reader (labelled blocks such as "Citation"); not part of the record JSON.
    fields: dict[str, str] = field(default_factory=dict, repr=False)
    # Record facts from the reader (values with spans and rules); not part of the record JSON.
    facts: list[Any] = field(default_factory=list, repr=False)
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The record as JSON-ready data, without the reader's layout hints and facts."""
        d = to_dict(self)
        d.pop("fields", None)
        d.pop("facts", None)
        return d

    def field_source(self, name: str) -> FieldSource | None:
        """Where the value of record field ``name`` came from, when the reader recorded it."""
        found = [f for f in (self.provenance.fields if self.provenance else []) if f.field == name]
        return found[0] if found else None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Document:
        """Rebuild a document from ``to_dict`` data."""
        return from_dict(cls, data)


# --- generic (de)serialisation -------------------------------------------------------


_PLAIN = frozenset({str, int, float, bool, type(None)})
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}  # the field names of each dataclass met, in order


def to_dict(obj: Any) -> Any:
    """Dataclasses, lists and dicts as plain JSON-ready data, recursively."""
    cls = type(obj)
    if cls in _PLAIN:
        return obj
    names = _FIELD_NAMES.get(cls)
    if names is None and dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        names = _FIELD_NAMES[cls] = tuple(f.name for f in dataclasses.fields(obj))
    if names is not None:
        out = {}
        for name in names:
            value = getattr(obj, name)
            out[name] = value if type(value) in _PLAIN else to_dict(value)
        return out
    if isinstance(obj, list | tuple):
        return [v if type(v) in _PLAIN else to_dict(v) for v in obj]
    if isinstance(obj, dict):
        return {k: to_dict(v) for k, v in obj.items()}
    return obj


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    if cls not in _HINTS:
        _HINTS[cls] = typing.get_type_hints(cls)
    return _HINTS[cls]


def _convert(tp: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(tp):
            if arg is type(None):
                continue
            if dataclasses.is_dataclass(arg) and isinstance(value, dict):
                return from_dict(arg, value)
        return value
    if origin is list:
        (arg,) = typing.get_args(tp) or (Any,)
        return [_convert(arg, v) for v in value]
    if dataclasses.is_dataclass(tp) and isinstance(value, dict):
        return from_dict(tp, value)
    return value


def from_dict(cls: type, data: dict[str, Any]) -> Any:
    """Build dataclass ``cls`` from a dict, ignoring unknown keys (forward compatible)."""
    hints = _hints(cls)
    kwargs = {}
    names = {f.name for f in dataclasses.fields(cls)}
    for key, value in data.items():
        if key in names:
            kwargs[key] = _convert(hints[key], value)
    return cls(**kwargs)
