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
* **a larger page cache** for the loading connection (``CACHE_KB``);
* **copies written by rows**: an item that is a :class:`Copy` (a stored document written again
  under another id, path, sha256, record id and source URL: the benchmark's synthetic archive
  repeats its documents this way) is written by copying its source's rows in SQL — its text,
  mentions, claims, events and archival references — and its record with those five values
  replaced, encoded as :mod:`opis.store.codec` encodes them; its entities are upserted again
  from the source's record. The rows are the ones ``Store.write`` of the source's record with
  those values replaced writes (tested table by table).

A load interrupted leaves the batches it committed, with the dropped indexes missing and the
aggregates behind: run it again (documents already stored are written again, unchanged) or
``opis reindex``; ``load`` creates missing indexes again and recounts at its end either way.
Other engines (PostgreSQL) write document by document through ``Store.write``.
"""

from __future__ import annotations

import json
import sqlite3
import time
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from opis.model import Document
from opis.store import aggregates, codec, entities
from opis.store.documents import unpack_text
from opis.store.engine import dialect_of

BATCH = 2000  # documents per transaction
CACHE_KB = 1_000_000  # page cache of the loading connection, in KiB (SQLite's default is 2 MB)
# the secondary indexes of the tables a load fills that no write reads (they are built once at
# the end); the indexes the writes use (primary keys, record_entities_hash, the *_doc indexes of
# the deletes) stay
REBUILT = ("documents", "mentions", "claims", "events", "archival_refs", "claim_entities", "entity_names")
KEPT = ("claims_doc", "events_doc")


@dataclass(frozen=True)
class Copy:
    """A stored document (``source``) written again under another identity: what
    ``Store.write`` of its record with these values replaced writes."""

    source: str
    id: str
    path: str
    sha256: str
    record_id: str | None = None
    source_url: str | None = None


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


def load(store, docs: Iterable[Document | Copy], batch: int = BATCH,
         progress: Callable[[int, float], None] | None = None) -> int:
    """Write ``docs`` (each as :meth:`Store.write` would, ``batch`` per transaction; a
    :class:`Copy` by its source's rows) and count the aggregates and build the secondary indexes
    once at the end; returns the documents written. ``progress(written, seconds)`` is called
    after each batch. Copies need SQLite, and a store that keeps no FTS5 rows."""
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
    sources = Sources()
    with aggregates.deferred(conn):
        buf: list[Document | Copy] = []
        for doc in docs:
            buf.append(doc)
            if len(buf) >= batch:
                n += _write(store, buf, sources)
                if progress:
                    progress(n, time.perf_counter() - t0)
        if buf:
            n += _write(store, buf, sources)
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


def _write(store, buf: list[Document | Copy], sources: Sources | None = None) -> int:
    with store.batch(f"bulk loading {len(buf)} documents"):
        run: list[Copy] = []
        for doc in buf:
            if isinstance(doc, Copy):
                run.append(doc)
                continue
            if run:
                _copy(store, run, sources or Sources())
                run = []
            store.write(doc)
        if run:
            _copy(store, run, sources or Sources())
    n = len(buf)
    buf.clear()
    return n


# --- copies ------------------------------------------------------------------------------------
@dataclass
class Source:
    """What a copy takes from its stored source: its encoded record, text and entity rows."""

    body: dict[str, Any]
    text: str
    entity_rows: list[tuple]


@dataclass
class Sources:
    """The sources read so far in a load (each is read once)."""

    by_id: dict[str, Source] = field(default_factory=dict)

    def get(self, store, doc_id: str) -> Source:
        """The source ``doc_id`` (read from the store the first time)."""
        src = self.by_id.get(doc_id)
        if src is None:
            row = store.conn.execute(
                "SELECT d.record, t.text FROM documents d LEFT JOIN document_texts t ON t.doc_id = d.id"
                " WHERE d.id = ?", (doc_id,)).fetchone()
            if row is None:
                from opis.errors import NotFound

                raise NotFound(f"bulk load: no stored document {doc_id!r} to copy")
            body = json.loads(zlib.decompress(row[0]).decode("utf-8"))
            if codec.VERSION not in body:
                raise ValueError(f"bulk load: the record of {doc_id!r} is not encoded (written before 0017)")
            src = self.by_id[doc_id] = Source(body, unpack_text(row[1]), entities.entity_rows(store.get(doc_id)))
        return src


def _encoded(value: str | None, text: str) -> Any:
    """A top-level string of a record as :func:`opis.store.codec.encode` keeps it (a piece of the
    text of at least MIN_FOUND characters as its offsets)."""
    if value and len(value) >= codec.MIN_FOUND:
        at = text.find(value)
        if at >= 0:
            return {codec.MARK: [at, at + len(value)]}
    return value


def _record(src: Source, c: Copy) -> bytes:
    body = dict(src.body)
    body["id"] = _encoded(c.id, src.text)
    body["record_id"] = _encoded(c.record_id, src.text)
    body["source_url"] = _encoded(c.source_url, src.text)
    prov = dict(body["provenance"])
    prov["path"], prov["sha256"] = _encoded(c.path, src.text), _encoded(c.sha256, src.text)
    body["provenance"] = prov
    return zlib.compress(codec.dumps(body).encode("utf-8"), codec.LEVEL)


_DOC_COLUMNS = ("title, date_edtf, date_earliest, date_latest, doc_type, classification, language, format, layout")


def _columns(conn, table: str, skip: tuple[str, ...]) -> str:
    return ", ".join(r[1] for r in conn.execute(f'PRAGMA table_info("{table}")') if r[1] not in skip)


def _copy(store, run: list[Copy], sources: Sources) -> None:
    """Write the copies of ``run`` (in order) by their sources' rows."""
    from opis.search.sqlite_index import enabled

    conn = store.conn
    if enabled(conn):
        raise ValueError("bulk load: copies are not written while FTS5 rows are kept")
    now = datetime.now(UTC).isoformat(timespec="seconds")
    docs: list[tuple] = []
    texts: list[tuple] = []
    rows: list[tuple] = []
    ents: dict[str, tuple] = {}  # entity id -> the last row written for it (each upsert overwrites the one before)
    for c in run:
        src = sources.get(store, c.source)
        seq = conn.execute("INSERT INTO changes (doc_id, op, at) VALUES (?, 'upsert', ?)", (c.id, now)).lastrowid
        docs.append((c.id, c.sha256, c.path, c.record_id, _record(src, c), now, now, seq, c.source))
        texts.append((c.id, c.source))
        rows.append((c.id, c.source))
        ents.update((row[0], row) for row in src.entity_rows)
    conn.executemany(
        f"INSERT INTO documents (id, sha256, path, record_id, {_DOC_COLUMNS}, record, ingested_at, updated_at, seq)"
        f" SELECT ?, ?, ?, ?, {_DOC_COLUMNS}, ?, ?, ?, ? FROM documents WHERE id = ?", docs)
    conn.executemany("INSERT INTO document_texts (doc_id, text) SELECT ?, text FROM document_texts WHERE doc_id = ?",
                     texts)
    conn.executemany(entities.ENTITY_UPSERT, list(ents.values()))
    for table, order, skip in (("archival_refs", "seq", ("doc_id",)), ("mentions", "n", ("doc_id",)),
                               ("claims", "n", ("doc_id", "id")), ("events", "n", ("doc_id", "id"))):
        cols = _columns(conn, table, skip)
        conn.executemany(f"INSERT INTO {table} (doc_id, {cols}) SELECT ?, {cols} FROM {table}"
                         f" WHERE doc_id = ? ORDER BY {order}", rows)


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
