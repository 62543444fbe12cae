"""Search by meaning and hybrid search: passages near the query, fused with BM25.

Query syntax: ``~"flight of herders across the border"`` asks for documents whose passages
mean that, in any of the model's languages (``~"беженцы из Синьцзяна"`` finds English
reports). The rest of the query is the usual language and filters the documents
(``date:1945 ~"rebels took the district"``). Modes (``mode=`` of :func:`opis.search.search`,
``/api/search?mode=``, ``opis search --mode``):

* ``words``: the word search (a ``~"..."`` in the query makes it ``hybrid``);
* ``meaning``: documents ranked by their best passage's cosine similarity to the query;
* ``hybrid``: reciprocal rank fusion (``RRF_K``) of the word ranking of the query's words
  (any of them, ``OR``) and the meaning ranking. A document found by both rises; one that
  only the words or only the meaning find keeps its place in that list.

Each hit found by meaning carries its best passage (offsets in the text), shown as its
snippet and highlighted on the document page.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from opis.errors import OpisError, QuerySyntaxError
from opis.search import Hit, embed, vectors
from opis.search.analysis import MAX_TERM, WORD_RE

MODES = ("words", "meaning", "hybrid")
RRF_K = 60  # reciprocal rank fusion constant (Cormack et al. 2009); measured by bench/meaning.py
NEAREST = 300  # passages asked of the ANN index per query
WORDS_DEPTH = 100  # documents of the word ranking fused
MAX_OR_WORDS = 24  # words of a meaning query given to the word ranking
SNIPPET = 300  # characters of a passage shown as a hit's snippet
_MEANING = re.compile(r'~"([^"]*)"')
_FIELD = re.compile(r'\b[a-z]+:("[^"]*"|\S+)')
_OPERATORS = {"AND", "OR", "NOT"}


@dataclass
class Meaning:
    """A query taken apart: the text whose meaning is sought and the rest (the word query that
    filters the documents)."""

    text: str
    rest: str


def split_query(query: str) -> Meaning | None:
    """The ``~"..."`` parts of ``query`` joined, and the rest; None when there is none.
    Raises QuerySyntaxError for an unclosed or empty ``~"``."""
    found = list(_MEANING.finditer(query))
    opened = [m.start() for m in re.finditer(r'~"', query)]
    if len(opened) != len(found):
        pos = next(p for p in opened if all(p != m.start() for m in found))
        raise QuerySyntaxError('unclosed meaning phrase: add the closing "', query, pos)
    if not found:
        return None
    for m in found:
        if not WORD_RE.search(m.group(1)):
            raise QuerySyntaxError("empty meaning phrase: put words between ~\" and \"", query, m.start())
    text = " ".join(m.group(1).strip() for m in found)
    rest = _MEANING.sub(" ", query)
    return Meaning(text, " ".join(rest.split()))


def as_meaning(query: str) -> Meaning:
    """A plain query read as a meaning query: its words (field filters left out) are the text,
    its field filters the rest."""
    parsed = split_query(query)
    if parsed is not None:
        return parsed
    filters = " ".join(m.group(0) for m in _FIELD.finditer(query))
    text = " ".join(_FIELD.sub(" ", query).replace('"', " ").split())
    if not WORD_RE.search(text):
        raise QuerySyntaxError("a search by meaning needs words, not only filters", query, 0)
    return Meaning(text, filters)


def any_words(text: str) -> str:
    """The words of ``text`` as a query matching any of them (``a OR b OR c``)."""
    words = []
    for w in WORD_RE.findall(text):
        if (len(w) > 2 or not w.isascii()) and len(w) <= MAX_TERM and w.upper() not in _OPERATORS \
                and w.lower() not in words:
            words.append(w.lower())
    return " OR ".join(words[:MAX_OR_WORDS])


@dataclass
class PassageHit:
    """A hit's best passage: number, [start, end) offsets and cosine similarity."""

    n: int
    start: int
    end: int
    score: float
    shown: bool = False  # the hit's snippet is this passage (not the words' snippet)

    def to_dict(self) -> dict[str, Any]:
        """The passage as JSON-ready data."""
        return {"n": self.n, "start": self.start, "end": self.end, "similarity": round(self.score, 4),
                "shown": self.shown}


@dataclass
class MeaningHit(Hit):
    """A hit of a search by meaning: a :class:`opis.search.Hit` with its best passage (None
    when only the words found it)."""

    passage: PassageHit | None = None

    def to_dict(self) -> dict[str, Any]:
        """The hit as JSON-ready data, with ``passage``."""
        out = super().to_dict()
        out["passage"] = self.passage.to_dict() if self.passage else None
        return out


def _by_document(near: list[vectors.Near], allowed: set[str] | None) -> dict[str, vectors.Near]:
    """The best passage of each document, best documents first."""
    best: dict[str, vectors.Near] = {}
    for h in near:
        if (allowed is None or h.doc_id in allowed) and h.doc_id not in best:
            best[h.doc_id] = h
    return best


def _fuse(rankings: list[list[str]]) -> list[tuple[str, float]]:
    """Reciprocal rank fusion of document rankings."""
    scores: dict[str, float] = {}
    for ranking in rankings:
        for rank, doc_id in enumerate(ranking):
            scores[doc_id] = scores.get(doc_id, 0.0) + 1.0 / (RRF_K + rank + 1)
    return sorted(scores.items(), key=lambda kv: -kv[1])


def _passage_snippet(text: str, start: int, end: int) -> str:
    body = " ".join(text[start:end].split())
    if len(body) > SNIPPET:
        cut = body.rfind(" ", 0, SNIPPET)
        body = body[: cut if cut > SNIPPET // 2 else SNIPPET] + " …"
    return html.escape(body)


@dataclass
class Ranked:
    """What the meaning part of a search found: documents in order and their best passages."""

    ids: list[str]
    best: dict[str, vectors.Near] = field(default_factory=dict)


def rank_by_meaning(store, text: str, allowed: set[str] | None = None, depth: int = NEAREST) -> Ranked:
    """Documents ranked by their best passage's similarity to ``text`` (the passages brought
    in step first); ``allowed``: only these documents."""
    vectors.sync(store)
    query = embed.embed_query(text)
    near = vectors.nearest(store, query, k=depth)
    best = _by_document(near, allowed)
    return Ranked(list(best), best)


def _allowed(store, rest: str, backend: str | None) -> set[str] | None:
    """The documents the rest of the query lets through (None: no filter)."""
    if not rest.strip():
        return None
    from opis.search import MAX_LIMIT, search

    return set(search(store, rest, limit=MAX_LIMIT, backend=backend).ids)


def search_meaning(store, query: str, mode: str = "hybrid", limit: int = 10, offset: int = 0,
                   backend: str | None = None, within=None):
    """Search ``store`` by meaning (``mode="meaning"``) or by words and meaning fused
    (``"hybrid"``); returns a :class:`opis.search.SearchResult` whose hits name their passage.
    ``within``: only among these document ids."""
    from opis.search import SearchResult, search

    if mode not in MODES:
        raise OpisError(f"unknown search mode {mode!r} (use one of {', '.join(MODES)})")
    parts = as_meaning(query)
    allowed = _allowed(store, parts.rest, backend)
    if within is not None:
        allowed = set(within) if allowed is None else allowed & set(within)
    meaning = rank_by_meaning(store, parts.text, allowed)
    rankings = [meaning.ids]
    words_hits: dict[str, Any] = {}
    if mode != "meaning":
        words_query = any_words(parts.text)
        if parts.rest:
            words_query = f"{parts.rest} ({words_query})" if words_query else parts.rest
        if parts.rest:
            search(store, parts.rest, limit=0, backend=backend)  # (a malformed rest: its own error)
        if words_query:
            try:
                found = search(store, words_query, limit=WORDS_DEPTH, backend=backend, within=within)
            except QuerySyntaxError:  # the words of a meaning phrase need not make a valid word query
                found = None
            if found is not None:
                words_hits = {h.id: h for h in found.hits}
                rankings.append(found.ids)
    fused = _fuse(rankings) if mode != "meaning" else [(d, meaning.best[d].score) for d in meaning.ids]
    page = fused[offset: offset + limit]
    hits = _hits(store, page, meaning.best, words_hits)
    return SearchResult(query, len(fused), hits, {}, {}, f"{mode}", False)


def _snippet(store, doc_id: str, span: tuple[int, int] | None, words_hit: Any, texts: dict[str, str]) -> str:
    """A hit's snippet: its best passage (the head: the summary or title), else the words' snippet."""
    if span is not None and span[1] > span[0]:
        return _passage_snippet(texts.get(doc_id, ""), *span)
    if words_hit is not None:
        return words_hit.snippet
    if span is not None:
        head = vectors.head(store.records([doc_id]).get(doc_id, {}))
        return _passage_snippet(head, 0, len(head))
    return ""


def _hits(store, page: list[tuple[str, float]], best: dict[str, vectors.Near], words_hits: dict[str, Any]) -> list:
    ids = [d for d, _ in page]
    shown = store.titles_and_dates(ids)
    spans = vectors.spans(store, [(d, best[d].n) for d in ids if d in best])
    texts = store.texts([d for d in ids if d in best])
    out = []
    for doc_id, score in page:
        if doc_id not in shown:
            continue
        near = best.get(doc_id)
        span = spans.get((doc_id, near.n)) if near else None
        strong = near is not None and (doc_id not in words_hits or near.score >= 0.3)
        snippet = _snippet(store, doc_id, span if strong else None, words_hits.get(doc_id), texts)
        hit = MeaningHit(doc_id, *shown[doc_id], score, snippet)
        if span is not None and near is not None:
            hit.passage = PassageHit(near.n, span[0], span[1], near.score, strong)
        out.append(hit)
    return out


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Cosine similarity of two normalised vectors."""
    return float(np.dot(a, b))
