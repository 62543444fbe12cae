"""Bulk loading: many documents written exactly as :meth:`opis.store.Store.write` writes them,
with the work that does not depend on one document done once for the whole load.

``load(store, docs)`` writes each document through ``Store.write`` (the record, its text, the
change journal and every indexer's rows: the same code, so the same rows), a batch of documents
per transaction, and on SQLite saves three kinds of repeated work:

* **aggregates counted once**: inside the load :mod:`opis.store.aggregates` keeps no per-document
  counts (:func:`opis.store.aggregates.deferred`); at the end :func:`opis.store.aggregates.rebuild`
  recounts them all from the base tables in SQL, which gives the rows the per-document
  maintenance gives (``opis check`` compares the two, and ``tests/test_store_bulk.py`` compares a
  corpus loaded both ways table by table);
* **secondary indexes built once**: the indexes that no write reads (``REBUILT``) are dropped
  before the load and created again from their own SQL at the end (sorting once instead of one
  random B-tree insert per row into each: at a million documents the indexes no longer fit in
  memory and each insert is a disk read);
* **a larger page cache** for the loading connection (``CACHE_KB``).

A load interrupted leaves the batches it committed, with the dropped indexes missing and the
aggregates behind: run it again (documents already stored are written again, unchanged) or
``opis reindex``; ``load`` creates missing indexes again and recounts at its end either way.
Other engines (PostgreSQL) write document by document through ``Store.write``.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterable

from opis.model import Document
from opis.store import aggregates
from opis.store.engine import dialect_of

BATCH = 2000  # documents per transaction
CACHE_KB = 1_000_000  # page cache of the loading connection, in KiB (SQLite's default is 2 MB)
# the secondary indexes of the tables a load fills that no write reads (they are built once at
# the end); the indexes the writes use (primary keys, record_entities_hash, the *_doc indexes of
# the deletes) stay
REBUILT = ("documents", "mentions", "claims", "events", "archival_refs", "claim_entities", "entity_names")
KEPT = ("claims_doc", "events_doc")


def _dropped_indexes(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    """(name, SQL) of the indexes a load builds once at the end."""
    marks = ",".join("?" * len(REBUILT))
    rows = conn.execute(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ({marks})"
        " ORDER BY rowid", REBUILT).fetchall()  # (created again in the order the migrations created them)
    return [(name, sql) for name, sql in rows if name not in KEPT]


def _index_sql(store) -> list[tuple[str, str]]:
    """The indexes of REBUILT as the migrations create them (kept in ``store_meta`` during a load,
    so that an interrupted load still knows what to create again)."""
    conn = store.conn
    saved = conn.execute("SELECT value FROM store_meta WHERE key = 'bulk_indexes'").fetchone()
    if saved:
        import json

        return [(name, sql) for name, sql in json.loads(saved[0])]
    return _dropped_indexes(conn)


def load(store, docs: Iterable[Document], batch: int = BATCH,
         progress: Callable[[int, float], None] | None = None) -> int:
    """Write ``docs`` (each as :meth:`Store.write` would, ``batch`` per transaction) and count the
    aggregates and build the secondary indexes once at the end; returns the documents written.
    ``progress(written, seconds)`` is called after each batch."""
    import json

    if dialect_of(store.conn).name != "sqlite":
        return _load_each(store, docs, batch, progress)
    conn = store.conn
    conn.execute(f"PRAGMA cache_size = -{CACHE_KB}")
    indexes = _index_sql(store)
    with store.writing("dropping the indexes a bulk load builds at its end"):
        conn.execute("INSERT INTO store_meta (key, value) VALUES ('bulk_indexes', ?)"
                     " ON CONFLICT (key) DO UPDATE SET value = excluded.value", (json.dumps(indexes),))
        for name, _sql in indexes:
            conn.execute(f'DROP INDEX IF EXISTS "{name}"')
    n, t0 = 0, time.perf_counter()
    with aggregates.deferred(conn):
        buf: list[Document] = []
        for doc in docs:
            buf.append(doc)
            if len(buf) >= batch:
                n += _write(store, buf)
                if progress:
                    progress(n, time.perf_counter() - t0)
        if buf:
            n += _write(store, buf)
            if progress:
                progress(n, time.perf_counter() - t0)
    finish(store)
    return n


def finish(store) -> None:
    """Create the indexes a bulk load dropped and recount every aggregate (one transaction)."""
    conn = store.conn
    indexes = _index_sql(store)
    with store.writing("building the indexes and aggregates of a bulk load"):
        for _name, sql in indexes:
            conn.execute(sql.replace("CREATE INDEX ", "CREATE INDEX IF NOT EXISTS ", 1))
        aggregates.rebuild(conn)
        conn.execute("DELETE FROM store_meta WHERE key = 'bulk_indexes'")


def _write(store, buf: list[Document]) -> int:
    with store.batch(f"bulk loading {len(buf)} documents"):
        for doc in buf:
            store.write(doc)
    n = len(buf)
    buf.clear()
    return n


def _load_each(store, docs: Iterable[Document], batch: int, progress) -> int:
    """The load on an engine without the SQLite shortcuts: ``Store.write`` per document."""
    n, t0 = 0, time.perf_counter()
    buf: list[Document] = []
    for doc in docs:
        buf.append(doc)
        if len(buf) >= batch:
            n += _write(store, buf)
            if progress:
                progress(n, time.perf_counter() - t0)
    if buf:
        n += _write(store, buf)
    return n
