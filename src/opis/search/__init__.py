"""Full-text search: variant-aware across scripts, with facets, over one of two engines.

    >>> from opis.search import search
    >>> result = search(store, "Chuguchak date:1945..1962")
    >>> result.to_dict()   # {"query", "expanded", "total", "hits", "facets"}

The query language is described in :mod:`opis.search.query`; analysis (folding, English and
Russian stemming, Chinese bigrams) in :mod:`opis.search.analysis`; variant expansion through
the authority in :mod:`opis.search.expand`. Backends: ``tantivy`` (default, an index directory
beside the database kept in step through the change journal) and ``fts5`` (SQLite FTS5 in the
database file itself, its rows kept only once it has been chosen). Choose with ``backend=`` or
the ``OPIS_SEARCH_BACKEND`` variable. Both name their hits by document id.
"""

from __future__ import annotations

import os
import weakref
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from opis.errors import OpisError
from opis.search import words
from opis.search.backend import RawResult
from opis.search.bulk import bulk_load
from opis.search.fields import snippet_text
from opis.search.plan import Plan, build_plan, with_word_terms
from opis.search.snippets import marker

__all__ = ["BACKENDS", "Hit", "SearchResult", "bulk_load", "get_backend", "prepare", "reindex", "search"]

BACKENDS = ("tantivy", "fts5")
DEFAULT_BACKEND = "tantivy"  # chosen by bench/search.py: see the README's Search section
MAX_LIMIT = 1000


@dataclass
class Hit:
    """One document found: its id, title, date (EDTF), score and HTML-escaped snippet."""

    id: str
    title: str | None
    date: str | None
    score: float
    snippet: str

    def to_dict(self) -> dict[str, Any]:
        """The hit as JSON-ready data."""
        return {"id": self.id, "title": self.title, "date": self.date, "score": round(self.score, 4),
                "snippet": self.snippet}


@dataclass
class SearchResult:
    """What a search returns: the exact total, the hits of the page asked for, the facet counts
    (``approximate`` when counted on a sample of a large result), and the variants each query
    term was expanded to (``expansions``, ``expanded``)."""

    query: str
    total: int
    hits: list[Hit] = field(default_factory=list)
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    expansions: dict[str, list[str]] = field(default_factory=dict)  # query term -> variants used
    backend: str = DEFAULT_BACKEND
    approximate: bool = False  # facet counts estimated from a sample of a large result (the total is exact)

    @property
    def expanded(self) -> list[str]:
        """Every variant name the query was expanded with, without repeats."""
        out: list[str] = []
        for names in self.expansions.values():
            out += [n for n in names if n not in out]
        return out

    @property
    def ids(self) -> list[str]:
        """The ids of the hits, in rank order."""
        return [h.id for h in self.hits]

    def to_dict(self) -> dict[str, Any]:
        """The result as JSON-ready data (the search API's and ``opis search --json``'s shape)."""
        return {
            "query": self.query,
            "expanded": self.expanded,
            "total": self.total,
            "hits": [h.to_dict() for h in self.hits],
            "facets": {k: [[label, n] for label, n in v] for k, v in self.facets.items()},
            "approximate": self.approximate,
        }


def default_backend() -> str:
    """The search engine to use: ``OPIS_SEARCH_BACKEND`` or the default; raises OpisError for an unknown name."""
    name = os.environ.get("OPIS_SEARCH_BACKEND") or DEFAULT_BACKEND
    if name not in BACKENDS:
        raise OpisError(f"OPIS_SEARCH_BACKEND={name!r}: unknown search backend (use one of {', '.join(BACKENDS)})")
    return name


_ENGINES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # store -> {backend name: engine}


def get_backend(store, name: str | None = None):
    """The backend object for ``store`` (``tantivy`` is brought in step with the store first).

    One engine per store and backend is kept while the store is open."""
    name = name or default_backend()
    if name == "fts5" and store.conn.dialect.name != "sqlite":
        raise OpisError("the fts5 search backend keeps its index inside a SQLite database: a PostgreSQL"
                        " store searches with tantivy (its index a local replica, see --index)")
    engines = _ENGINES.setdefault(store, {})
    engine = engines.get(name)
    if engine is not None:
        if name == "tantivy":
            engine.sync()
        else:
            engine.ensure()
        return engine
    if name == "fts5":
        from opis.search.sqlite_index import FTS5Backend

        engine = FTS5Backend(store)
    elif name == "tantivy":
        from opis.search.tantivy_index import TantivyBackend

        engine = TantivyBackend(store)
    else:
        raise OpisError(f"unknown search backend {name!r} (use one of {', '.join(BACKENDS)})")
    engines[name] = engine
    return engine


def search(store, query: str, limit: int = 10, offset: int = 0, exact: bool = False,
           backend: str | None = None, within: Collection[str] | None = None, mode: str = "words",
           hidden: Sequence[int] = ()) -> SearchResult:
    """Search ``store``; raises :class:`opis.errors.QuerySyntaxError` for a malformed query.
    ``within``: only among these document ids (what is new since a saved search's last visit:
    the engine restricts the match, total and facets to them). ``hidden``: the access keys of
    the documents the reader may not see (:mod:`opis.collections`), left out by the engine
    itself (hits, total and facets).

    ``mode``: ``words`` (a ``~"..."`` in the query makes it ``hybrid``), ``meaning`` or
    ``hybrid`` (:mod:`opis.search.meaning`)."""
    from opis.store.visibility import suspended

    if not 0 <= limit <= MAX_LIMIT:
        raise OpisError(f"limit must be between 0 and {MAX_LIMIT}, not {limit}")
    if offset < 0:
        raise OpisError(f"offset must not be negative, not {offset}")
    if mode != "words" or '~"' in query:
        from opis.search.meaning import search_meaning

        if hidden:  # (a restricted reader: among the documents they may see, read through their views)
            visible = set(store.ids())
            within = visible if within is None else visible & set(within)
        with suspended(store):  # (the passages are kept in step with every document, not the reader's)
            return search_meaning(store, query, "hybrid" if mode == "words" else mode, limit, offset, backend,
                                  within=within)
    name = backend or default_backend()
    with suspended(store):  # (the index is brought in step with every document, not the reader's)
        if name == "fts5":
            get_backend(store, name)  # (its rows are built first when it is first chosen: a write)
        with store.reading("searching"), _snapshot(store.conn):  # (a damaged file: one clear StoreError)
            engine = get_backend(store, name)
            plan = prepare(store, query, exact, engine)
            options: dict[str, Any] = {}
            if within is not None:
                options["within"] = frozenset(within)
            if hidden:
                options["hidden"] = tuple(hidden)
            raw = engine.run(plan, limit=limit, offset=offset, wait=False, **options)
            hits = _hits(store, plan, raw)  # while the facets are being counted
    raw.finish()
    return SearchResult(query, raw.total, hits, raw.facets, dict(plan.expansions), engine.name, raw.approximate)


@contextmanager
def _snapshot(conn) -> Iterator[None]:
    """One read transaction for a search: the index is brought in step with the store and the
    hits' titles and texts are read from the same state of it."""
    if conn.in_transaction:  # the caller's transaction is the snapshot
        yield
        return
    conn.execute("BEGIN")
    try:
        yield
    finally:
        if conn.in_transaction:
            conn.execute("COMMIT")


def prepare(store, query: str, exact: bool = False, engine=None) -> Plan:
    """The plan of ``query`` for ``store``: parsed, expanded, and its prefixes given the terms
    of the words that start with them (:mod:`opis.search.words`), as ``engine`` (default: the
    default backend's) lists them."""
    plan = build_plan(query, exact=exact)
    if "*" in query:
        engine = engine or get_backend(store)
        if engine.name == "tantivy":
            plan.root = with_word_terms(plan.root, engine.terms_for_prefix)
        else:
            plan.root = with_word_terms(plan.root, lambda prefix: words.terms_for_prefix(store.conn, prefix))
    return plan


def _hits(store, plan: Plan, raw: RawResult) -> list[Hit]:
    """The hits of a page: title and date from the documents' narrow columns, the snippet
    from the text (else the summary, else the title), all read by document id."""
    if not raw.hits:
        return []
    ids = [doc_id for doc_id, _ in raw.hits]
    shown = store.titles_and_dates(ids)
    texts = store.texts(ids)
    found = [(doc_id, score) for doc_id, score in raw.hits if doc_id in shown]  # (deleted since: left out)
    sources = []
    for doc_id, _score in found:
        title, _date = shown[doc_id]
        summary = None if texts.get(doc_id) else store.get_dict(doc_id).get("summary")
        sources.append(snippet_text(texts.get(doc_id, ""), summary, title))
    snippets = marker(frozenset(plan.highlight), frozenset(plan.prefixes)).snippets(sources)
    return [Hit(doc_id, *shown[doc_id], score, text) for (doc_id, score), text in zip(found, snippets, strict=True)]


def reindex(store, backend: str | None = None) -> dict[str, int]:
    """Rebuild the search indexes from the stored records; with no ``backend``, first the
    other derived rows too (:meth:`opis.store.Store.rederive`), then the word list of prefix
    queries and the FTS5 rows (when FTS5 is kept), then the tantivy index. Returns the
    documents indexed per engine.

    ``backend="fts5"`` rebuilds the word list and the FTS5 rows, which are kept in step with
    every write from then on; ``backend="tantivy"`` rebuilds the tantivy index and drops the
    FTS5 rows (rebuilt if FTS5 is searched again).

    Crash-safe end to end: each rebuild is one transaction (the FTS5 rows) or ends by
    recording the change it is in step with (tantivy, which reads the documents by id), so a
    kill at any point leaves the old state or the new one; an index left behind is replayed or
    rebuilt at its next search.
    """
    from opis.search.sqlite_index import enabled, rebuild_rows
    from opis.search.tantivy_index import forget

    if backend not in (None, *BACKENDS):
        raise OpisError(f"unknown search backend {backend!r} (use one of {', '.join(BACKENDS)})")
    counts = {}
    if backend is None:  # the other derived tables too (what 'opis check' compares with the records)
        store.rederive()
    if backend in (None, "fts5"):
        fts = backend == "fts5" or enabled(store.conn)
        n = rebuild_rows(store, fts=fts)
        if fts:
            counts["fts5"] = n
        if backend is None:
            forget(store)  # (the tantivy index is rebuilt next; a crash before: at the next search)
    if backend in (None, "tantivy"):
        from opis.search.tantivy_index import TantivyBackend

        if backend == "tantivy" and enabled(store.conn):
            rebuild_rows(store, fts=False)
        counts["tantivy"] = TantivyBackend(store, sync=False).rebuild()
    return counts
