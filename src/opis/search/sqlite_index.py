"""SQLite FTS5 backend: the index lives in the same file as the records.

Registered as a store indexer, so the analysed rows (:class:`opis.search.fields.IndexRow`)
are written in the same transaction as each upsert and removed with each delete. These rows
are also what the tantivy backend is built from.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Iterable

from opis.errors import StoreError
from opis.model import Document
from opis.search import words
from opis.search.backend import FACET_SIZE, RawResult, top_facets
from opis.search.fields import IndexRow, index_row
from opis.search.plan import IR, TEXT, All, Any_, Plan, Prefix, Terms

COLUMNS = ("title", "summary", "body", "place", "person", "org", "archive", "fond", "lang", "class",
           "type", "translator", "date")
TEXT_COLUMNS = "{title summary body}"

_INSERT_FTS = f"INSERT INTO search_fts (rowid, {', '.join(COLUMNS)}) VALUES ({', '.join('?' * (len(COLUMNS) + 1))})"


# --- writing ------------------------------------------------------------------------------
def write_rows(conn: sqlite3.Connection, rows: Iterable[IndexRow], seen: set[str] | None = None) -> None:
    """Insert analysed rows (the caller has deleted older rows for these ids) and their words
    for prefix queries (``seen``: see :func:`opis.search.words.write`)."""
    for row in rows:
        words.write(conn, row.words, seen)
        cur = conn.execute(
            "INSERT INTO search_docs (doc_id, year, facets, text, title, date_edtf) VALUES (?, ?, ?, ?, ?, ?)",
            (row.id, row.year, json.dumps(row.facets, ensure_ascii=False), row.text, row.shown_title, row.date_edtf),
        )
        f = row.filters
        conn.execute(
            _INSERT_FTS,
            (cur.lastrowid, row.title, row.summary, row.body, f["place"], f["person"], f["org"], f["archive"],
             f["fond"], f["lang"], f["class"], f["type"], f["translator"], row.date_terms),
        )


def write(conn: sqlite3.Connection, doc: Document) -> None:
    write_rows(conn, [index_row(doc.to_dict())])


def delete(conn: sqlite3.Connection, doc_id: str) -> None:
    row = conn.execute("SELECT rowid FROM search_docs WHERE doc_id = ?", (doc_id,)).fetchone()
    if row is None:
        return
    conn.execute("DELETE FROM search_fts WHERE rowid = ?", (row[0],))
    conn.execute("DELETE FROM search_docs WHERE rowid = ?", (row[0],))


def clear(conn: sqlite3.Connection) -> None:
    conn.execute("DELETE FROM search_fts")
    conn.execute("DELETE FROM search_docs")




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
    name = "fts5"

    def __init__(self, store):
        self.store = store
        self.conn: sqlite3.Connection = store.conn

    def _execute(self, sql: str, params: tuple) -> list:
        try:
            return self.conn.execute(sql, params).fetchall()
        except sqlite3.Error as exc:  # an index problem, never the user's syntax
            raise StoreError(f"full-text search failed ({exc}); try 'opis reindex'", self.store.path) from exc

    def run(self, plan: Plan, limit: int = 10, offset: int = 0, facets: bool = True, wait: bool = True) -> RawResult:
        expr = compile_ir(plan.root)
        if expr is None:
            return RawResult(0, [], {})
        rows = self._execute(
            "SELECT f.rowid, f.rank FROM search_fts f WHERE search_fts MATCH ? ORDER BY f.rank LIMIT ? OFFSET ?",
            (expr, limit, offset),
        )
        hits = [(r[0], -float(r[1])) for r in rows]
        if not facets:
            total = self._execute("SELECT count(*) FROM search_fts WHERE search_fts MATCH ?", (expr,))[0][0]
            return RawResult(total, hits, {})
        counts: dict[str, Counter] = {}
        total = 0
        for (facets_json,) in self._execute(
            "SELECT d.facets FROM search_docs d WHERE d.rowid IN"
            " (SELECT rowid FROM search_fts WHERE search_fts MATCH ?)",
            (expr,),
        ):
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
        """Rebuild every search row from the stored records."""
        n = 0
        seen: set[str] = set()
        with self.store.writing("rebuilding the search rows"):
            # a new epoch in the same transaction: the rows get new row ids, and an index
            # built before (tantivy names hits by row id) must never be searched again
            self.store.new_epoch()
            clear(self.conn)
            for rows in _batches(self.store.iter_records(batch=batch), batch):
                write_rows(self.conn, [index_row(r) for r in rows], seen)
                n += len(rows)
            words.done(self.conn)
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
