"""The SQLite store: one file holds records, derived tables and the full-text index."""

from __future__ import annotations

import json
import os
import secrets
import sqlite3
import time
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from opis.errors import NotFound, OpisError, StoreError
from opis.model import Document
from opis.store import aggregates, entities, indexers
from opis.store.documents import pack_encoded, record_fields, unpack_record, unpack_records, unpack_text
from opis.store.engine import SqliteConnection, dialect_of, is_url
from opis.store.failures import CorruptStore, is_corruption, store_error
from opis.store.migrations import migrate

DEFAULT_DB = "opis.db"
BUSY_TIMEOUT = 30.0  # seconds a connection waits for another process's write lock
QUICK_CHECK_MAX_BYTES = 64 * 1024 * 1024  # files checked on open (about 0.1 s at this size)
#: what reading a damaged file raises: SQLite's errors, and text, JSON or compressed data that no
#: longer decodes
READ_ERRORS = (sqlite3.DatabaseError, json.JSONDecodeError, UnicodeDecodeError, zlib.error)
# the files this process has checked, as they were then (a file changed since is checked again)
_VERIFIED: set[tuple[int, int, int, int]] = set()


def _file_key(path: str) -> tuple[int, int, int, int]:
    try:
        st = os.stat(path)
    except OSError:
        return (0, 0, 0, 0)
    return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns


def _worth_verifying(path: str) -> bool:
    """Check on open: a file not yet checked by this process, small enough to check quickly."""
    try:
        size = os.path.getsize(path)
    except OSError:
        return False
    return 0 < size <= QUICK_CHECK_MAX_BYTES and _file_key(path) not in _VERIFIED


#: tables with a doc_id column that are not derived from the records
NOT_DERIVED = frozenset({"documents", "document_texts", "changes", "ingest_log", "uploads",
                         "passages"})  # (passages: derived, but following the journal, opis.search.vectors)

#: a record and its text, as stored (see opis.store.documents.pack_record)
_RECORD_SQL = ("SELECT d.id, d.record, t.text FROM documents d LEFT JOIN document_texts t ON t.doc_id = d.id")


#: tables of other parts that may share the database (the job queue's, on PostgreSQL): never the store's
OTHERS = ("opis_", "procrastinate_")


def derived_tables(conn: sqlite3.Connection) -> list[str]:
    """The tables keyed by document (a ``doc_id`` column) whose rows are derived from the records."""
    dialect = dialect_of(conn)
    return [name for name in dialect.tables(conn) if name not in NOT_DERIVED and not name.startswith(OTHERS)
            and "doc_id" in dialect.columns(conn, name)]


def quick_check(conn: sqlite3.Connection, limit: int = 100, full: bool = False) -> list[str]:
    """The problems ``PRAGMA quick_check`` (``full``: ``integrity_check``) finds; empty when sound."""
    pragma = "integrity_check" if full else "quick_check"
    try:
        rows = [r[0] for r in conn.execute(f"PRAGMA {pragma}({int(limit)})")]
    except sqlite3.DatabaseError as exc:
        return [" ".join(str(exc).split())]  # (a damaged schema's message quotes its SQL)
    if rows == ["ok"]:
        return []
    lines = [ln for row in rows for ln in str(row).splitlines() if ln and not ln.startswith("*** in database")]
    return [" ".join(ln.split()) for ln in lines or rows]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Store:
    """Persistence for records. ``upsert`` is idempotent, keyed by content hash.

    Opening checks the file (``PRAGMA quick_check``, once per process, for files up to
    QUICK_CHECK_MAX_BYTES; ``verify=True`` always, ``False`` never) and a damaged file raises
    :class:`CorruptStore`. Damage found later (a page that does not read, a record that does
    not decode) raises it too and makes the connection read-only: nothing is ever written into
    a database found corrupt. Every write is one transaction, rolled back whole on any error
    (a full disk included). ``readonly=True`` opens without migrating, for checks and backups.
    ``any_thread=True``: the connection may be used from any thread, one at a time (a server's
    pool leases each store to one request at a time).
    """

    #: what reading or writing may raise that is the database's problem (turned into a StoreError)
    read_errors: tuple[type[BaseException], ...] = READ_ERRORS
    #: the folder of the search index replica when it is not beside the database file
    index_path: Path | None = None

    def __new__(cls, path: str | Path = DEFAULT_DB, *args: Any, **kwargs: Any) -> Store:
        """A ``postgresql://`` URL opens the PostgreSQL store (:mod:`opis.store.postgres`)."""
        if cls is Store and is_url(path):
            from opis.store.postgres_store import PostgresStore

            return super().__new__(PostgresStore)
        return super().__new__(cls)

    def __init__(self, path: str | Path = DEFAULT_DB, verify: bool | None = None, readonly: bool = False,
                 any_thread: bool = False, index: str | Path | None = None):
        self.path = str(path)
        if index is not None:
            self.index_path = Path(index)
        self.readonly = readonly
        self.corrupt: str | None = None  # why the file is known damaged (then nothing is written)
        self._batched = False  # inside batch(): writes join its transaction
        try:
            self.conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT, check_same_thread=not any_thread,
                                        factory=SqliteConnection)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open database ({exc})", self.path) from exc
        self.conn.row_factory = sqlite3.Row
        try:
            self._open(verify)
        except OpisError:
            self.conn.close()
            raise
        except (sqlite3.DatabaseError, *READ_ERRORS) as exc:
            self.conn.close()
            if is_corruption(exc):
                raise store_error(exc, self.path, "opening it") from exc
            raise StoreError(f"not an opis database or corrupt ({exc})", self.path) from exc

    def _open(self, verify: bool | None) -> None:
        if verify or (verify is None and _worth_verifying(self.path)):
            problems = quick_check(self.conn, limit=3)
            if problems:
                raise CorruptStore(
                    f"the database is damaged (PRAGMA quick_check: {'; '.join(problems)[:200]}); nothing will"
                    f" be written to it. Run 'opis check --db {self.path}', and 'opis restore BACKUP --db"
                    f" {self.path}' to put back a backup", self.path)
            _VERIFIED.add(_file_key(self.path))
        self.conn.execute("PRAGMA foreign_keys=ON")
        if self.readonly:
            self.conn.execute("PRAGMA query_only=ON")
            return
        deadline = time.monotonic() + BUSY_TIMEOUT
        for attempt in range(1, 10_000):
            try:
                # (switching to WAL, and reading the WAL index while another process creates it,
                # can report "locked" without waiting: retried here until the busy timeout)
                self.conn.execute("PRAGMA journal_mode=WAL")
                self.conn.execute("PRAGMA synchronous=NORMAL")
                migrate(self.conn)
                return
            except sqlite3.OperationalError as exc:
                if self.conn.in_transaction:
                    self.conn.rollback()
                if "locked" not in str(exc) and "busy" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(min(0.5, 0.01 * attempt))

    # --- context manager -------------------------------------------------------------
    def close(self) -> None:
        """Close the connection (also on leaving a ``with Store(...)`` block)."""
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- read snapshots ---------------------------------------------------------------
    def begin_read(self) -> None:
        """Begin a read transaction unless one is open: every query until :meth:`end_read` sees
        one committed state of the database (deferred: the snapshot starts at the first read)."""
        if not self.conn.in_transaction:
            self.conn.execute("BEGIN")

    def renew_read(self) -> None:
        """End an open read transaction and begin a new one (a newer snapshot); nothing to lose."""
        if self.conn.in_transaction:
            self.conn.rollback()
            self.conn.execute("BEGIN")

    def end_read(self) -> bool:
        """Roll back an open transaction (a failed request must not leave one open). False when
        the connection is broken: it is closed then, and the store must not be used again."""
        try:
            if self.conn.in_transaction:
                self.conn.rollback()
        except self.read_errors:
            self.conn.close()
            return False
        return True

    # --- guarding reads and writes ---------------------------------------------------
    @contextmanager
    def reading(self, doing: str = "reading the database") -> Iterator[None]:
        """Turn a damaged page, undecodable text or a failing disk met while reading into a
        :class:`StoreError` naming the file (a damaged file is then never written)."""
        try:
            yield
        except self.read_errors as exc:
            raise self._failed(exc, doing) from exc

    @contextmanager
    def writing(self, doing: str = "writing") -> Iterator[sqlite3.Connection]:
        """One write transaction: committed whole, or rolled back whole on any error (a full
        disk, a lock held too long, damage met on the way), which is raised as a StoreError.
        Inside :meth:`batch` it joins the batch's transaction instead."""
        self.writable(doing)
        if self._batched:
            yield self.conn
            return
        try:
            with self.conn:
                self._begin_write()
                yield self.conn
        except self.read_errors as exc:
            raise self._failed(exc, doing) from exc

    def _begin_write(self) -> None:
        """Begin the write transaction of :meth:`writing` (SQLite: at its first write, by itself)."""

    @contextmanager
    def batch(self, doing: str = "writing a batch") -> Iterator[None]:
        """Many writes as one transaction (bulk loads): every :meth:`writing` block inside it
        joins this transaction, committed at the end, or rolled back whole on any error."""
        if self._batched:
            yield
            return
        with self.writing(doing):
            self._batched = True
            try:
                yield
            finally:
                self._batched = False

    def writable(self, doing: str = "writing") -> None:
        """Raise unless this store may be written."""
        if self.corrupt:
            raise CorruptStore(f"not {doing}: {self.corrupt}", self.path)
        if self.readonly:
            raise StoreError(f"not {doing}: the database is open read-only", self.path)

    def _failed(self, exc: BaseException, doing: str) -> StoreError:
        err = store_error(exc, self.path, doing)
        if isinstance(err, CorruptStore):
            self.corrupt = "the database is damaged"
            self._refuse_writes()
        return err

    def _refuse_writes(self) -> None:
        """From now on this connection refuses every write, whoever issues it."""
        with suppress(sqlite3.Error):
            self.conn.execute("PRAGMA query_only=ON")

    # --- store-wide facts ------------------------------------------------------------
    def epoch(self) -> str:
        """The store's epoch (see ``0008_store_meta.sql``): drawn again on every wholesale
        rewrite of rows outside the change journal; an external index built at another epoch
        must be rebuilt."""
        with self.reading("reading the store's epoch"):
            row = self.conn.execute("SELECT value FROM store_meta WHERE key = 'epoch'").fetchone()
        return row[0] if row else ""

    def new_epoch(self) -> None:
        """Draw a new epoch; call inside the transaction that rewrites the rows."""
        self.writable("marking the indexes stale")
        self.conn.execute("INSERT OR REPLACE INTO store_meta (key, value) VALUES ('epoch', ?)", (secrets.token_hex(8),))

    # --- lookups ---------------------------------------------------------------------
    def find_by_sha256(self, sha256: str) -> str | None:
        """The id of the stored document with this content checksum, or None."""
        with self.reading("looking up a file's checksum"):
            row = self.conn.execute("SELECT id FROM documents WHERE sha256 = ?", (sha256,)).fetchone()
        return row["id"] if row else None

    def find_existing(self, path: str, record_id: str | None) -> str | None:
        """The document a new version of a file replaces: same record id, else same path."""
        with self.reading("looking up a stored file"):
            if record_id:
                row = self.conn.execute(
                    "SELECT id FROM documents WHERE record_id = ? ORDER BY ingested_at LIMIT 1", (record_id,)
                ).fetchone()
                if row:
                    return row["id"]
            row = self.conn.execute(
                "SELECT id FROM documents WHERE path = ? AND (record_id IS NULL OR record_id = ?) LIMIT 1",
                (path, record_id or ""),
            ).fetchone()
            if row is None:
                row = self.conn.execute(
                    "SELECT id FROM documents WHERE path = ? AND record_id IS NULL LIMIT 1", (path,)
                ).fetchone()
        return row["id"] if row else None

    def resolve_id(self, ident: str) -> str:
        """Accept a full id or a unique prefix of one (like git)."""
        with self.reading("looking up a document id"):
            row = self.conn.execute("SELECT id FROM documents WHERE id = ?", (ident,)).fetchone()
            if row:
                return row["id"]
            rows = self.conn.execute(
                "SELECT id FROM documents WHERE id LIKE ? ESCAPE '\\' LIMIT 2",
                (ident.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%",),
            ).fetchall()
        if len(rows) == 1:
            return rows[0]["id"]
        if len(rows) > 1:
            raise NotFound(f"document id prefix {ident!r} is ambiguous")
        raise NotFound(f"no document with id {ident!r}")

    def get(self, ident: str) -> Document:
        """The record ``ident`` (a full id or a unique prefix) as a typed Document; NotFound if none."""
        return Document.from_dict(self.get_dict(ident))

    def get_dict(self, ident: str) -> dict[str, Any]:
        """The record ``ident`` (full id or unique prefix) as the record JSON (a dict)."""
        doc_id = self.resolve_id(ident)
        with self.reading(f"reading document {doc_id}"):
            row = self.conn.execute(_RECORD_SQL + " WHERE d.id = ?", (doc_id,)).fetchone()
            return unpack_record(row[1], row[2], self.conn, row[0])

    def records(self, doc_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """The record JSON of each named document that is stored, by id (ids not stored are
        left out)."""
        return record_fields(self, doc_ids)

    def texts(self, doc_ids: Iterable[str], upto: dict[str, int] | None = None) -> dict[str, str]:
        """The text of each named document that is stored (the one place text is read from;
        a record without text maps to ``""``). Reads only the texts, never the records.
        ``upto``: for the documents it names, only the text's first ``upto[id]`` characters are
        needed (at least those are returned; the rest is not decompressed)."""
        out: dict[str, str] = {}
        ids = list(dict.fromkeys(doc_ids))
        with self.reading("reading document texts"):
            for i in range(0, len(ids), 500):
                chunk = ids[i : i + 500]
                for row in self.conn.execute(
                    f"SELECT d.id, t.text FROM documents d LEFT JOIN document_texts t"
                    f" ON t.doc_id = d.id WHERE d.id IN ({','.join('?' * len(chunk))})", chunk):
                    out[row[0]] = unpack_text(row[1], (upto or {}).get(row[0]))
        return out

    def titles_and_dates(self, doc_ids: Iterable[str]) -> dict[str, tuple[str | None, str | None]]:
        """(title, EDTF date) of each named document that is stored, read from an index alone."""
        ids = list(dict.fromkeys(doc_ids))
        with self.reading("reading document titles"):
            return {r[0]: (r[1], r[2]) for r in self.conn.execute(
                "SELECT id, title, date_edtf FROM documents INDEXED BY documents_titles"
                " WHERE id IN (SELECT value FROM json_each(?))", (json.dumps(ids),))}

    def ids(self, after: str = "", limit: int | None = None) -> list[str]:
        """The stored document ids in order, those after ``after`` (``limit`` at most)."""
        with self.reading("listing the document ids"):
            return [r[0] for r in self.conn.execute(
                "SELECT id FROM documents WHERE id > ? ORDER BY id LIMIT ?", (after, -1 if limit is None else limit))]

    def count(self) -> int:
        """How many documents are stored."""
        with self.reading("counting the documents"):
            return self.conn.execute("SELECT count(*) FROM documents").fetchone()[0]

    def list(self, limit: int | None = None, offset: int = 0, order: str = "date") -> list[dict[str, Any]]:
        """One summary row per document (id, title, date, type, classification, language, path,
        format, layout, record id), ordered by ``date`` (undated last), ``title`` or ``ingested``."""
        order_sql = {
            "date": "date_earliest IS NULL, date_earliest, title",
            "title": "title",
            "ingested": "ingested_at",
        }[order]
        sql = (
            "SELECT id, title, date_edtf, date_earliest, date_latest, doc_type, classification, language,"
            f" path, format, layout, record_id FROM documents ORDER BY {order_sql} LIMIT ? OFFSET ?"
        )
        with self.reading("listing the documents"):
            rows = self.conn.execute(sql, (-1 if limit is None else limit, offset)).fetchall()
        return [dict(r) for r in rows]

    def iter_documents(self, batch: int = 200) -> Iterator[Document]:
        """Stream every record (does not load the whole store into memory)."""
        for rec in self.iter_records(batch):
            yield Document.from_dict(rec)

    def iter_records(self, batch: int = 200) -> Iterator[dict[str, Any]]:
        """Stream every record as the record JSON, by id, ``batch`` rows at a time."""
        last = ""
        while True:
            with self.reading("reading the records"):
                rows = self.conn.execute(
                    _RECORD_SQL + " WHERE d.id > ? ORDER BY d.id LIMIT ?", (last, batch)).fetchall()
                if not rows:
                    return
                recs = unpack_records([(row[0], row[1], row[2]) for row in rows], self.conn)
            yield from recs
            last = rows[-1][0]

    # --- writes ----------------------------------------------------------------------
    def upsert(self, doc: Document) -> str:
        """Store ``doc``. Returns ``added``, ``updated`` or ``unchanged``; sets ``doc.id``.

        Same content (sha256) as a stored record: unchanged. A new version of a stored
        file (same record id, or same path): updated, keeping the stored id.
        """
        prov = doc.provenance
        if prov is None:
            raise StoreError("document has no provenance (path, sha256)")
        same = self.find_by_sha256(prov.sha256)
        if same:
            doc.id = same
            return "unchanged"
        existing = self.find_existing(prov.path, doc.record_id)
        status = "updated" if existing else "added"
        if existing:
            doc.id = existing
        self.write(doc, status)
        return status

    def write(self, doc: Document, op: str = "upsert", record: dict[str, Any] | None = None,
              only: Iterable[str] | None = None) -> None:
        """Write a record and all derived rows in one transaction (all or nothing).

        ``record``: ``doc.to_dict()`` when the caller has it already (a record is serialised
        once per write); ``only``: the names of the indexers to write (default: all)."""
        prov = doc.provenance
        if prov is None:
            raise StoreError("document has no provenance (path, sha256)")
        record = doc.to_dict() if record is None else record
        now = _now()
        lang = doc.languages[0] if doc.languages else None
        ixs = indexers.indexers()
        if only is not None:
            ixs = [ix for ix in ixs if ix.name in set(only)]
        try:
            with self.writing(f"storing document {doc.id}"):
                cur = self.conn.execute(
                    "INSERT INTO changes (doc_id, op, at) VALUES (?, 'upsert', ?)", (doc.id, now)
                )
                seq = cur.lastrowid
                # the mentions the entities indexer stores in this write are read back from their rows
                rows = entities.mention_rows(doc) if any(ix.write is entities.write for ix in ixs) else None
                body, text = pack_encoded(self.conn, record, rows)
                self.conn.execute(
                    """INSERT INTO documents (id, sha256, path, record_id, title, date_edtf, date_earliest,
                        date_latest, doc_type, classification, language, format, layout, record,
                        ingested_at, updated_at, seq)
                    VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
                    ON CONFLICT(id) DO UPDATE SET sha256=excluded.sha256, path=excluded.path,
                        record_id=excluded.record_id, title=excluded.title, date_edtf=excluded.date_edtf,
                        date_earliest=excluded.date_earliest, date_latest=excluded.date_latest,
                        doc_type=excluded.doc_type, classification=excluded.classification,
                        language=excluded.language, format=excluded.format, layout=excluded.layout,
                        record=excluded.record, updated_at=excluded.updated_at, seq=excluded.seq""",
                    (
                        doc.id, prov.sha256, prov.path, doc.record_id, doc.title, doc.date.edtf,
                        doc.date.earliest, doc.date.latest, doc.doc_type, doc.classification, lang,
                        prov.format, prov.layout, body, now, now, seq,
                    ),
                )
                self.conn.execute(
                    "INSERT INTO document_texts (doc_id, text) VALUES (?, ?)"
                    " ON CONFLICT(doc_id) DO UPDATE SET text = excluded.text", (doc.id, text))
                for ix in ixs:
                    ix.delete(self.conn, doc.id)
                    ix.write(self.conn, doc)
        except StoreError as exc:
            if exc.path == prov.path:
                raise
            raise type(exc)(exc.message, prov.path) from exc

    def rederive(self, skip: tuple[str, ...] = ("search",), batch: int = 500) -> int:
        """Rewrite every derived row (archival references, mentions, claims ...) from the
        stored records, a batch of records per transaction; return the records read. The
        indexers named in ``skip`` are left alone (the search rows have their own rebuild)."""
        ixs = [ix for ix in indexers.indexers() if ix.name not in skip]
        n, last = 0, ""
        with self.writing("removing the derived rows of documents not stored"):
            for table in derived_tables(self.conn):
                if not any(table.startswith(name + "_") for name in skip):
                    self.conn.execute(f'DELETE FROM "{table}" WHERE doc_id NOT IN (SELECT id FROM documents)')
        while True:
            with self.writing("rewriting the derived rows"):
                rows = self.conn.execute(
                    _RECORD_SQL + " WHERE d.id > ? ORDER BY d.id LIMIT ?", (last, batch)).fetchall()
                for row, rec in zip(rows, unpack_records([(r[0], r[1], r[2]) for r in rows], self.conn), strict=True):
                    doc = Document.from_dict(rec)
                    doc.id = row[0]
                    for ix in ixs:
                        ix.delete(self.conn, doc.id)
                        ix.write(self.conn, doc)
            if not rows:
                with self.writing("rebuilding the aggregates"):
                    aggregates.rebuild(self.conn)
                return n
            n += len(rows)
            last = rows[-1][0]

    def delete(self, ident: str) -> None:
        """Delete a document, its derived rows, and note the deletion in the change journal."""
        doc_id = self.resolve_id(ident)
        with self.writing(f"deleting document {doc_id}"):
            for ix in indexers.indexers():
                ix.delete(self.conn, doc_id)
            self.conn.execute("DELETE FROM document_texts WHERE doc_id = ?", (doc_id,))
            self.conn.execute("DELETE FROM documents WHERE id = ?", (doc_id,))
            self.conn.execute(
                "INSERT INTO changes (doc_id, op, at) VALUES (?, 'delete', ?)", (doc_id, _now())
            )

    def last_seq(self) -> int:
        """The sequence number of the latest change in the journal (0 when empty)."""
        with self.reading("reading the change journal"):
            row = self.conn.execute("SELECT max(seq) FROM changes").fetchone()
        return row[0] or 0

    # --- ingest log and corrections --------------------------------------------------
    def log_ingest(self, path: str, sha256: str | None, status: str, error: str | None, doc_id: str | None) -> bool:
        """Add a line to the ingest log. On a full disk the line is dropped (returns False)
        rather than raised: the batch reports the file's failure and goes on."""
        try:
            with self.writing("writing the ingest log"):
                self.conn.execute(
                    "INSERT INTO ingest_log (path, sha256, status, error, doc_id, at) VALUES (?,?,?,?,?,?)",
                    (path, sha256, status, error, doc_id, _now()),
                )
        except StoreError as exc:
            if not exc.message.startswith("disk full"):
                raise
            return False
        return True

    def ingest_log(self) -> list[dict[str, Any]]:
        """Every line of the ingest log, oldest first."""
        with self.reading("reading the ingest log"):
            rows = self.conn.execute(
                "SELECT path, sha256, status, error, doc_id, at FROM ingest_log ORDER BY rowid").fetchall()
        return [dict(r) for r in rows]

    def add_correction(self, kind: str, args: dict[str, Any], author: str | None = None) -> int:
        """Store a curator correction (``entity.merge``, ``entity.rename`` …) made by ``author``
        (an account name; None: the command line) and return its id; it is applied to records
        by ``opis.authority.curation``."""
        with self.writing("storing a correction"):
            cur = self.conn.execute(
                "INSERT INTO corrections (kind, args, created_at, author) VALUES (?,?,?,?)",
                (kind, json.dumps(args, ensure_ascii=False), _now(), author),
            )
        return cur.lastrowid

    def corrections(self) -> list[dict[str, Any]]:
        """Every stored correction, oldest first: ``{id, kind, args, created_at, author}``."""
        with self.reading("reading the corrections"):
            rows = self.conn.execute(
                "SELECT id, kind, args, created_at, author FROM corrections ORDER BY id").fetchall()
            return [{"id": r["id"], "kind": r["kind"], "args": json.loads(r["args"]), "created_at": r["created_at"],
                     "author": r["author"]} for r in rows]
