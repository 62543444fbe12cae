"""Related documents: the documents that tell the same story, by passages, entities and dates.

For a document, each of its passages (up to ``MAX_PASSAGES``) asks the ANN index for its
nearest passages in other documents; a document's passage score is its best passage pair's
cosine similarity. Two more signals, read from the derived rows:

* **entities**: the people, places and organisations both documents mention, each weighted by
  its rarity (``1 / log2(2 + documents mentioning it)``: Moscow links less than Kuldja);
* **dates**: 1 when the documents' date ranges overlap, falling with the years between them.

``score = W_PASSAGE * passage + W_ENTITIES * entities + W_DATES * dates``. A document is listed
when its best passage pair reaches ``MIN_PASSAGE`` or it shares ``MIN_SHARED`` entities; each
comes with the passage pair that links the two (offsets and text on both sides).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

from opis.search import vectors

MAX_PASSAGES = 80  # passages of the document asked about (a long article: its first ones)
NEIGHBOURS = 40  # nearest passages asked per passage
MIN_PASSAGE = 0.45  # cosine similarity of a passage pair that links two documents by itself
MIN_SHARED = 3  # shared entities that link two documents without a close passage pair
W_PASSAGE, W_ENTITIES, W_DATES = 0.6, 0.25, 0.15
EXCERPT = 280  # characters of each passage shown


@dataclass
class Side:
    """One side of a linking passage pair: passage number, offsets and an excerpt."""

    n: int
    start: int
    end: int
    text: str

    def to_dict(self) -> dict[str, Any]:
        """The passage as JSON-ready data."""
        return {"n": self.n, "start": self.start, "end": self.end, "text": self.text}


@dataclass
class Related:
    """A related document: its id, title, date, score, the signals and the linking passages."""

    id: str
    title: str | None
    date: str | None
    score: float
    similarity: float  # best passage pair
    entities: list[str] = field(default_factory=list)  # labels of the shared entities, rarest first
    date_overlap: float = 0.0
    this: Side | None = None  # the passage of the document asked about
    that: Side | None = None  # the passage of the related document

    def to_dict(self) -> dict[str, Any]:
        """The related document as JSON-ready data."""
        return {"id": self.id, "title": self.title, "date": self.date, "score": round(self.score, 4),
                "similarity": round(self.similarity, 4), "entities": self.entities,
                "dates": round(self.date_overlap, 3),
                "passages": {"this": self.this.to_dict() if self.this else None,
                             "that": self.that.to_dict() if self.that else None}}


def _passage_links(store, doc_id: str) -> dict[str, tuple[float, int, int]]:
    """Other document -> (best similarity, this passage n, that passage n)."""
    best: dict[str, tuple[float, int, int]] = {}
    for n, _start, _end, vec in vectors.passages(store, doc_id)[:MAX_PASSAGES]:
        for near in vectors.nearest(store, vec, k=NEIGHBOURS):
            if near.doc_id == doc_id:
                continue
            if near.doc_id not in best or near.score > best[near.doc_id][0]:
                best[near.doc_id] = (near.score, n, near.n)
    return best


def _entities(store, doc_id: str) -> dict[str, set[str]]:
    """Entity ids mentioned by ``doc_id`` and the other documents that mention any of them."""
    mine = {r[0] for r in store.conn.execute(
        "SELECT DISTINCT entity_id FROM mentions WHERE doc_id = ? AND entity_id IS NOT NULL", (doc_id,))}
    out: dict[str, set[str]] = {doc_id: mine}
    ids = sorted(mine)
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        marks = ",".join("?" * len(chunk))
        for other, entity in store.conn.execute(
                f"SELECT DISTINCT doc_id, entity_id FROM mentions WHERE entity_id IN ({marks}) AND doc_id <> ?",
                (*chunk, doc_id)):
            out.setdefault(other, set()).add(entity)
    return out


def _entity_weights(store, ids: set[str]) -> dict[str, tuple[str, float]]:
    """Entity id -> (label, rarity weight)."""
    out: dict[str, tuple[str, float]] = {}
    ordered = sorted(ids)
    for i in range(0, len(ordered), 500):
        chunk = ordered[i:i + 500]
        marks = ",".join("?" * len(chunk))
        for eid, label, n in store.conn.execute(
                f"SELECT id, label, n_documents FROM entities WHERE id IN ({marks})", chunk):
            out[eid] = (label, 1.0 / math.log2(2 + max(int(n or 0), 1)))
    return out


def _bounds(store, ids: list[str]) -> dict[str, tuple[str | None, str | None]]:
    out: dict[str, tuple[str | None, str | None]] = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        marks = ",".join("?" * len(chunk))
        for doc_id, lo, hi in store.conn.execute(
                f"SELECT id, date_earliest, date_latest FROM documents WHERE id IN ({marks})", chunk):
            out[doc_id] = (lo, hi)
    return out


def _day(iso: str | None) -> date | None:
    try:
        return date.fromisoformat(iso[:10]) if iso else None
    except ValueError:
        return None


def date_overlap(a: tuple[str | None, str | None], b: tuple[str | None, str | None]) -> float:
    """1 when two date ranges overlap, else 1 / (1 + years between them); 0 when one is undated."""
    a0, a1, b0, b1 = _day(a[0]), _day(a[1] or a[0]), _day(b[0]), _day(b[1] or b[0])
    if None in (a0, a1, b0, b1):
        return 0.0
    gap = max((b0 - a1).days, (a0 - b1).days, 0)
    return 1.0 / (1.0 + gap / 365.25)


def _side(text: str, n: int, span: tuple[int, int] | None, head: str = "") -> Side | None:
    if span is None:
        return None
    body = " ".join((text[span[0]:span[1]] if span[1] > span[0] else head).split())
    if len(body) > EXCERPT:
        cut = body.rfind(" ", 0, EXCERPT)
        body = body[: cut if cut > EXCERPT // 2 else EXCERPT] + " …"
    return Side(n, span[0], span[1], body)


def _shared(ents: dict[str, set[str]], doc_id: str, other: str,
            weights: dict[str, tuple[str, float]]) -> tuple[float, list[str]]:
    """(entity score in [0, 1], labels of the shared entities rarest first)."""
    shared = ents.get(other, set()) & ents.get(doc_id, set())
    ranked = sorted(shared, key=lambda e: (-weights.get(e, ("", 0.0))[1], weights.get(e, (e, 0))[0]))
    mass = sum(weights.get(e, ("", 0.0))[1] for e in ents.get(doc_id, set())) or 1.0
    score = sum(weights.get(e, ("", 0.0))[1] for e in shared) / mass
    return min(1.0, score * 2), [weights[e][0] for e in ranked if e in weights]


def related(store, doc_id: str, limit: int = 10) -> list[Related]:
    """The documents related to ``doc_id``, best first (the passages brought in step first)."""
    vectors.sync(store)
    links = _passage_links(store, doc_id)
    ents = _entities(store, doc_id)
    weights = _entity_weights(store, ents.get(doc_id, set()))
    candidates = {d for d, (s, _a, _b) in links.items() if s >= MIN_PASSAGE}
    candidates |= {d for d, e in ents.items() if d != doc_id and len(e) >= MIN_SHARED}
    if not candidates:
        return []
    ids = sorted(candidates)
    bounds = _bounds(store, [doc_id, *ids])
    scored = []
    for other in ids:
        sim = links.get(other, (0.0, -1, -1))[0]
        ent_score, labels = _shared(ents, doc_id, other, weights)
        dates = date_overlap(bounds.get(doc_id, (None, None)), bounds.get(other, (None, None)))
        scored.append((W_PASSAGE * max(sim, 0.0) + W_ENTITIES * ent_score + W_DATES * dates, other, sim, labels, dates))
    scored.sort(key=lambda t: (-t[0], t[1]))
    top = scored[:limit]
    return _with_passages(store, doc_id, top, links)


def _with_passages(store, doc_id: str, top: list[tuple], links: dict[str, tuple[float, int, int]]) -> list[Related]:
    shown = store.titles_and_dates([t[1] for t in top])
    keys = [(doc_id, links[o][1]) for _s, o, *_ in top if o in links]
    keys += [(o, links[o][2]) for _s, o, *_ in top if o in links]
    spans = vectors.spans(store, keys)
    linked = [doc_id] + [t[1] for t in top if t[1] in links]
    texts = store.texts(linked)
    heads = {d: vectors.head(r) for d, r in store.records(linked).items()}
    out = []
    for score, other, sim, labels, dates in top:
        if other not in shown:
            continue
        rel = Related(other, *shown[other], float(score), float(sim), labels[:8], float(dates))
        if other in links:
            _s, mine, theirs = links[other]
            rel.this = _side(texts.get(doc_id, ""), mine, spans.get((doc_id, mine)), heads.get(doc_id, ""))
            rel.that = _side(texts.get(other, ""), theirs, spans.get((other, theirs)), heads.get(other, ""))
        out.append(rel)
    return out


def mean_vector(store, doc_id: str) -> np.ndarray | None:
    """The normalised mean of a document's passage vectors (None without passages)."""
    rows = vectors.passages(store, doc_id)
    if not rows:
        return None
    v = np.mean([r[3] for r in rows], axis=0)
    return v / max(float(np.linalg.norm(v)), 1e-12)
