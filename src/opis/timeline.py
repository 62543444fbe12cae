"""One chronological list: document dates, dated claims and events, each linked to its source.

Items: ``{"kind": "document"|"claim"|"event", "date": {"edtf","earliest","latest"}, "label",
"doc_id", "title", "start", "end"}`` (plus ``detail`` with the claim or event fields). ``place``
and ``person`` keep items whose document (for documents) or sentence (for claims and events)
mentions that entity: an authority id (``place:tacheng``) or a name, resolved through
``opis.authority`` when it is available.
"""

from __future__ import annotations

from typing import Any

from opis.store.claims import date_bounds, list_claims, list_events

NEAR = 400  # characters: a claim or event is "about" a place mentioned this close to it


def _resolve(term: str, type_: str) -> tuple[str | None, str]:
    """(entity id or None, folded name) for a --place/--person value."""
    if ":" in term and " " not in term:
        return term, term.split(":", 1)[1].replace("-", " ").lower()
    entity_id = None
    try:
        from opis import authority

        m = authority.resolve(term, type_)
        if m is not None:
            entity_id = m.entity.id
    except (ImportError, AttributeError):
        pass
    return entity_id, term.lower()


def _mention_filter(store, term: str | None, type_: str):
    """doc_id -> list of (start, end) spans where the entity is mentioned in the text; None: no filter."""
    if not term:
        return None
    entity_id, name = _resolve(term, type_)
    spans: dict[str, list[tuple[int, int]]] = {}
    for rec in store.iter_records():
        for m in rec.get("mentions") or []:
            if m.get("type") != type_ or m.get("note") is not None:
                continue
            hit = (entity_id and m.get("entity_id") == entity_id) or name in (m.get("surface") or "").lower() or name in (
                m.get("gloss") or ""
            ).lower() or (m.get("entity_id") and name.replace(" ", "-") in m["entity_id"])
            if hit:
                spans.setdefault(rec["id"], []).append((m["start"], m["end"]))
    return spans


def _label_claim(c: dict[str, Any]) -> str:
    value = c["value"]
    if isinstance(value, int):
        value = f"{value:,}"
    parts = [c["qualifier"] or "", str(value), c["unit"] or "", "—", c["what"]]
    if c.get("reported_by"):
        parts.append(f"(according to {c['reported_by']})")
    return " ".join(p for p in parts if p)


def timeline(
    store,
    date_from: str | None = None,
    date_to: str | None = None,
    place: str | None = None,
    person: str | None = None,
    kinds: tuple[str, ...] = ("document", "claim", "event"),
) -> list[dict[str, Any]]:
    lo, hi = date_bounds(date_from, date_to)
    filters = [f for f in (_mention_filter(store, place, "PLACE"), _mention_filter(store, person, "PERSON")) if f is not None]

    def keep(doc_id: str, start: int | None, end: int | None, whole_doc: bool = False) -> bool:
        for by_doc in filters:
            if doc_id not in by_doc:
                return False
            near = any(s < end + NEAR and start - NEAR < e for s, e in by_doc[doc_id]) if start is not None and end is not None else True
            if not whole_doc and not near:
                return False
        return True

    items: list[dict[str, Any]] = []
    if "document" in kinds:
        for d in store.list():
            if not d["date_earliest"]:
                continue
            if (lo and (d["date_latest"] or d["date_earliest"]) < lo) or (hi and d["date_earliest"] > hi):
                continue
            if not keep(d["id"], None, None, whole_doc=True):
                continue
            items.append({
                "kind": "document", "date": {"edtf": d["date_edtf"], "earliest": d["date_earliest"], "latest": d["date_latest"]},
                "label": d["title"] or d["path"], "doc_id": d["id"], "title": d["title"], "start": None, "end": None,
                "detail": {"doc_type": d["doc_type"]},
            })
    if "claim" in kinds:
        for c in list_claims(store, date_from=date_from, date_to=date_to):
            if not c["date"]["earliest"] or not keep(c["doc_id"], c["start"], c["end"]):
                continue
            items.append({
                "kind": "claim", "date": c["date"], "label": _label_claim(c), "doc_id": c["doc_id"], "title": c["title"],
                "start": c["start"], "end": c["end"], "detail": c,
            })
    if "event" in kinds:
        for e in list_events(store, date_from, date_to):
            if not keep(e["doc_id"], e["start"], e["end"]):
                continue
            label = e["what"] if not e["actor"] else f"{e['what']} [{e['actor']}]"
            items.append({
                "kind": "event", "date": e["date"], "label": label, "doc_id": e["doc_id"], "title": e["title"],
                "start": e["start"], "end": e["end"], "detail": e,
            })
    order = {"event": 0, "claim": 1, "document": 2}
    items.sort(key=lambda i: (i["date"]["earliest"] or "", i["date"]["latest"] or "", order[i["kind"]], i["doc_id"], i["start"] or 0))
    return items
