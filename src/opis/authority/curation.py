"""Curator corrections to entities, applied to a document after the pipeline.

Corrections are stored apart from the records (``Store.add_correction`` / ``Store.corrections``)
and re-applied on every (re-)ingest by the last pipeline stage (``opis.pipeline.curation``), so
nothing a historian corrected is lost when a file is processed again. This module holds the
rules only; it knows nothing of the pipeline (the stage hands it the function that rebuilds a
document's entities from its mentions). Kinds and their ``args``:

``entity.merge``   ``{"into": A, "other": B}`` — B is the same as A: B's mentions point to A,
                   B's names become A's variants.
``entity.rename``  ``{"id": A, "label": "New label"}`` — A's preferred label.
``entity.link``    ``{"doc_id": D, "start": s, "end": e, "entity": A, "note": n|null, "path": P,
                   "surface": S}`` — the span is a mention of A (a mention is created if the
                   pipeline found none there).
``entity.unlink``  ``{"doc_id": D, "start": s, "end": e, "note": n|null, "path": P, "surface": S}``
                   — the span is not a mention of any entity (the mention is removed).

Span corrections apply to the document with that id, or to a new version of the same file
(same ``path``) as long as the text at the span is still ``surface``.

``apply`` is idempotent: applying the same corrections twice gives the same document.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from opis.errors import OpisError
from opis.model import Document, Entity, Mention, Variant

KINDS = ("entity.merge", "entity.rename", "entity.link", "entity.unlink")
ENTITY_TYPES = ("PERSON", "PLACE", "ORG", "UNIT")


class CorrectionError(OpisError):
    """A correction is malformed (unknown kind, missing argument, bad span)."""


# per kind: the arguments it needs, and those it may carry besides
NEEDS: dict[str, tuple[str, ...]] = {
    "entity.merge": ("into", "other"),
    "entity.rename": ("id", "label"),
    "entity.link": ("doc_id", "start", "end", "entity"),
    "entity.unlink": ("doc_id", "start", "end"),
}
MAY: dict[str, tuple[str, ...]] = {
    "entity.merge": (),
    "entity.rename": (),
    "entity.link": ("note", "path", "surface"),
    "entity.unlink": ("note", "path", "surface"),
}
_INTS = ("start", "end", "note")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def validate(kind: str, args: Any) -> None:
    """Raise :class:`CorrectionError` unless ``args`` are well-formed for ``kind``: every needed
    argument present and of its type (ids, labels, paths and surfaces non-empty strings; span
    offsets and note numbers integers; a span non-empty), no unknown argument. Nothing is
    looked up: whether the entities and documents exist is :meth:`opis.Archive.correct`'s check."""
    if kind not in NEEDS:
        raise CorrectionError(f"unknown correction kind {kind!r} (expected one of {', '.join(KINDS)})")
    if not isinstance(args, dict):
        raise CorrectionError(f"correction {kind}: the arguments must be an object, not {type(args).__name__}")
    missing = [k for k in NEEDS[kind] if args.get(k) in (None, "")]
    if missing:
        raise CorrectionError(f"correction {kind} lacks {', '.join(missing)}")
    unknown = sorted(set(args) - set(NEEDS[kind]) - set(MAY[kind]))
    if unknown:
        raise CorrectionError(f"correction {kind}: unknown argument {', '.join(unknown)}")
    for key, value in args.items():
        if value is None and key not in NEEDS[kind]:
            continue
        if key in _INTS and not _is_int(value):
            raise CorrectionError(f"correction {kind}: {key} must be an integer, not {value!r}")
        if key not in _INTS and not (isinstance(value, str) and value.strip()):
            raise CorrectionError(f"correction {kind}: {key} must be a non-empty string, not {value!r}")
    if kind in ("entity.link", "entity.unlink"):
        s, e = args["start"], args["end"]
        if s < 0 or e <= s:
            raise CorrectionError(f"correction {kind}: bad span {s!r}-{e!r}")
    if kind == "entity.merge" and args["into"] == args["other"]:
        raise CorrectionError("correction entity.merge: an entity cannot be merged into itself")


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
    renames: dict[str, str] = {}
    merged: dict[str, str] = {}
    changed = False
    for c in corrections:
        kind, args = c["kind"], c["args"]
        if kind == "entity.merge":
            merged[args["other"]] = args["into"]
            changed = True
        elif kind == "entity.rename":
            renames[args["id"]] = args["label"]
            changed = True
        elif kind in ("entity.link", "entity.unlink"):
            changed = _apply_span(doc, kind, args) or changed
    if not changed:
        return doc

    def final(eid: str) -> str:
        seen = set()
        while eid in merged and eid not in seen:
            seen.add(eid)
            eid = merged[eid]
        return eid

    for m in doc.mentions:
        if m.entity_id:
            m.entity_id = final(m.entity_id)
    rebuild(doc, known)
    by_id = {e.id: e for e in doc.entities}
    _merge_names(by_id, known, merged, final)
    _rename(by_id, renames, final)
    return doc


def _apply_span(doc: Document, kind: str, args: dict[str, Any]) -> bool:
    """Link or unlink the span of a correction in ``doc``; False when the correction is for another
    document, or a new version of the file no longer has these words at this span."""
    if not _same_document(doc, args):
        return False
    start, end, note = args["start"], args["end"], args.get("note")
    surface = _span_text(doc, start, end, note)
    if surface is None or (args.get("surface") and surface != args["surface"]):
        return False
    if kind == "entity.unlink":
        doc.mentions = [m for m in doc.mentions if not _same_span(m, start, end, note)]
        return True
    eid = args["entity"]
    hit = next((m for m in doc.mentions if _same_span(m, start, end, note)), None)
    if hit is None:
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
