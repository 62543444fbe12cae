"""Facet summaries: the sampled facet counts of frequent single terms, kept beside the index.

A search for one frequent word (``exodus``, ``Soviet``) is the commonest query in an archive
and the one with the largest result, whose facets tantivy counts on a sample (see
:mod:`opis.search.tantivy_index`). Those sampled counts depend only on the documents of
the sample level ``sK`` that hold the term, so they are computed when the index is built,
for every term above ``EXACT_LIMIT`` matches, and stored here: a search for such a word
reads its facets instead of counting them while it ranks.

A summary of level K stays true until a document of sample level K or higher changes (the
level is a hash of the document id, so a deleted document's level is known too). Keeping in
step uses the store's change journal, like the index: the file records the change sequence
number it reflects, every change after it drops the summaries it touches, and a search that
counts a dropped one stores it again. The file is a cache of the index, in the index
directory: deleting it only costs the counting again.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FILE = "summaries.sqlite"
CLEAR_LIMIT = 20_000  # more changed documents than this: drop every summary
MEMO = 1024  # summaries kept decoded in memory (per process), the most recently read

_SCHEMA = """
CREATE TABLE IF NOT EXISTS summary (
    field TEXT NOT NULL, term TEXT NOT NULL, level INTEGER NOT NULL, counts TEXT NOT NULL,
    PRIMARY KEY (field, term)
);
CREATE INDEX IF NOT EXISTS summary_level ON summary(level);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


@dataclass(slots=True)
class Summary:
    """The stored facet counts of one term, and the (total, facets) last served from them."""

    counts: dict[str, Any]  # as stored (see opis.search.tantivy_index._compact)
    served: tuple[int, Any] | None = None  # (total, facets) the last search made of it


class Summaries:
    """The summaries file of one index directory."""

    def __init__(self, index_path: Path):
        self.path = Path(index_path) / FILE
        self._conn: sqlite3.Connection | None = None
        self._memo: OrderedDict[tuple[str, str, int], Summary] = OrderedDict()
        self._memo_seq = -1  # the change the decoded summaries belong to

    @property
    def conn(self) -> sqlite3.Connection:
        """The summaries database, opened (WAL, schema created) on first use."""
        if self._conn is None:
            conn = sqlite3.connect(self.path, timeout=5, check_same_thread=False, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=OFF")  # a cache: a lost write is only counted again
            conn.executescript(_SCHEMA)
            self._conn = conn
        return self._conn

    def close(self) -> None:
        """Forget the decoded summaries and close the database."""
        self._memo.clear()
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def get(self, field: str, term: str, level: int, seq: int) -> Summary | None:
        """The counts of sample ``level`` for ``term`` in ``field``, if summarised for the
        index as of change ``seq`` (the one the caller searches). The decoded summary is kept
        for the next search of the term (``served`` holds what that search can reuse)."""
        key = (field, term, level)
        if seq != self._memo_seq:
            self._memo.clear()
            self._memo_seq = seq
        summary = self._memo.get(key)
        if summary is not None:
            self._memo.move_to_end(key)
            return summary
        row = self.conn.execute(
            "SELECT counts FROM summary WHERE field = ? AND term = ? AND level = ?"
            " AND (SELECT value FROM meta WHERE key = 'seq') = ?", (field, term, level, str(seq))).fetchone()
        if row is None:
            return None
        summary = self._memo[key] = Summary(json.loads(row[0]))
        if len(self._memo) > MEMO:
            self._memo.popitem(last=False)
        return summary

    def put(self, field: str, term: str, level: int, counts: dict[str, Any], seq: int) -> None:
        """Keep a summary a search counted on the index as of change ``seq``: only while the
        file is in step with that change (not when another process has moved it on, which
        would keep counts older than the file says), and skipped while another process writes."""
        with contextlib.suppress(sqlite3.OperationalError):
            self.conn.execute(
                "INSERT OR REPLACE INTO summary SELECT ?, ?, ?, ?"
                " WHERE (SELECT value FROM meta WHERE key = 'seq') = ?",
                (field, term, level, _dumps(counts), str(seq)))

    def replace(self, rows: Iterable[tuple[str, str, int, dict[str, Any]]], seq: int, db: str) -> int:
        """Replace every summary with ``rows`` (field, term, level, counts), as of change ``seq``."""
        n = 0
        with self._transaction() as conn:
            conn.execute("DELETE FROM summary")
            for field, term, level, counts in rows:
                conn.execute("INSERT INTO summary VALUES (?, ?, ?, ?)", (field, term, level, _dumps(counts)))
                n += 1
            _set_meta(conn, seq, db)
        return n

    def bring_in_step(self, store_conn: sqlite3.Connection, last: int, db: str, level_of) -> int:
        """Drop the summaries that the store's changes up to ``last`` touched; return how many.

        ``level_of(doc_id)``: the sample level of a document. A summary of level K is dropped
        when a changed document has level K or higher."""
        meta = dict(self.conn.execute("SELECT key, value FROM meta"))
        if int(meta.get("seq", -1)) == last and meta.get("db") == db:
            return 0
        with self._transaction() as conn:
            meta = dict(conn.execute("SELECT key, value FROM meta"))  # another process may have done it
            seq = int(meta.get("seq", -1))
            dropped = 0
            if meta.get("db") != db or seq > last or seq < 0:
                dropped = conn.execute("DELETE FROM summary").rowcount
            elif seq < last:
                ids = [r[0] for r in store_conn.execute(
                    "SELECT DISTINCT doc_id FROM changes WHERE seq > ? AND seq <= ? LIMIT ?",
                    (seq, last, CLEAR_LIMIT + 1))]
                if len(ids) > CLEAR_LIMIT:
                    dropped = conn.execute("DELETE FROM summary").rowcount
                elif ids:
                    top = max(level_of(doc_id) for doc_id in ids)
                    if top:
                        dropped = conn.execute("DELETE FROM summary WHERE level <= ?", (top,)).rowcount
            _set_meta(conn, last, db)
        return dropped

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction that holds the file's lock from its start."""
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")


def _set_meta(conn: sqlite3.Connection, seq: int, db: str) -> None:
    conn.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", [("seq", str(seq)), ("db", db)])


def _dumps(counts: dict[str, Any]) -> str:
    return json.dumps(counts, ensure_ascii=False, separators=(",", ":"))
