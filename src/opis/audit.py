"""Curation with an audit trail: what a correction changes (a dry run), applying it with its
before and after recorded, and undoing it.

One function does the work of a correction, :func:`opis.pipeline.curation.curate` (the same the
pipeline's last stage runs on every re-ingest); :func:`run` applies it to copies of the stored
documents it concerns and compares them with the originals (:func:`diff`). A preview stops
there; applying writes the copies and records the change (:mod:`opis.store.audit`) with the
documents as they were, so that :func:`undo` can restore them: it removes the correction (no
longer re-applied) and rebuilds each document from its record before the first recorded change
to that version of it, re-applying every correction still stored, in order. An undo is itself
recorded.
"""

from __future__ import annotations

import copy
import csv
import io
import json
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from opis.authority import curation
from opis.errors import NotFound
from opis.model import Document
from opis.store import audit as _audit

#: at most this many changes of one entry are kept as its before/after (a merge over many
#: documents records the first ones and the number of the others)
MAX_CHANGES = 200


@dataclass
class Change:
    """One value a correction changes in one document: ``what`` is ``field``, ``mention``,
    ``claim`` or ``entity``; ``label`` says which one; ``before``/``after`` as text (None: absent)."""

    doc_id: str
    what: str
    label: str
    before: str | None
    after: str | None

    def to_dict(self) -> dict[str, Any]:
        """The change as JSON."""
        return {"doc_id": self.doc_id, "what": self.what, "label": self.label, "before": self.before,
                "after": self.after}


@dataclass
class Outcome:
    """What a correction changes (a preview), or changed (applied): the documents and the values.
    ``audit_id``/``correction_id`` are set when it was applied; ``stale``: documents an undo could
    not rebuild (re-ingested since), left for the next ingest."""

    kind: str
    args: dict[str, Any]
    documents: list[str] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    preview: bool = True
    audit_id: int | None = None
    correction_id: int | None = None
    stale: list[str] = field(default_factory=list)
    action: str = "correct"  # or "undo"

    def to_dict(self) -> dict[str, Any]:
        """The outcome as JSON (``/api/curation/...``)."""
        return {"kind": self.kind, "args": self.args, "preview": self.preview, "documents": self.documents,
                "changes": [c.to_dict() for c in self.changes], "audit_id": self.audit_id,
                "correction_id": self.correction_id, "stale": self.stale, "action": self.action}


# --- comparing two versions of a document ------------------------------------------------------
def _mentions(doc: Document) -> dict[tuple, tuple[str, str]]:
    return {(m.note, m.start, m.end): (f"“{m.surface}” at {m.start}" + (f" (note {m.note})" if m.note else ""),
                                       f"{m.type} {m.entity_id or '(no entity)'}") for m in doc.mentions}


def _claim_text(c) -> str:
    value = c.quantity.text if c.quantity and c.quantity.text else c.value
    parts = [f"{c.what}: {value}", c.date.edtf if c.date and c.date.edtf else "no date",
             c.place_label or c.place or "no place"]
    return " · ".join(str(p) for p in parts)


def _claims(doc: Document) -> dict[tuple, tuple[str, str]]:
    out: dict[tuple, tuple[str, str]] = {}
    for c in doc.claims:
        out.setdefault((c.note, c.start, c.end, c.what), (f"claim at {c.start}", _claim_text(c)))
    return out


def _entities(doc: Document) -> dict[str, tuple[str, str]]:
    return {e.id: (e.id, e.label) for e in doc.entities}


def _compare(doc_id: str, what: str, old: dict, new: dict) -> list[Change]:
    out = []
    for key in list(old) + [k for k in new if k not in old]:
        a, b = old.get(key), new.get(key)
        if (a and a[1]) != (b and b[1]):
            out.append(Change(doc_id, what, (a or b)[0], a[1] if a else None, b[1] if b else None))
    return out


def diff(before: Document, after: Document) -> list[Change]:
    """The values that differ between two versions of a document: metadata fields, mentions (by
    span: type and entity), claims (by span: value, date, place) and entities (label)."""
    out = []
    for name in curation.DOCUMENT_FIELDS:
        a, b = curation.field_text(before, name), curation.field_text(after, name)
        if a != b:
            out.append(Change(before.id, "field", name, a or None, b or None))
    out += _compare(before.id, "mention", _mentions(before), _mentions(after))
    out += _compare(before.id, "claim", _claims(before), _claims(after))
    out += _compare(before.id, "entity", _entities(before), _entities(after))
    return out


def summary(changes: list[Change]) -> tuple[dict[str, Any], dict[str, Any]]:
    """An entry's ``before`` and ``after``: each change's label (document, kind of value, which)
    to its old and its new value (at most :data:`MAX_CHANGES`; ``…`` counts the others)."""
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for c in changes[:MAX_CHANGES]:
        key = f"{c.doc_id[:12]} {c.what} {c.label}"
        before[key], after[key] = c.before, c.after
    if len(changes) > MAX_CHANGES:
        before["…"] = after["…"] = f"{len(changes) - MAX_CHANGES} more changes"
    return before, after


# --- running a correction ------------------------------------------------------------------
def subjects(kind: str, args: dict[str, Any], documents: list[str]) -> set[str]:
    """The documents and entities a correction concerns (where its history is shown)."""
    ids = set(documents)
    for key in ("into", "other", "id", "entity", "authority", "place", "doc_id"):
        if isinstance(args.get(key), str):
            ids.add(args[key])
    ids.update(m.get("doc_id") for m in args.get("mentions") or [] if isinstance(m, dict))
    return {i for i in ids if i}


def _applied(doc: Document, corrections: list[dict[str, Any]]) -> Document:
    from opis.pipeline.curation import curate

    return curate(copy.deepcopy(doc), corrections)


def _transaction(store, preview: bool, doing: str):
    """One write transaction for applying (the documents are read inside it, so no other writer
    changes them between the read and the write); none for a preview."""
    return nullcontext() if preview else store.batch(doing)


def run(store, kind: str, args: dict[str, Any], affected: list[str], *, author: str | None = None,
        preview: bool = True) -> Outcome:
    """Apply the checked correction to copies of the ``affected`` stored documents and compare;
    unless ``preview``, store the correction, write the copies and record the change, all in one
    transaction. ``args`` and ``affected`` come from :meth:`opis.Archive.correct`'s checks."""
    with _transaction(store, preview, "applying a correction"):
        return _run(store, kind, args, affected, author, preview)


def _run(store, kind: str, args: dict[str, Any], affected: list[str], author: str | None, preview: bool) -> Outcome:
    out = Outcome(kind, args, preview=preview)
    pending = [{"id": 0, "kind": kind, "args": args}]
    written: list[tuple[Document, Document, dict[str, Any]]] = []
    for doc_id in affected:
        record = store.get_dict(doc_id)
        before = Document.from_dict(record)
        after = _applied(before, pending)
        changes = diff(before, after)
        if changes:
            out.documents.append(doc_id)
            out.changes += changes
            written.append((before, after, record))
    if preview:
        return out
    out.correction_id = store.add_correction(kind, args, author)
    for _, after, _ in written:
        store.write(after)
    before_json, after_json = summary(out.changes)
    row = _audit.AuditRow(0, "", author, "correct", kind, out.correction_id, args, before_json, after_json,
                          out.documents)
    records = [(b.id, b.provenance.sha256 if b.provenance else None, rec) for b, _, rec in written]
    out.audit_id = _audit.add(store, row, subjects(kind, args, out.documents), records)
    out.preview = False
    return out


def undo(store, audit_id: int, *, author: str | None = None, preview: bool = False) -> Outcome:
    """Undo the change ``audit_id``: its correction is removed, and each document it changed is
    rebuilt from its record before the first recorded change to that version, with every
    correction still stored re-applied in order (``preview``: only say what would change).
    Raises :class:`~opis.authority.curation.CorrectionError` for an undo or a change already
    undone, :class:`~opis.errors.NotFound` for an unknown id."""
    with _transaction(store, preview, "undoing a correction"):
        return _undo(store, audit_id, author, preview)


def _undo(store, audit_id: int, author: str | None, preview: bool) -> Outcome:
    entry = _audit.get(store, audit_id)
    if entry.action != "correct":
        raise curation.CorrectionError(f"change #{audit_id} is an undo; make the correction again instead")
    if entry.undone_by is not None:
        raise curation.CorrectionError(f"change #{audit_id} was undone already (#{entry.undone_by})")
    out = Outcome(entry.kind, entry.args, preview=preview, correction_id=entry.correction_id, action="undo")
    remaining = [c for c in store.corrections() if c["id"] != entry.correction_id]
    rebuilt: list[Document] = []
    for doc_id in entry.documents:
        try:
            current = store.get(doc_id)
        except NotFound:
            continue
        base = _audit.base_record(store, doc_id, current.provenance.sha256 if current.provenance else None)
        if base is None:
            out.stale.append(doc_id)
            continue
        restored = _applied(Document.from_dict(base), remaining)
        changes = diff(current, restored)
        if changes:
            out.documents.append(doc_id)
            out.changes += changes
            rebuilt.append(restored)
    if preview:
        return out
    _audit.remove_correction(store, entry.correction_id)
    for doc in rebuilt:
        store.write(doc)
    before_json, after_json = summary(out.changes)
    row = _audit.AuditRow(0, "", author, "undo", entry.kind, entry.correction_id, entry.args, before_json,
                          after_json, out.documents, undoes=audit_id)
    out.audit_id = _audit.add(store, row, subjects(entry.kind, entry.args, entry.documents), [])
    _audit.mark_undone(store, audit_id, out.audit_id)
    out.preview = False
    return out


def complete(store, kind: str, args: Any) -> Any:
    """Arguments a curator need not give, filled in: the id of the new entity of a split (its
    type and a slug of its label, unique in the archive)."""
    if kind != "entity.split" or not isinstance(args, dict) or args.get("id") or not args.get("entity"):
        return args
    from opis import authority
    from opis.pipeline.linking import collection_id
    from opis.store import entities as _entities

    label = str(args.get("label") or "").strip()
    if not label:
        return args
    base = collection_id(label, curation._entity_type(str(args["entity"]), "PERSON"))
    new, n = base, 1
    while new == args["entity"] or _entities.is_stored(store, new) or authority.get(new) is not None:
        n += 1
        new = f"{base}-{n}"
    return {**args, "id": new}


def span_target(store, kind: str, args: dict[str, Any]) -> None:
    """Check that the span of a mention or claim correction holds what it corrects (a mention to
    retype, a claim), and complete its arguments: the entity by name of a retyped mention whose
    entity is of another type, the label of a claim's new place."""
    doc = store.get(args["doc_id"])
    start, end, note = args["start"], args["end"], args.get("note")
    if kind == "mention.retype":
        hit = next((m for m in doc.mentions if (m.start, m.end, m.note) == (start, end, note)), None)
        if hit is None:
            raise curation.CorrectionError(f"no mention at {start}-{end} of document {doc.id}")
        if hit.entity_id and not args.get("entity") and curation._entity_type(hit.entity_id, hit.type) != args["type"]:
            from opis.pipeline.linking import collection_id

            args["entity"] = collection_id(hit.surface, args["type"])
    if kind in ("claim.reject", "claim.correct"):
        if not any((c.start, c.end, c.note) == (start, end, note) for c in doc.claims):
            raise curation.CorrectionError(f"no claim at {start}-{end} of document {doc.id}")
        if args.get("place"):
            args["place_label"] = _label(store, args["place"])


def _label(store, entity_id: str) -> str | None:
    from opis.store import entities as _entities

    try:
        return _entities.get_entity(store, entity_id, 0, 0).get("label")
    except NotFound:
        return None


def history_filter(subject: str | None = None, author: str | None = None, kind: str | None = None,
                   since: str | None = None, until: str | None = None) -> _audit.HistoryFilter:
    """The filter of a history listing; ``until`` as a date includes that whole day. Raises
    ValueError for a date that is not ISO (``2026-12-05``)."""
    if since:
        date.fromisoformat(since[:10])
    if until and len(until) == 10:
        until = (date.fromisoformat(until) + timedelta(days=1)).isoformat()
    elif until:
        date.fromisoformat(until[:10])
    return _audit.HistoryFilter(subject or None, author or None, kind or None, since or None, until or None)


CSV_COLUMNS = ("id", "at", "author", "action", "kind", "correction_id", "args", "before", "after", "documents",
               "undoes", "undone_by")


def to_csv(rows: list[dict[str, Any]]) -> str:
    """History entries as CSV (JSON in the args, before, after and documents columns)."""
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(CSV_COLUMNS)
    for r in rows:
        w.writerow([json.dumps(r[c], ensure_ascii=False) if isinstance(r[c], dict | list) else r[c]
                    for c in CSV_COLUMNS])
    return out.getvalue()
