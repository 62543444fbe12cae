"""tantivy backend: an index directory beside the database, kept in step by the change journal.

The index is built from the analysed search rows in SQLite (``search_docs``/``search_fts``,
written in the same transaction as each record), so both backends index exactly the same terms.

Consistency after a crash: ``state.json`` in the index directory records the store's change
sequence number (``changes.seq``) the index includes, and the database it belongs to. It is
written (atomically, by rename) only *after* tantivy has committed. Before every search the
index replays the journal past that number: each changed document is deleted by id and
re-added from the store (or left deleted), which is idempotent, so a crash between the
tantivy commit and the state write only causes a harmless replay. A missing, foreign or
newer-than-store state rebuilds the index from the store.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import tantivy

from opis.errors import StoreError
from opis.search.backend import FACET_SIZE, RawResult
from opis.search.fields import FACETS
from opis.search.plan import IR, TEXT, All, Any_, Plan, Prefix, Terms
from opis.search.sqlite_index import COLUMNS

SCHEMA_VERSION = 2
FILTER_FIELDS = ("place", "person", "org", "archive", "fond", "lang", "class", "type", "translator", "date")
FACET_FIELDS = tuple(f for f in FACETS if f not in ("year", "decade"))
TITLE_BOOST = 3.0
SUMMARY_BOOST = 2.0
HEAP = 256_000_000
REPLAY_LIMIT = 20_000  # more pending changes than this: rebuilding is faster than replaying
# Counting facets is the cost of a broad query (it visits every match). Up to EXACT_LIMIT
# matches the counts are exact; above, they are counted on a fixed pseudo-random sample of
# the documents (``sample`` term = search row id modulo SAMPLE_BUCKETS) of about SAMPLE_TARGET
# matches, scaled up and flagged as approximate.
SAMPLE_BUCKETS = 256
EXACT_LIMIT = 10_000
SAMPLE_TARGET = 6_000

_LOCK = threading.Lock()
_OPEN: dict[str, tantivy.Index] = {}
_SEEN: dict[str, int] = {}  # index dir -> the state seq this process's reader was reloaded at


def index_dir(store) -> Path:
    return Path(str(store.path) + ".tantivy")


def _schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("id", stored=True, tokenizer_name="raw", index_option="basic")
    sb.add_text_field("sample", tokenizer_name="raw", index_option="basic")
    for name in ("all", "title", "summary", *FILTER_FIELDS):
        sb.add_text_field(name, tokenizer_name="whitespace", index_option="position")
    for name in FACET_FIELDS:
        sb.add_text_field("f_" + name, fast=True, tokenizer_name="raw", index_option="basic")
    sb.add_integer_field("year", fast=True, indexed=True)
    sb.add_integer_field("one", fast=True)
    return sb.build()


SCHEMA = _schema()

_ROW_SQL = (
    "SELECT d.rowid, d.doc_id, d.year, d.facets, " + ", ".join("f." + c for c in COLUMNS)
    + " FROM search_docs d CROSS JOIN search_fts f ON f.rowid = d.rowid"
)


def _document(row: sqlite3.Row | tuple) -> tantivy.Document:
    rowid, doc_id, year, facets_json, title, summary, body, *filters = row
    fields: dict[str, Any] = {
        "id": doc_id,
        "sample": f"b{rowid % SAMPLE_BUCKETS}",
        "all": f"{title} {summary} {body}",
        "title": title or "",
        "summary": summary or "",
        "one": 1,
    }
    for name, value in zip(FILTER_FIELDS, filters, strict=True):
        if value:
            fields[name] = value
    facets = json.loads(facets_json)
    for name in FACET_FIELDS:
        labels = [v for v in facets.get(name) or [] if v]
        if labels:
            fields["f_" + name] = labels
    if year is not None:
        fields["year"] = int(year)
    return tantivy.Document(**fields)


# --- state --------------------------------------------------------------------------------
def _db_uuid(conn: sqlite3.Connection) -> str:
    row = conn.execute("SELECT value FROM search_meta WHERE key = 'db_uuid'").fetchone()
    return row[0] if row else ""


def _last_seq(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT coalesce(max(seq), 0) FROM changes").fetchone()[0]


def read_state(path: Path) -> dict | None:
    try:
        return json.loads((path / "state.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _write_state(path: Path, state: dict) -> None:
    tmp = path / "state.json.tmp"
    tmp.write_text(json.dumps(state), encoding="utf-8")
    os.replace(tmp, path / "state.json")


class TantivyBackend:
    name = "tantivy"

    def __init__(self, store, sync: bool = True):
        self.store = store
        self.conn: sqlite3.Connection = store.conn
        self.path = index_dir(store)
        self.index = self._open()
        if sync:
            self.sync()

    # --- opening and keeping in step ------------------------------------------------------
    def _open(self) -> tantivy.Index:
        key = str(self.path.resolve())
        with _LOCK:
            index = _OPEN.get(key)
            if index is None or not self.path.exists():
                self.path.mkdir(parents=True, exist_ok=True)
                state = read_state(self.path)
                if state is not None and state.get("schema") != SCHEMA_VERSION:
                    self._wipe()
                try:
                    index = tantivy.Index(SCHEMA, path=str(self.path), reuse=True)
                except ValueError:  # an index with another schema: start again
                    self._wipe()
                    index = tantivy.Index(SCHEMA, path=str(self.path), reuse=True)
                _OPEN[key] = index
            return index

    def _wipe(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)
        self.path.mkdir(parents=True, exist_ok=True)

    def _writer(self) -> tantivy.IndexWriter:
        for attempt in range(50):
            try:
                return self.index.writer(HEAP, 1 if attempt else 0)
            except ValueError as exc:  # another process holds the writer lock
                if "lock" not in str(exc).lower():
                    raise StoreError(f"cannot write the search index ({exc})", str(self.path)) from exc
                time.sleep(0.1)
        raise StoreError("the search index is locked by another process; try again", str(self.path))

    def sync(self) -> int:
        """Bring the index in step with the store; return the number of documents re-indexed."""
        state = read_state(self.path)
        last = _last_seq(self.conn)
        uuid = _db_uuid(self.conn)
        if state is None or state.get("db") != uuid or state.get("seq", 0) > last:
            return self.rebuild()
        if state["seq"] == last:
            key = str(self.path.resolve())
            if _SEEN.get(key) != last:  # another process brought the index in step: see its commit
                self.index.reload()
                _SEEN[key] = last
            return 0
        pending = self.conn.execute("SELECT count(*) FROM changes WHERE seq > ?", (state["seq"],)).fetchone()[0]
        if pending > REPLAY_LIMIT:
            return self.rebuild()
        ids = [r[0] for r in self.conn.execute(
            "SELECT DISTINCT doc_id FROM changes WHERE seq > ? AND seq <= ?", (state["seq"], last)
        )]
        with self._writing(last, uuid) as writer:
            for doc_id in ids:
                writer.delete_documents_by_term("id", doc_id)
                row = self.conn.execute(_ROW_SQL + " WHERE d.doc_id = ?", (doc_id,)).fetchone()
                if row is not None:
                    writer.add_document(_document(tuple(row)))
        return len(ids)

    def rebuild(self, batch: int = 5000) -> int:
        """Build the index afresh from the store's search rows."""
        last = _last_seq(self.conn)
        uuid = _db_uuid(self.conn)
        (self.path / "state.json").unlink(missing_ok=True)
        n = 0
        with self._writing(last, uuid) as writer:
            writer.delete_all_documents()
            after = -1
            while True:
                rows = self.conn.execute(
                    _ROW_SQL + " WHERE d.rowid > ? ORDER BY d.rowid LIMIT ?", (after, batch)
                ).fetchall()
                if not rows:
                    break
                for row in rows:
                    writer.add_document(_document(tuple(row)))
                n += len(rows)
                after = rows[-1][0]
        return n

    @contextmanager
    def _writing(self, last: int, uuid: str) -> Iterator[Any]:
        """A writer whose changes are committed whole (or rolled back), then the index's state is
        recorded as in step with the store's change ``last`` and this process sees the commit."""
        writer = self._writer()
        try:
            yield writer
            writer.commit()
            writer.wait_merging_threads()
        except BaseException:
            writer.rollback()
            raise
        _write_state(self.path, {"seq": last, "db": uuid, "schema": SCHEMA_VERSION})
        self.index.reload()
        _SEEN[str(self.path.resolve())] = last

    def ids(self) -> set[str]:
        """Every document id in the index (for consistency checks)."""
        searcher = self.index.searcher()
        res = searcher.search(tantivy.Query.all_query(), max(searcher.num_docs, 1))
        return {searcher.doc(addr)["id"][0] for _score, addr in res.hits}

    # --- compiling and searching ----------------------------------------------------------
    def compile(self, node: IR) -> tantivy.Query | None:
        if isinstance(node, Terms):
            field = "all" if node.field == TEXT else node.field
            parts = [self._seq(field, alt) for alt in node.alts if alt]
            if not parts:
                return None
            return parts[0] if len(parts) == 1 else tantivy.Query.boolean_query(
                [(tantivy.Occur.Should, p) for p in parts]
            )
        if isinstance(node, Prefix):
            field = "all" if node.field == TEXT else node.field
            return tantivy.Query.regex_query(SCHEMA, field, _regex_prefix(node.prefix))
        if isinstance(node, Any_):
            parts = [p for p in (self.compile(c) for c in node.should) if p is not None]
            if not parts:
                return None
            return parts[0] if len(parts) == 1 else tantivy.Query.boolean_query(
                [(tantivy.Occur.Should, p) for p in parts]
            )
        if isinstance(node, All):
            must = [self.compile(c) for c in node.must]
            if not must or any(m is None for m in must):
                return None
            clauses = [(tantivy.Occur.Must, m) for m in must]
            for c in node.must_not:
                neg = self.compile(c)
                if neg is not None:
                    clauses.append((tantivy.Occur.MustNot, neg))
            return must[0] if len(clauses) == 1 else tantivy.Query.boolean_query(clauses)
        raise TypeError(f"unknown plan node {node!r}")  # pragma: no cover

    @staticmethod
    def _seq(field: str, terms: tuple[str, ...]) -> tantivy.Query:
        if len(terms) == 1:
            return tantivy.Query.term_query(SCHEMA, field, terms[0])
        return tantivy.Query.phrase_query(SCHEMA, field, list(terms))

    def _ranked(self, plan: Plan, match: tantivy.Query) -> tantivy.Query:
        """The matching query plus title and summary boosts for the positive terms."""
        if not plan.highlight:
            return match
        terms = sorted(plan.highlight)
        clauses = [(tantivy.Occur.Must, match)]
        for field, boost in (("title", TITLE_BOOST), ("summary", SUMMARY_BOOST)):
            q = tantivy.Query.boolean_query(
                [(tantivy.Occur.Should, tantivy.Query.term_query(SCHEMA, field, t)) for t in terms]
            )
            clauses.append((tantivy.Occur.Should, tantivy.Query.boost_query(q, boost - 1.0)))
        return tantivy.Query.boolean_query(clauses)

    def run(self, plan: Plan, limit: int = 10, offset: int = 0, facets: bool = True) -> RawResult:
        match = self.compile(plan.root)
        if match is None:
            return RawResult(0, [], {})
        searcher = self.index.searcher()
        hits = []
        if limit > 0:  # limit 0: counts and facets only
            res = searcher.search(self._ranked(plan, match), limit, count=False, offset=offset)
            hits = [(searcher.doc(addr)["id"][0], float(score)) for score, addr in res.hits]
        total, counts, approximate = self.count(searcher, match, facets, self.estimate(searcher, plan.root))
        return RawResult(total, hits, counts, approximate)

    def count(self, searcher: tantivy.Searcher, match: tantivy.Query, facets: bool = True,
              upper: int | None = None):
        """(total, facets, approximate): exact up to EXACT_LIMIT matches, else from a sample.

        ``upper`` is an upper bound of the number of matches (from document frequencies); a
        broad query is counted on a sample sized from it, and counted exactly after all when
        the sample shows that it matches few documents.
        """
        aggs: dict[str, Any] = {"total": {"value_count": {"field": "one"}}}
        if facets:
            aggs["year"] = {"terms": {"field": "year", "size": 5000}}
            for name in FACET_FIELDS:
                aggs[name] = {"terms": {"field": "f_" + name, "size": FACET_SIZE}}
        upper = searcher.num_docs if upper is None else upper
        if upper > EXACT_LIMIT:
            buckets = max(1, min(SAMPLE_BUCKETS, -(-SAMPLE_BUCKETS * SAMPLE_TARGET // upper)))
            out = searcher.aggregate(self._sampled(match, buckets), aggs)
            scale = SAMPLE_BUCKETS / buckets
            total = int(round((out["total"]["value"] or 0) * scale))
            if total > EXACT_LIMIT and buckets < SAMPLE_BUCKETS:
                return total, (_facets(out, scale) if facets else {}), True
        out = searcher.aggregate(match, aggs)
        return int(out["total"]["value"] or 0), (_facets(out) if facets else {}), False

    def estimate(self, searcher: tantivy.Searcher, node: IR) -> int:
        """An upper bound of the matches of a plan node, from document frequencies."""
        n = searcher.num_docs
        if isinstance(node, Terms):
            field = "all" if node.field == TEXT else node.field
            return min(n, sum(min(searcher.doc_freq(field, t) for t in alt) for alt in node.alts if alt))
        if isinstance(node, All):
            return min((self.estimate(searcher, c) for c in node.must), default=0)
        if isinstance(node, Any_):
            return min(n, sum(self.estimate(searcher, c) for c in node.should))
        return n

    @staticmethod
    def _sampled(match: tantivy.Query, buckets: int) -> tantivy.Query:
        sample = tantivy.Query.term_set_query(SCHEMA, "sample", [f"b{i}" for i in range(buckets)])
        return tantivy.Query.boolean_query([(tantivy.Occur.Must, match), (tantivy.Occur.Must, sample)])

    def bare(self, plan: Plan, limit: int = 10) -> list:
        """The bare engine call the benchmark compares with: ``searcher.search(query, 10)``."""
        match = self.compile(plan.root)
        if match is None:
            return []
        return self.index.searcher().search(match, limit).hits


def _regex_prefix(prefix: str) -> str:
    # the prefix is a folded word (letters and digits only); escape anything else anyway
    return "".join(c if c.isalnum() else "\\" + c for c in prefix) + ".*"


def _facets(out: dict[str, Any], scale: float = 1.0) -> dict[str, list[tuple[str, int]]]:
    years: dict[int, int] = {}
    for b in out.get("year", {}).get("buckets", []):
        years[int(b["key"])] = int(round(b["doc_count"] * scale))
    decades: dict[int, int] = {}
    for y, c in years.items():
        decades[y // 10 * 10] = decades.get(y // 10 * 10, 0) + c
    result = {
        "year": [(str(y), c) for y, c in sorted(years.items())],
        "decade": [(f"{d}s", c) for d, c in sorted(decades.items())],
    }
    for name in FACET_FIELDS:
        buckets = out.get(name, {}).get("buckets", [])
        result[name] = [(str(b["key"]), int(round(b["doc_count"] * scale))) for b in buckets]
    return {name: result.get(name, []) for name in FACETS}


def drop(store) -> None:
    """Remove the index directory (it is rebuilt on the next search)."""
    path = index_dir(store)
    with _LOCK:
        _OPEN.pop(str(path.resolve()), None)
    shutil.rmtree(path, ignore_errors=True)
