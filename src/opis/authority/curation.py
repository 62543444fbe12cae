"""Curator corrections to records and entities, applied to a document after the pipeline.

Corrections are stored apart from the records (``Store.add_correction`` / ``Store.corrections``)
and re-applied on every (re-)ingest by the last pipeline stage (``opis.pipeline.curation``), so
nothing a historian corrected is lost when a file is processed again. This module holds the
rules only; it knows nothing of the pipeline (the stage hands it the function that rebuilds a
document's entities from its mentions). Kinds and their ``args`` (a *span* is ``doc_id, start,
end`` and optionally ``note, path, surface``):

``entity.merge``     ``{"into": A, "other": B}`` — B is the same as A: B's mentions point to A,
                     B's names become A's variants.
``entity.rename``    ``{"id": A, "label": "New label"}`` — A's preferred label.
``entity.link``      span + ``{"entity": A}`` — the span is a mention of A (a mention is created
                     if the pipeline found none there).
``entity.unlink``    span — the span is not a mention of any entity (the mention is removed;
                     "reject a mention").
``entity.split``     ``{"entity": A, "id": N, "label": L, "mentions": [span, ...]}`` — those
                     mentions of A are of another entity N, labelled L.
``entity.authority`` ``{"id": A, "authority": E}`` — A is the authority entry E (A's mentions
                     point to E, A's names become E's variants).
``entity.reject``    ``{"id": A}`` — A is not an entity: its mentions are removed and claims
                     placed at it lose their place.
``mention.retype``   span + ``{"type": T}`` — the mention is of type T (PERSON, PLACE, ORG,
                     UNIT); a link to an entity of another type is replaced by one by name.
``claim.reject``     span of the claim's number — the claim is removed.
``claim.correct``    span + any of ``{"value": V, "date": EDTF, "place": E}`` — the claim's value,
                     date or place as the curator gives them.
``document.set``     ``{"doc_id": D, "field": F, "value": V, "path": P}`` — a metadata field
                     (:data:`DOCUMENT_FIELDS`) set to V (null: cleared).

Span and document corrections apply to the document with that id, or to a new version of the
same file (same ``path``) — span ones as long as the text at the span is still ``surface``.

``apply`` is idempotent: applying the same corrections twice gives the same document.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from opis.errors import OpisError
from opis.model import Agent, DateValue, Document, Entity, Mention, Variant

KINDS = ("entity.merge", "entity.rename", "entity.link", "entity.unlink", "entity.split", "entity.authority",
         "entity.reject", "mention.retype", "claim.reject", "claim.correct", "document.set")
ENTITY_TYPES = ("PERSON", "PLACE", "ORG", "UNIT")
#: the metadata fields ``document.set`` corrects: text fields, list fields (values joined with
#: "; "), the date (EDTF), authors and recipients (names joined with "; ") and the archival
#: signatures (one per line).
TEXT_FIELDS = ("title", "doc_type", "classification", "document_number", "original_language", "summary",
               "source_url", "record_id", "doi", "rights", "journal", "volume", "issue", "pages", "abstract")
LIST_FIELDS = ("languages", "translators", "contributors", "funders", "keywords")
AGENT_FIELDS = ("authors", "recipients")
DOCUMENT_FIELDS = TEXT_FIELDS + LIST_FIELDS + AGENT_FIELDS + ("date", "archival_refs")


class CorrectionError(OpisError):
    """A correction is malformed (unknown kind, missing argument, bad span)."""


_SPAN = ("doc_id", "start", "end")
_SPAN_MAY = ("note", "path", "surface")
# per kind: the arguments it needs, and those it may carry besides
NEEDS: dict[str, tuple[str, ...]] = {
    "entity.merge": ("into", "other"),
    "entity.rename": ("id", "label"),
    "entity.link": _SPAN + ("entity",),
    "entity.unlink": _SPAN,
    "entity.split": ("entity", "id", "label", "mentions"),
    "entity.authority": ("id", "authority"),
    "entity.reject": ("id",),
    "mention.retype": _SPAN + ("type",),
    "claim.reject": _SPAN,
    "claim.correct": _SPAN,
    "document.set": ("doc_id", "field"),
}
MAY: dict[str, tuple[str, ...]] = {
    "entity.merge": (),
    "entity.rename": (),
    "entity.link": _SPAN_MAY,
    "entity.unlink": _SPAN_MAY,
    "entity.split": (),
    "entity.authority": (),
    "entity.reject": (),
    "mention.retype": _SPAN_MAY + ("entity",),
    "claim.reject": _SPAN_MAY,
    "claim.correct": _SPAN_MAY + ("value", "date", "place", "place_label"),
    "document.set": ("value", "path"),
}
SPAN_KINDS = ("entity.link", "entity.unlink", "mention.retype", "claim.reject", "claim.correct")
_INTS = ("start", "end", "note")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_value(kind: str, key: str, value: Any) -> None:
    """One argument's type: offsets integers, a claim's value a number or text, the mentions of a
    split a list of spans, every other argument a non-empty string."""
    if key in _INTS:
        ok = _is_int(value)
    elif key == "value" and kind == "claim.correct":
        ok = (isinstance(value, int | float) and not isinstance(value, bool)) or (
            isinstance(value, str) and bool(value.strip()))
    elif key == "value":
        ok = isinstance(value, str)
    elif key == "mentions":
        ok = isinstance(value, list) and bool(value) and all(isinstance(m, dict) for m in value)
    else:
        ok = isinstance(value, str) and bool(value.strip())
    if not ok:
        want = ("an integer" if key in _INTS else "a list of spans" if key == "mentions"
                else "a number or a non-empty string" if key == "value" else "a non-empty string")
        raise CorrectionError(f"correction {kind}: {key} must be {want}, not {value!r}")


def _check_span(kind: str, span: dict[str, Any]) -> None:
    missing = [k for k in _SPAN if span.get(k) in (None, "")]
    if missing:
        raise CorrectionError(f"correction {kind}: a span lacks {', '.join(missing)}")
    unknown = sorted(set(span) - set(_SPAN) - set(_SPAN_MAY))
    if unknown:
        raise CorrectionError(f"correction {kind}: unknown span argument {', '.join(unknown)}")
    for key, value in span.items():
        if value is not None or key in _SPAN:
            _check_value(kind, key, value)
    s, e = span["start"], span["end"]
    if s < 0 or e <= s:
        raise CorrectionError(f"correction {kind}: bad span {s!r}-{e!r}")


def _check_edtf(kind: str, value: str) -> None:
    from opis.extract.edtf_values import from_edtf

    try:
        from_edtf(value)
    except (ValueError, KeyError, IndexError):
        raise CorrectionError(f"correction {kind}: {value!r} is not an EDTF date (e.g. 1945-09-05, 1945-08, 1920~)"
                              ) from None


def _check_kind(kind: str, args: dict[str, Any]) -> None:
    """The checks one kind adds to the argument types."""
    if kind in SPAN_KINDS:
        _check_span(kind, {k: v for k, v in args.items() if k in _SPAN + _SPAN_MAY})
    if kind == "entity.merge" and args["into"] == args["other"]:
        raise CorrectionError("correction entity.merge: an entity cannot be merged into itself")
    if kind == "entity.authority" and args["id"] == args["authority"]:
        raise CorrectionError("correction entity.authority: an entity cannot be linked to itself")
    if kind == "entity.split":
        for span in args["mentions"]:
            _check_span(kind, span)
        if args["id"] == args["entity"]:
            raise CorrectionError("correction entity.split: the new entity needs another id")
    if kind == "mention.retype" and args["type"] not in ENTITY_TYPES:
        raise CorrectionError(f"correction mention.retype: type must be one of {', '.join(ENTITY_TYPES)}")
    if kind == "claim.correct":
        if all(args.get(k) is None for k in ("value", "date", "place")):
            raise CorrectionError("correction claim.correct: give a value, a date or a place")
        if args.get("date") is not None:
            _check_edtf(kind, args["date"])
    if kind == "document.set":
        if args["field"] not in DOCUMENT_FIELDS:
            raise CorrectionError(f"correction document.set: no field {args['field']!r} (one of "
                                  f"{', '.join(DOCUMENT_FIELDS)})")
        if args["field"] == "date" and (args.get("value") or "").strip():
            _check_edtf(kind, args["value"].strip())


def validate(kind: str, args: Any) -> None:
    """Raise :class:`CorrectionError` unless ``args`` are well-formed for ``kind``: every needed
    argument present and of its type (ids, labels, paths and surfaces non-empty strings; span
    offsets and note numbers integers; a span non-empty; dates EDTF), no unknown argument.
    Nothing is looked up: whether the entities and documents exist is
    :meth:`opis.Archive.correct`'s check."""
    if kind not in NEEDS:
        raise CorrectionError(f"unknown correction kind {kind!r} (expected one of {', '.join(KINDS)})")
    if not isinstance(args, dict):
        raise CorrectionError(f"correction {kind}: the arguments must be an object, not {type(args).__name__}")
    missing = [k for k in NEEDS[kind] if args.get(k) in (None, "", [])]
    if missing:
        raise CorrectionError(f"correction {kind} lacks {', '.join(missing)}")
    unknown = sorted(set(args) - set(NEEDS[kind]) - set(MAY[kind]))
    if unknown:
        raise CorrectionError(f"correction {kind}: unknown argument {', '.join(unknown)}")
    for key, value in args.items():
        if value is None and key not in NEEDS[kind]:
            continue
        _check_value(kind, key, value)
    _check_kind(kind, args)


def is_valid(kind: str, args: Any) -> bool:
    """Whether :func:`validate` accepts the correction."""
    try:
        validate(kind, args)
    except CorrectionError:
        return False
    return True


def _entity_type(entity_id: str, fallback: str) -> str:
    from opis import authority

    ent = authority.get(entity_id)
    if ent is not None:
        return ent.type
    if "~" in entity_id:
        t = entity_id.split("~", 1)[0].upper()
        if t in ENTITY_TYPES:
            return t
    return fallback


def _span_text(doc: Document, start: int, end: int, note: int | None) -> str | None:
    text = doc.text if note is None else next((n.text for n in doc.notes if n.n == note), "")
    if end > len(text):
        return None
    return text[start:end]


def _same_document(doc: Document, args: dict[str, Any]) -> bool:
    """The correction's document: same id, or (after a re-ingest of a changed file) same path."""
    if args.get("doc_id") == doc.id:
        return True
    path = args.get("path")
    return bool(path and doc.provenance and doc.provenance.path == path)


def _same_span(m: Mention, start: int, end: int, note: int | None) -> bool:
    return m.start == start and m.end == end and m.note == note


Rebuild = Callable[[Document, dict[str, Entity]], None]


@dataclass
class _State:
    """What the entity-level corrections of one :func:`apply` gathered."""

    merged: dict[str, str] = field(default_factory=dict)
    renames: dict[str, str] = field(default_factory=dict)
    rejected: set[str] = field(default_factory=set)
    entities: bool = False  # the mentions or entities changed: rebuild them

    def final(self, eid: str) -> str:
        """The entity ``eid`` ends up as after the merges."""
        seen = set()
        while eid in self.merged and eid not in seen:
            seen.add(eid)
            eid = self.merged[eid]
        return eid


def apply(doc: Document, corrections: list[dict[str, Any]], *, rebuild: Rebuild) -> Document:
    """Apply ``corrections`` (as ``Store.corrections()`` returns them) to ``doc`` in order;
    ``rebuild(doc, known)`` sets ``doc.entities`` from the corrected mentions (``known``: the
    entities the document had, by id).

    A malformed correction (one stored before corrections were validated, see
    :func:`validate`) is passed over, never raised: it must not stop every later ingest.
    ``opis check`` lists such corrections."""
    corrections = [c for c in corrections if is_valid(c.get("kind"), c.get("args"))]
    if not corrections:
        return doc
    known: dict[str, Entity] = {e.id: e for e in doc.entities}
    state = _State()
    for c in corrections:
        _apply_one(doc, c["kind"], c["args"], state)
    if not state.entities:
        return doc
    kept = []
    for m in doc.mentions:
        if m.entity_id and (m.entity_id in state.rejected or state.final(m.entity_id) in state.rejected):
            continue
        if m.entity_id:
            m.entity_id = state.final(m.entity_id)
        kept.append(m)
    doc.mentions = kept
    rebuild(doc, known)
    by_id = {e.id: e for e in doc.entities}
    _merge_names(by_id, known, state.merged, state.final)
    _rename(by_id, state.renames, state.final)
    _claim_places(doc, by_id, state)
    return doc


def _apply_one(doc: Document, kind: str, args: dict[str, Any], state: _State) -> None:
    """Apply one correction, or note it in ``state`` when it acts on entities as a whole."""
    if kind == "entity.merge":
        state.merged[args["other"]] = args["into"]
        state.entities = True
    elif kind == "entity.authority":
        state.merged[args["id"]] = args["authority"]
        state.entities = True
    elif kind == "entity.rename":
        state.renames[args["id"]] = args["label"]
        state.entities = True
    elif kind == "entity.reject":
        state.rejected.add(args["id"])
        state.entities = True
    elif kind == "entity.split":
        if _split(doc, args):
            state.renames[args["id"]] = args["label"]
            state.entities = True
    elif kind in ("entity.link", "entity.unlink", "mention.retype"):
        state.entities = _apply_span(doc, kind, args) or state.entities
    elif kind in ("claim.reject", "claim.correct"):
        _apply_claim(doc, kind, args)
    elif kind == "document.set" and _same_document(doc, args):
        set_field(doc, args["field"], args.get("value"))


def _at_span(doc: Document, args: dict[str, Any]) -> bool:
    """Whether ``args`` name a span of ``doc`` whose words are still the ones corrected."""
    if not _same_document(doc, args):
        return False
    surface = _span_text(doc, args["start"], args["end"], args.get("note"))
    return surface is not None and not (args.get("surface") and surface != args["surface"])


def _split(doc: Document, args: dict[str, Any]) -> bool:
    """Point the mentions of a split that are in ``doc`` to the new entity."""
    done = False
    for span in args["mentions"]:
        if not _at_span(doc, span):
            continue
        for m in doc.mentions:
            if _same_span(m, span["start"], span["end"], span.get("note")) and m.entity_id:
                m.entity_id = args["id"]
                done = True
    return done


def _apply_claim(doc: Document, kind: str, args: dict[str, Any]) -> None:
    """Reject or correct the claims whose number is at the span."""
    if not _at_span(doc, args):
        return
    start, end, note = args["start"], args["end"], args.get("note")
    hits = [c for c in doc.claims if c.start == start and c.end == end and c.note == note]
    if kind == "claim.reject":
        doc.claims = [c for c in doc.claims if c not in hits]
        return
    for c in hits:
        if args.get("value") is not None:
            c.value = args["value"]
            if c.quantity is not None:
                c.quantity.text = str(args["value"])
                c.quantity.value = args["value"] if isinstance(args["value"], int | float) else None
        if args.get("date") is not None:
            c.date = _date(args["date"])
        if args.get("place") is not None:
            c.place = args["place"]
            c.place_label = args.get("place_label") or c.place_label


def _claim_places(doc: Document, by_id: dict[str, Entity], state: _State) -> None:
    """Claims follow their place's merges and renames, and lose a place that is not an entity."""
    for c in doc.claims:
        if not c.place:
            continue
        if c.place in state.rejected:
            c.place, c.place_label = None, None
            continue
        place = state.final(c.place)
        if (place != c.place or place in state.renames) and place in by_id:
            c.place_label = by_id[place].label
        c.place = place


def _date(value: str | None) -> DateValue:
    from opis.extract.edtf_values import from_edtf

    value = (value or "").strip()
    return from_edtf(value) if value else DateValue()


def _parse_refs(value: str) -> list:
    from opis.model import ArchivalRef
    from opis.refs.archival import parse_archival

    out = []
    for line in value.splitlines():
        line = line.strip()
        if line:
            out.extend(parse_archival(line) or [ArchivalRef(raw=line, kind="unparsed")])
    return out


def set_field(doc: Document, name: str, value: str | None) -> None:
    """Set the metadata field ``name`` of ``doc`` from the curator's text (see
    :data:`DOCUMENT_FIELDS`; empty text clears it) and record the curator as its source."""
    from opis.model import FieldSource

    text = (value or "").strip()
    items = [v.strip() for v in text.split(";") if v.strip()]
    if name in TEXT_FIELDS:
        setattr(doc, name, text or None)
    elif name in LIST_FIELDS:
        setattr(doc, name, items)
    elif name in AGENT_FIELDS:
        old = {a.name: a for a in getattr(doc, name)}
        setattr(doc, name, [old.get(n) or Agent(name=n) for n in items])
    elif name == "date":
        doc.date = _date(text)
    elif name == "archival_refs":
        doc.archival_refs = _parse_refs(text)
    if doc.provenance is not None:
        doc.provenance.fields = [f for f in doc.provenance.fields if f.field != name]
        if text:
            doc.provenance.fields.append(FieldSource(field=name, value=text, rule="curator"))


def field_text(doc: Document, name: str) -> str:
    """The value of metadata field ``name`` as the curator edits it (inverse of :func:`set_field`)."""
    value = getattr(doc, name, None)
    if name == "date":
        return doc.date.edtf or ""
    if name == "archival_refs":
        return "\n".join(r.raw for r in doc.archival_refs if r.note is None)
    if name in AGENT_FIELDS:
        return "; ".join(a.name for a in value or [])
    if name in LIST_FIELDS:
        return "; ".join(value or [])
    return "" if value is None else str(value)


def _apply_span(doc: Document, kind: str, args: dict[str, Any]) -> bool:
    """Link, unlink or retype the mention at the span of a correction in ``doc``; False when the
    correction is for another document, or a new version of the file no longer has these words
    at this span."""
    if not _at_span(doc, args):
        return False
    start, end, note = args["start"], args["end"], args.get("note")
    hit = next((m for m in doc.mentions if _same_span(m, start, end, note)), None)
    if kind == "entity.unlink":
        doc.mentions = [m for m in doc.mentions if not _same_span(m, start, end, note)]
        return True
    if kind == "mention.retype":
        if hit is None:
            return False
        hit.type = args["type"]
        if args.get("entity"):
            hit.entity_id = args["entity"]
        elif hit.entity_id and _entity_type(hit.entity_id, hit.type) != hit.type:
            hit.entity_id = None
        return True
    eid = args["entity"]
    if hit is None:
        surface = _span_text(doc, start, end, note) or ""
        hit = Mention(start, end, surface, _entity_type(eid, "PERSON"), source="curator", note=note)
        doc.mentions.append(hit)
        doc.mentions.sort(key=lambda m: (m.note is not None, m.note or 0, m.start or 0))
    hit.entity_id = eid
    hit.type = _entity_type(eid, hit.type)
    return True


def _merge_names(by_id: dict[str, Entity], known: dict[str, Entity], merged: dict[str, str], final) -> None:
    """A merged entity's names become variants of the entity it was merged into."""
    for other in merged:
        target = by_id.get(final(other))
        src = known.get(other)
        if target is None or src is None:
            continue
        names = {v.name for v in target.variants} | {target.label}
        for n in [src.label] + [v.name for v in src.variants]:
            if n not in names:
                target.variants.append(Variant(n))
                names.add(n)


def _rename(by_id: dict[str, Entity], renames: dict[str, str], final) -> None:
    """The new preferred labels; the old label stays as the first variant."""
    for eid, label in renames.items():
        e = by_id.get(final(eid))
        if e is not None and e.label != label:
            if e.label not in {v.name for v in e.variants}:
                e.variants.insert(0, Variant(e.label))
            e.label = label
