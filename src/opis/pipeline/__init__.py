"""The extraction pipeline: named components run in order over a Document (spaCy style).

A component is a function ``Document -> Document`` registered with ``@component("name")`` in
``opis.pipeline.<name>``. Each adds its layer (apparatus, references, mentions, claims...) with
spans into the same text and never rewrites what an earlier component found. The order is
configuration (``DEFAULT_PIPELINE``), not wiring.

Each component declares the Document attributes it needs (``requires``) and those it sets
(``assigns``), as spaCy's components do. ``Pipeline(names)`` checks the order when it is built: a
stage that needs an attribute which neither the reader (``READER_PROVIDES``) nor an earlier stage
sets is an ``ExtractionError`` naming the stage and the attribute. An attribute a stage only
consults when it is there (the entities stage looks in the title and summary) is not a need.

What a run needs besides the Document travels in a :class:`RunContext` given to the call
(``pipeline(doc, corrections=...)``) and read by the stage with :func:`run_context`: the curator's
corrections, which the last stage (``curation``) re-applies, come from the store once per batch
and reach the worker process with the batch, never by a query from inside a stage.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from dataclasses import fields as dataclass_fields
from datetime import UTC, datetime
from typing import Any

from opis import __version__
from opis.errors import ExtractionError
from opis.model import Document, Provenance
from opis.readers.base import RawDocument

Component = Callable[[Document], Document]

DEFAULT_PIPELINE: list[str] = [
    "boilerplate",
    "metadata",
    "language",
    "apparatus",
    "archrefs",
    "notes",
    "entities",
    "linking",
    "dates",
    "claims",
    "curation",  # last: the curator's word overrides what every stage found
]

# What a Document holds when it leaves the reader (``document_from_raw``), before any stage.
READER_PROVIDES: frozenset[str] = frozenset(
    {"text", "fields", "facts", "notes", "page_info", "headings", "languages", "warnings", "provenance"}
)

_DOCUMENT_ATTRS: frozenset[str] = frozenset(f.name for f in dataclass_fields(Document))


@dataclass(frozen=True)
class Contract:
    """What a component needs on the Document before it runs, and what it sets."""

    requires: frozenset[str] = frozenset()
    assigns: frozenset[str] = frozenset()


@dataclass(frozen=True)
class RunContext:
    """What one run of the pipeline is given besides the Document: the curator's corrections
    (``Store.corrections()``, oldest first), re-applied by the ``curation`` stage."""

    corrections: tuple[dict[str, Any], ...] = ()


_EMPTY = RunContext()
_CONTEXT: ContextVar[RunContext | None] = ContextVar("opis_pipeline_run", default=None)


def run_context() -> RunContext:
    """The context of the pipeline run in progress (empty outside a run)."""
    return _CONTEXT.get() or _EMPTY


_REGISTRY: dict[str, Component] = {}
_CONTRACTS: dict[str, Contract] = {}


def component(
    name: str, requires: Iterable[str] = (), assigns: Iterable[str] = ()
) -> Callable[[Component], Component]:
    """Register a function ``Document -> Document`` as the pipeline component ``name`` that needs
    the Document attributes ``requires`` and sets ``assigns`` (names of ``Document`` fields;
    a name that is no field is an ExtractionError at registration).

    ```python
    @component("dates", requires=["text", "date"], assigns=["dates"])
    def dates(doc: Document) -> Document: ...
    ```
    """
    contract = Contract(frozenset(requires), frozenset(assigns))
    unknown = sorted((contract.requires | contract.assigns) - _DOCUMENT_ATTRS)
    if unknown:
        raise ExtractionError(f"pipeline component {name!r} declares unknown Document attributes {unknown}")

    def deco(fn: Component) -> Component:
        _REGISTRY[name] = fn
        _CONTRACTS[name] = contract
        return fn

    return deco


def contract(name: str) -> Contract:
    """The declared needs and outputs of the component ``name`` (registered first if needed)."""
    get_component(name)
    return _CONTRACTS.get(name, Contract())


def check_order(names: Iterable[str]) -> None:
    """Raise ExtractionError if a stage of ``names`` needs an attribute that neither the reader nor
    an earlier stage sets."""
    available = set(READER_PROVIDES)
    for name in names:
        c = contract(name)
        missing = sorted(c.requires - available)
        if missing:
            raise ExtractionError(
                f"pipeline stage {name!r} requires {', '.join(missing)}, which no earlier stage "
                f"(nor the reader) assigns"
            )
        available |= c.assigns


def get_component(name: str) -> Component:
    """The component registered as ``name``, importing ``opis.pipeline.<name>`` if needed;
    ExtractionError if there is none."""
    if name not in _REGISTRY:
        try:
            importlib.import_module(f"opis.pipeline.{name}")
        except ModuleNotFoundError as exc:
            raise ExtractionError(f"unknown pipeline component {name!r}") from exc
    if name not in _REGISTRY:
        raise ExtractionError(f"module opis.pipeline.{name} registers no component {name!r}")
    return _REGISTRY[name]


def document_from_raw(raw: RawDocument) -> Document:
    """Start a Document from what a reader returned (id from the content hash)."""
    doc = Document(id=raw.sha256[:16], text=raw.text, fields=dict(raw.fields), facts=list(raw.facts))
    doc.page_info = list(raw.pages)
    doc.headings = list(raw.headings)
    doc.languages = list(raw.languages)
    doc.warnings = list(raw.warnings)
    doc.provenance = Provenance(
        path=raw.path,
        sha256=raw.sha256,
        format=raw.format,
        reader=raw.reader,
        ingested_at=datetime.now(UTC).isoformat(timespec="seconds"),
        pipeline_version=__version__,
        layout=raw.layout,
        size=raw.size,
        family=raw.fields.get("Page family"),
    )
    # Footnotes and the reference list travel as layout hints until the notes component parses them.
    doc.notes = [_note(n) for n in raw.notes]
    doc.fields.setdefault("__references__", "\n".join(raw.references))
    return doc


def _note(raw_note):
    from opis.model import Note

    return Note(n=raw_note.n, text=raw_note.text, anchor=raw_note.anchor)


class Pipeline:
    """An ordered list of named components."""

    def __init__(self, names: Iterable[str] | None = None, strict: bool = False):
        self.strict = strict
        self.names = list(DEFAULT_PIPELINE if names is None else names)
        check_order(self.names)
        self.components = [(n, get_component(n)) for n in self.names]

    def __call__(self, doc: Document, corrections: Sequence[dict[str, Any]] = ()) -> Document:
        """Run every component in order, with ``corrections`` (as ``Store.corrections()`` gives
        them) in the run's context for the ``curation`` stage. A component that fails costs its
        own layer, not the document: the error is recorded in ``doc.warnings`` ("stage 'claims'
        failed: ...") and the next components run on what the document holds (``strict=True``
        raises instead)."""
        token = _CONTEXT.set(RunContext(tuple(corrections)))
        try:
            return self._run(doc)
        finally:
            _CONTEXT.reset(token)

    def _run(self, doc: Document) -> Document:
        for name, fn in self.components:
            try:
                doc = fn(doc)
            except Exception as exc:  # a component bug must name the stage, and never lose the file
                if self.strict:
                    path = doc.provenance.path if doc.provenance else doc.id
                    raise ExtractionError(f"pipeline component {name!r} failed: {exc!r}", path) from exc
                doc.warnings.append(f"stage {name!r} failed: {type(exc).__name__}: {exc}"[:500])
        return doc

    def pipe(self, docs: Iterable[Document]) -> Iterator[Document]:
        """Run the pipeline over each document in turn."""
        for doc in docs:
            yield self(doc)


_DEFAULT: Pipeline | None = None


def default_pipeline() -> Pipeline:
    """The pipeline of ``DEFAULT_PIPELINE``, built once per process and shared."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Pipeline()
    return _DEFAULT


def process(raw: RawDocument, pipeline: Pipeline | None = None,
            corrections: Sequence[dict[str, Any]] = ()) -> Document:
    """RawDocument -> fully extracted Document (with the curator's ``corrections`` re-applied by
    the ``curation`` stage)."""
    return (pipeline or default_pipeline())(document_from_raw(raw), corrections)
