"""Entity scores for ``opis eval``.

- ``entities.PERSON`` / ``.PLACE`` / ``.ORG`` / ``.UNIT`` and ``entities.all``: precision, recall
  and F1 on the set of (type, canonical name) pairs of a document (gold ``entities``). A
  predicted entity counts as the gold one when the types agree and the gold canonical name is the
  entity's label or one of its variants (compared by the authority's normalised key).
- ``entities_sample``: recall on an article's ``entities_sample`` (a sample, so no precision).
- ``linking``: of the gold surfaces that were recognised, how many point to the right entity.
- ``glosses``: every gloss in the gold apparatus is attached to a linked mention.
"""

from __future__ import annotations

from typing import Any

from opis.evaluate import Tally

TYPES = ("PERSON", "PLACE", "ORG", "UNIT")


def _key(name: str) -> str:
    from opis.authority import normalize

    return normalize(name or "") or (name or "").lower()


def _names(ent: dict[str, Any]) -> set[str]:
    out = {_key(ent.get("label") or "")}
    for v in ent.get("variants") or []:
        out.add(_key(v.get("name") if isinstance(v, dict) else str(v)))
    return out


def _predicted(record: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for e in record.get("entities") or [] if e.get("type") in TYPES]


def _match(gold_items: list[dict], pred: list[dict]) -> tuple[list[tuple[dict, dict]], list[dict], list[dict]]:
    """Greedy one-to-one matching on type + canonical name (label first, then variants)."""
    pairs, missed, left = [], [], list(pred)
    for g in gold_items:
        key = _key(g.get("canonical") or g.get("surface"))
        hit = next((p for p in left if p["type"] == g["type"] and _key(p.get("label")) == key), None)
        if hit is None:
            hit = next((p for p in left if p["type"] == g["type"] and key in _names(p)), None)
        if hit is None:
            missed.append(g)
        else:
            left.remove(hit)
            pairs.append((g, hit))
    return pairs, missed, left


def _dedupe(items: list[dict]) -> list[dict]:
    seen, out = set(), []
    for g in items:
        k = (g["type"], _key(g.get("canonical") or g.get("surface")))
        if k not in seen:
            seen.add(k)
            out.append(g)
    return out


def _linking(gold_items: list[dict], record: dict[str, Any]) -> Tally:
    """For gold surfaces found as mentions: is the mention's entity the gold canonical one?"""
    ents = {e["id"]: e for e in _predicted(record)}
    t = Tally("entities.linking")
    mentions = record.get("mentions") or []
    for g in gold_items:
        surf = (g.get("surface") or "").lower()
        ms = [m for m in mentions if (m.get("surface") or "").lower() == surf and m.get("entity_id") in ents]
        if not ms:
            continue
        key = _key(g.get("canonical") or g.get("surface"))
        if any(key in _names(ents[m["entity_id"]]) for m in ms):
            t.tp += 1
        else:
            t.fp += 1
            t.fn += 1
            got = ents[ms[0]["entity_id"]]["label"]
            t.misses.append(f"{g.get('surface')!r} linked to {got!r}, expected {g.get('canonical')!r}")
    return t


def _glosses(gold: dict[str, Any], record: dict[str, Any]) -> Tally:
    t = Tally("entities.glosses")
    wanted = (gold.get("apparatus") or {}).get("gloss") or []
    ents = {e["id"]: e for e in _predicted(record)}
    for g in wanted:
        ms = [m for m in record.get("mentions") or [] if m.get("gloss") == g]
        if any(m.get("entity_id") in ents for m in ms):
            t.tp += 1
        else:
            t.fn += 1
            t.misses.append(f"gloss {g!r} not attached to a linked mention")
    return t


def score(gold: dict[str, Any], record: dict[str, Any]) -> list[Tally]:
    """Entity tallies for one document: per type and overall, sampled recall, linking and glosses, as the gold
    has them."""
    out: list[Tally] = []
    pred = _predicted(record)
    if gold.get("entities"):
        items = _dedupe(gold["entities"])
        pairs, missed, left = _match(items, pred)
        for typ in TYPES + ("all",):
            t = Tally(f"entities.{typ}")

            def sel(x, typ=typ):
                return typ == "all" or x["type"] == typ

            t.tp = sum(1 for g, _ in pairs if sel(g))
            t.fn = sum(1 for g in missed if sel(g))
            t.fp = sum(1 for p in left if sel(p))
            if typ != "all":
                t.misses = [f"missing {g['type']} {g.get('canonical')!r} ({g.get('surface')!r})" for g in missed if sel(g)]
                t.misses += [f"extra {p['type']} {p.get('label')!r} ({p['id']})" for p in left if sel(p)]
            out.append(t)
        out.append(_linking(items, record))
    if gold.get("entities_sample"):
        items = _dedupe(gold["entities_sample"])
        pairs, missed, _ = _match(items, pred)
        t = Tally("entities_sample.recall", tp=len(pairs), fn=len(missed))
        t.misses = [f"missing {g['type']} {g.get('canonical')!r} ({g.get('surface')!r})" for g in missed]
        out.append(t)
        out.append(_linking(items, record))
    if (gold.get("apparatus") or {}).get("gloss"):
        out.append(_glosses(gold, record))
    return out
