"""Curator corrections to entities, applied to a document after the pipeline.

Corrections are stored apart from the records (``Store.add_correction`` / ``Store.corrections``)
and re-applied after every (re-)ingest by ``opis.ingest``, so nothing a historian corrected is
lost when a file is processed again. Kinds and their ``args``:

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

from typing import Any

from opis.errors import OpisError
from opis.model import Document, Entity, Mention, Variant

KINDS = ("entity.merge", "entity.rename", "entity.link", "entity.unlink")
ENTITY_TYPES = ("PERSON", "PLACE", "ORG", "UNIT")


class CorrectionError(OpisError):
    """A correction is malformed (unknown kind, missing argument, bad span)."""


def validate(kind: str, args: dict[str, Any]) -> None:
    need = {
        "entity.merge": ("into", "other"),
        "entity.rename": ("id", "label"),
        "entity.link": ("doc_id", "start", "end", "entity"),
        "entity.unlink": ("doc_id", "start", "end"),
    }
    if kind not in need:
        raise CorrectionError(f"unknown correction kind {kind!r} (expected one of {', '.join(KINDS)})")
    missing = [k for k in need[kind] if args.get(k) in (None, "")]
    if missing:
        raise CorrectionError(f"correction {kind} lacks {', '.join(missing)}")
    if kind in ("entity.link", "entity.unlink"):
        s, e = args["start"], args["end"]
        if not isinstance(s, int) or not isinstance(e, int) or s < 0 or e <= s:
            raise CorrectionError(f"correction {kind}: bad span {s!r}-{e!r}")
    if kind == "entity.merge" and args["into"] == args["other"]:
        raise CorrectionError("correction entity.merge: an entity cannot be merged into itself")


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


def apply(doc: Document, corrections: list[dict[str, Any]]) -> Document:
    """Apply ``corrections`` (as ``Store.corrections()`` returns them) to ``doc`` in order."""
    from opis.pipeline.linking import build_entities

    if not corrections:
        return doc
    known: dict[str, Entity] = {e.id: e for e in doc.entities}
    renames: dict[str, str] = {}
    merged: dict[str, str] = {}
    changed = False

    def final(eid: str) -> str:
        seen = set()
        while eid in merged and eid not in seen:
            seen.add(eid)
            eid = merged[eid]
        return eid

    for c in corrections:
        kind, args = c.get("kind"), c.get("args") or {}
        if kind == "entity.merge":
            into, other = args["into"], args["other"]
            merged[other] = into
            changed = True
        elif kind == "entity.rename":
            renames[args["id"]] = args["label"]
            changed = True
        elif kind in ("entity.link", "entity.unlink"):
            if not _same_document(doc, args):
                continue
            start, end, note = args["start"], args["end"], args.get("note")
            surface = _span_text(doc, start, end, note)
            if surface is None or (args.get("surface") and surface != args["surface"]):
                continue  # a new version of the file no longer has these words at this span
            if kind == "entity.unlink":
                doc.mentions = [m for m in doc.mentions if not _same_span(m, start, end, note)]
            else:
                eid = args["entity"]
                hit = next((m for m in doc.mentions if _same_span(m, start, end, note)), None)
                if hit is None:
                    hit = Mention(start, end, surface, _entity_type(eid, "PERSON"), source="curator", note=note)
                    doc.mentions.append(hit)
                    doc.mentions.sort(key=lambda m: (m.note is not None, m.note or 0, m.start or 0))
                hit.entity_id = eid
                hit.type = _entity_type(eid, hit.type)
            changed = True
    if not changed:
        return doc
    for m in doc.mentions:
        if m.entity_id:
            m.entity_id = final(m.entity_id)
    build_entities(doc, known)
    by_id = {e.id: e for e in doc.entities}
    for other, _into in merged.items():
        target = by_id.get(final(other))
        src = known.get(other)
        if target is None or src is None:
            continue
        names = {v.name for v in target.variants} | {target.label}
        for n in [src.label] + [v.name for v in src.variants]:
            if n not in names:
                target.variants.append(Variant(n))
                names.add(n)
    for eid, label in renames.items():
        e = by_id.get(final(eid))
        if e is not None and e.label != label:
            if e.label not in {v.name for v in e.variants}:
                e.variants.insert(0, Variant(e.label))
            e.label = label
    return doc
