"""SQLite FTS5 backend: the index lives in the same file as the records.

Registered as a store indexer. While FTS5 is the chosen engine (its rows built once, by
:meth:`FTS5Backend.rebuild`, the first time it is searched or by ``opis reindex --backend
fts5``), the analysed rows (:class:`opis.search.fields.IndexRow`) are written in the same
transaction as each upsert and removed with each delete, with the word list of its prefix
queries (:mod:`opis.search.words`). With tantivy (the default) the indexer writes nothing: the
tantivy index reads the documents and keeps its own word list.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Iterable, Sequence

from opis.errors import StoreError
from opis.model import Document
from opis.search import words
from opis.search.backend import FACET_SIZE, RawResult, top_facets
from opis.search.fields import IndexRow, index_row, searchable, words_of
from opis.search.plan import IR, TEXT, All, Any_, Plan, Prefix, Terms
from opis.store.engine import dialect_of

COLUMNS = ("title", "summary", "body", "place", "person", "org", "archive", "fond", "lang", "class",
           "type", "translator", "date")
TEXT_COLUMNS = "{title summary body}"

_INSERT_FTS = f"INSERT INTO search_fts (rowid, {', '.join(COLUMNS)}) VALUES ({', '.join('?' * (len(COLUMNS) + 1))})"


# --- writing ------------------------------------------------------------------------------
ENABLED = "fts5"  # search_meta key: '1' while the FTS5 rows are kept (FTS5 has been chosen)


def enabled(conn: sqlite3.Connection) -> bool:
    """True while this database keeps FTS5 rows (set by :meth:`FTS5Backend.rebuild`); never on
    PostgreSQL (no FTS5 there: nothing asked)."""
    if dialect_of(conn).name != "sqlite":
        return False
    return conn.execute("SELECT 1 FROM search_meta WHERE key = ?", (ENABLED,)).fetchone() is not None


def write_rows(conn: sqlite3.Connection, rows: Iterable[IndexRow]) -> None:
    """Insert analysed rows (the caller has deleted older rows for these ids)."""
    for row in rows:
        cur = conn.execute(
            "INSERT INTO search_docs (doc_id, facets) VALUES (?, ?)",
            (row.id, json.dumps(row.facets, ensure_ascii=False)),
        )
        f = row.filters
        conn.execute(
            _INSERT_FTS,
            (cur.lastrowid, row.title, row.summary, row.body, f["place"], f["person"], f["org"], f["archive"],
             f["fond"], f["lang"], f["class"], f["type"], f["translator"], row.date_terms),
        )


def write(conn: sqlite3.Connection, doc: Document) -> None:
    """The store indexer: while FTS5 is the chosen engine, the document's FTS5 row and the
    words stemming changed (its prefix queries read them); else nothing."""
    if enabled(conn):
        words.write(conn, words_of(doc))
        write_rows(conn, [index_row(doc)])


def delete(conn: sqlite3.Connection, doc_id: str) -> None:
    """Remove a document's FTS5 and search rows; nothing when it has none (never on PostgreSQL)."""
    if dialect_of(conn).name != "sqlite":
        return
    row = conn.execute("SELECT rowid FROM search_docs WHERE doc_id = ?", (doc_id,)).fetchone()
    if row is None:
        return
    conn.execute("DELETE FROM search_fts WHERE rowid = ?", (row[0],))
    conn.execute("DELETE FROM search_docs WHERE rowid = ?", (row[0],))


def clear(conn: sqlite3.Connection) -> None:
    """Remove every FTS5 row and word and stop keeping them (until FTS5 is rebuilt)."""
    if dialect_of(conn).name == "sqlite":  # (a PostgreSQL store has no FTS5 table)
        conn.execute("DELETE FROM search_fts")
    conn.execute("DELETE FROM search_docs")
    conn.execute("DELETE FROM search_words")
    conn.execute("DELETE FROM search_meta WHERE key = ?", (ENABLED,))


# --- compiling a plan to an FTS5 expression -----------------------------------------------
def _phrase(terms: tuple[str, ...]) -> str:
    return '"' + " ".join(t.replace('"', '""') for t in terms) + '"'


def _columns(field: str) -> str:
    return TEXT_COLUMNS if field == TEXT else "{" + field + "}"


def compile_ir(node: IR) -> str | None:
    """FTS5 MATCH expression for a plan node; every term is quoted (no user syntax reaches FTS5)."""
    if isinstance(node, Terms):
        if not node.alts:
            return None
        body = " OR ".join(_phrase(a) for a in node.alts)
        return f"{_columns(node.field)} : ({body})"
    if isinstance(node, Prefix):
        body = " OR ".join([_phrase((node.prefix,)) + " *", *(_phrase((t,)) for t in node.terms)])
        return f"{_columns(node.field)} : ({body})"
    if isinstance(node, Any_):
        parts = [p for p in (compile_ir(c) for c in node.should) if p]
        return "(" + " OR ".join(parts) + ")" if parts else None
    if isinstance(node, All):
        must = [p for p in (compile_ir(c) for c in node.must) if p]
        if len(must) != len(node.must) or not must:
            return None  # a required part can never match
        expr = "(" + " AND ".join(must) + ")"
        for c in node.must_not:
            neg = compile_ir(c)
            if neg:
                expr = f"{expr} NOT ({neg})"
        return expr
    raise TypeError(f"unknown plan node {node!r}")  # pragma: no cover


# --- searching ----------------------------------------------------------------------------
class FTS5Backend:
    """Search with SQLite FTS5 over the ``search_fts`` rows."""

    name = "fts5"

    def __init__(self, store):
        self.store = store
        self.conn: sqlite3.Connection = store.conn
        self.ensure()

    def ensure(self) -> None:
        """Build the FTS5 rows when FTS5 is chosen for the first time (or again after
        ``opis reindex --backend tantivy`` dropped them); they are kept from then on."""
        if not enabled(self.conn):
            self.rebuild()

    def _execute(self, sql: str, params: tuple) -> list:
        try:
            return self.conn.execute(sql, params).fetchall()
        except sqlite3.Error as exc:  # an index problem, never the user's syntax
            raise StoreError(f"full-text search failed ({exc}); try 'opis reindex'", self.store.path) from exc

    def run(self, plan: Plan, limit: int = 10, offset: int = 0, facets: bool = True, wait: bool = True,
            within: frozenset[str] | None = None, hidden: Sequence[int] = ()) -> RawResult:
        """One page of FTS5 hits by rank, with the total and the facet counts of every match when asked
        (``within``: only among these document ids; ``hidden``: access keys of documents left out of
        hits, total and facets, filtered in SQL)."""
        expr = compile_ir(plan.root)
        if expr is None or (within is not None and not within):
            return RawResult(0, [], {})
        if hidden:
            return self._run_filtered(expr, limit, offset, facets, list(hidden), within)
        only, extra = "", ()
        if within is not None:
            only = " AND rowid IN (SELECT rowid FROM search_docs WHERE doc_id IN (SELECT value FROM json_each(?)))"
            extra = (json.dumps(sorted(within)),)
        rows = self._execute(
            "SELECT d.doc_id, h.rank FROM (SELECT rowid, rank FROM search_fts WHERE search_fts MATCH ?" + only +
            " ORDER BY rank LIMIT ? OFFSET ?) h JOIN search_docs d ON d.rowid = h.rowid ORDER BY h.rank",
            (expr, *extra, limit, offset),
        )
        hits = [(r[0], -float(r[1])) for r in rows]
        if not facets:
            total = self._execute("SELECT count(*) FROM search_fts WHERE search_fts MATCH ?" + only,
                                  (expr, *extra))[0][0]
            return RawResult(total, hits, {})
        return self._facets(hits, self._execute(
            "SELECT d.facets FROM search_docs d WHERE d.rowid IN"
            " (SELECT rowid FROM search_fts WHERE search_fts MATCH ?" + only + ")",
            (expr, *extra),
        ))

    def _run_filtered(self, expr: str, limit: int, offset: int, facets: bool, hidden: list[int],
                      within: frozenset[str] | None) -> RawResult:
        """:meth:`run` for a reader who may not see the documents of the access keys ``hidden``."""
        marks = ",".join("?" * len(hidden))
        visible = (f"d.doc_id NOT IN (SELECT id FROM documents INDEXED BY documents_access"
                   f" WHERE access_key IN ({marks}))")
        args: tuple = tuple(hidden)
        if within is not None:
            visible += " AND d.doc_id IN (SELECT value FROM json_each(?))"
            args += (json.dumps(sorted(within)),)
        rows = self._execute(
            "SELECT d.doc_id, f.rank FROM search_fts f JOIN search_docs d ON d.rowid = f.rowid"
            f" WHERE search_fts MATCH ? AND {visible} ORDER BY f.rank LIMIT ? OFFSET ?", (expr, *args, limit, offset))
        hits = [(r[0], -float(r[1])) for r in rows]
        matched = self._execute(
            "SELECT d.facets FROM search_docs d WHERE d.rowid IN (SELECT rowid FROM search_fts WHERE search_fts MATCH ?)"
            f" AND {visible}", (expr, *args))
        if not facets:
            return RawResult(len(matched), hits, {})
        return self._facets(hits, matched)

    @staticmethod
    def _facets(hits: list, matched: Iterable) -> RawResult:
        """The result of the hits and the facets of every match (``matched``: their facet JSON)."""
        counts: dict[str, Counter] = {}
        total = 0
        for (facets_json,) in matched:
            total += 1
            for name, labels in json.loads(facets_json).items():
                counts.setdefault(name, Counter()).update(labels)
        return RawResult(total, hits, top_facets(counts, FACET_SIZE))

    def bare(self, plan: Plan, limit: int = 10) -> list:
        """The bare engine call the benchmark compares with."""
        expr = compile_ir(plan.root)
        if expr is None:
            return []
        return self.conn.execute(
            "SELECT rowid FROM search_fts WHERE search_fts MATCH ? ORDER BY rank LIMIT ?", (expr, limit)
        ).fetchall()

    def rebuild(self, batch: int = 500) -> int:
        """Rebuild every FTS5 row from the stored records, and keep them from now on."""
        return rebuild_rows(self.store, fts=True, batch=batch)


def rebuild_rows(store, fts: bool, batch: int = 500) -> int:
    """With ``fts``, rewrite every FTS5 row and the word list of its prefix queries from the
    stored records, in one transaction, and keep them from then on; without, drop them."""
    n = 0
    seen: set[str] = set()
    conn = store.conn
    with store.writing("rebuilding the search rows"):
        clear(conn)
        words.done(conn)
        if not fts:
            return 0
        conn.execute("INSERT INTO search_meta (key, value) VALUES (?, '1')", (ENABLED,))
        for docs in _batches((searchable(r) for r in store.iter_records(batch=batch)), batch):
            for doc in docs:
                words.write(conn, words_of(doc), seen)
            write_rows(conn, [index_row(d) for d in docs])
            n += len(docs)
    return n


def _batches(items: Iterable, size: int):
    buf = []
    for item in items:
        buf.append(item)
        if len(buf) >= size:
            yield buf
            buf = []
    if buf:
        yield buf
