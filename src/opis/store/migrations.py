"""Schema migrations: the ``*.sql`` files beside this module, applied once each, in name order.

Each area of opis owns its own file (``0001_core.sql``, ``0002_archrefs.sql`` ...). Applying
is atomic and serialised between processes: each pending file is applied in its own
``BEGIN IMMEDIATE`` transaction together with its ``schema_migrations`` row, and the list of
applied files is read again once the write lock is held, so of several processes opening a
fresh database at once one applies each file and the others wait (the connection's busy
timeout) and then find it applied. A crash mid-file rolls the whole file back.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from importlib import resources

from opis.store.engine import dialect_of

_TABLE = "CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"


def migration_files(engine: str = "sqlite") -> list[tuple[str, str]]:
    """Every migration shipped with opis for ``engine`` (``sqlite``: the files beside this module;
    ``postgresql``: those of ``migrations/postgresql/``) as ``(file name, SQL)``, in the order
    they apply."""
    folder = resources.files("opis.store") / "migrations"
    if engine == "postgresql":
        folder = folder / "postgresql"
    files = sorted(
        (f.name, f.read_text(encoding="utf-8")) for f in folder.iterdir() if f.name.endswith(".sql")
    )
    return files


def schema_version(names: set[str]) -> int:
    """The number of the latest migration among ``names`` (``0016_baseline.sql`` -> 16)."""
    return max((int(n[:4]) for n in names if n[:4].isdigit()), default=0)


def applied(conn: sqlite3.Connection) -> set[str]:
    """The names of the migrations recorded in the database (empty for a fresh one)."""
    if not dialect_of(conn).has_table(conn, "schema_migrations"):
        return set()
    return {row[0] for row in conn.execute("SELECT name FROM schema_migrations")}


def migrate(conn: sqlite3.Connection) -> list[str]:
    """Apply pending migrations; return the names applied (by this connection).

    Needs a connection with a busy timeout (``sqlite3.connect(..., timeout=...)``) and not
    inside a transaction. A PostgreSQL connection applies the PostgreSQL migrations
    (:func:`migrate_postgres`)."""
    if dialect_of(conn).name == "postgresql":
        return migrate_postgres(conn)
    files = migration_files()
    if {name for name, _ in files} <= applied(conn):
        return []  # the common case: nothing to do, no write lock taken
    done: list[str] = []
    for name, sql in files:
        _begin_immediate(conn)
        try:
            conn.execute(_TABLE)
            if conn.execute("SELECT 1 FROM schema_migrations WHERE name = ?", (name,)).fetchone():
                conn.rollback()  # applied meanwhile (by another process), or before
                continue
            for statement in _statements(sql):
                conn.execute(statement)
            if name in DATA_STEPS:
                DATA_STEPS[name](conn)
            conn.execute(
                "INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)",
                (name, datetime.now(UTC).isoformat(timespec="seconds")),
            )
            conn.commit()
        except BaseException:
            conn.rollback()
            raise
        done.append(name)
    return done


def _pack_records(conn: sqlite3.Connection, batch: int = 500) -> None:
    """0011_storage.sql: each record's JSON compressed, its text moved to ``document_texts``."""
    from opis.store.documents import pack_record

    last = ""
    while True:
        rows = conn.execute(
            "SELECT id, record FROM documents WHERE id > ? AND typeof(record) = 'text' ORDER BY id LIMIT ?",
            (last, batch)).fetchall()
        if not rows:
            return
        for doc_id, record in rows:
            body, text = pack_record(json.loads(record))
            conn.execute("UPDATE documents SET record = ? WHERE id = ?", (body, doc_id))
            conn.execute("INSERT OR REPLACE INTO document_texts (doc_id, text) VALUES (?, ?)", (doc_id, text))
        last = rows[-1][0]


#: migrations whose data a Python step rewrites, in the same transaction as their SQL
def _link_claims(conn: sqlite3.Connection, batch: int = 500) -> None:
    """0014_claim_links.sql: the claims of documents stored before 0009 written again by the
    claims indexer (which sets each claim's sentence offsets and its entity links)."""
    from opis.model import Document
    from opis.store import claims
    from opis.store.documents import unpack_record

    _event_sentences(conn)  # the claims indexer of today writes them
    last = ""
    while True:
        rows = conn.execute(
            "SELECT d.id, d.record, t.text FROM documents d LEFT JOIN document_texts t ON t.doc_id = d.id"
            " WHERE d.id > ? AND EXISTS (SELECT 1 FROM claims c WHERE c.doc_id = d.id AND c.sentence_start IS NULL)"
            " ORDER BY d.id LIMIT ?", (last, batch)).fetchall()
        if not rows:
            return
        for doc_id, record, text in rows:
            doc = Document.from_dict(unpack_record(record, text, conn, doc_id))
            doc.id = doc_id
            claims.delete(conn, doc_id)
            claims.write(conn, doc)
        last = rows[-1][0]


def _event_sentences(conn: sqlite3.Connection) -> None:
    """0015_compact.sql: the columns sentence_start, sentence_end of events (added once: the
    claims indexer of 0014's step may have added them already)."""
    have = {r[1] for r in conn.execute("PRAGMA table_info(events)")}
    for column in ("sentence_start", "sentence_end"):
        if column not in have:
            conn.execute(f"ALTER TABLE events ADD COLUMN {column} INTEGER")


def _encode_records(conn: sqlite3.Connection, batch: int = 500) -> None:
    """0017_size.sql: every record encoded (opis.store.codec), its entities into ``record_entities``
    and its mentions read from their rows where these give them back exactly."""
    from opis.store import codec
    from opis.store.documents import pack_encoded, unpack_records

    last = ""
    while True:
        rows = conn.execute(
            "SELECT d.id, d.record, t.text FROM documents d LEFT JOIN document_texts t ON t.doc_id = d.id"
            " WHERE d.id > ? ORDER BY d.id LIMIT ?", (last, batch)).fetchall()
        if not rows:
            return
        stored = codec.mention_rows(conn, [r[0] for r in rows])
        for (doc_id, _, _), record in zip(rows, unpack_records([tuple(r) for r in rows], conn), strict=True):
            body, _text = pack_encoded(conn, record, stored.get(doc_id, []))
            conn.execute("UPDATE documents SET record = ? WHERE id = ?", (body, doc_id))
        last = rows[-1][0]


DATA_STEPS = {"0011_storage.sql": _pack_records, "0014_claim_links.sql": _link_claims,
              "0015_compact.sql": _event_sentences, "0017_size.sql": _encode_records}
#: the steps above rewrite data of SQLite databases made before schema version 16; a PostgreSQL
#: database starts at 16 (``postgresql/0016_baseline.sql``), so they never apply to one. A data
#: step of a migration numbered above 16 runs on both engines (the name of its PostgreSQL twin).
SQLITE_ONLY_STEPS = frozenset(name for name in DATA_STEPS if int(name[:4]) <= 16)
PG_LOCK = 0x6F706D67  # the advisory lock that serialises migrations between processes ("opmg")


def migrate_postgres(conn) -> list[str]:
    """Apply the pending PostgreSQL migrations (``migrations/postgresql/``), each file in one
    transaction with its ``schema_migrations`` row, serialised between processes by an advisory
    lock (the list of applied files is read again once it is held). A fresh database starts at
    ``0016_baseline.sql``: the schema of SQLite's migrations up to 0016, recorded as version 16."""
    files = migration_files("postgresql")
    conn.schema = frozenset(applied(conn))
    if {name for name, _ in files} <= conn.schema:
        return []
    done: list[str] = []
    for name, sql in files:
        conn.execute_raw("BEGIN")  # (READ COMMITTED: the check below sees what the lock's last holder did)
        try:
            conn.execute("SELECT pg_advisory_xact_lock(?)", (PG_LOCK,))
            conn.execute(_TABLE)
            if conn.execute("SELECT 1 FROM schema_migrations WHERE name = ?", (name,)).fetchone():
                conn.rollback()
                continue
            from opis.store import visibility

            visibility.drop_pg_views(conn)  # (they name the columns a migration may change)
            conn.executescript(sql)
            if name in DATA_STEPS and name not in SQLITE_ONLY_STEPS:
                DATA_STEPS[name](conn)
            if int(name[:4]) >= visibility.PG_VIEWS_FROM:
                conn.forget_catalog()
                visibility.make_pg_views(conn)
            conn.execute("INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)",
                         (name, datetime.now(UTC).isoformat(timespec="seconds")))
            conn.commit()
        except BaseException:
            conn.rollback()
            raise
        conn.forget_catalog()
        done.append(name)
    conn.schema = frozenset(applied(conn))
    return done


def _begin_immediate(conn: sqlite3.Connection) -> None:
    """Take the database's write lock now (waiting for it up to the busy timeout)."""
    if conn.in_transaction:
        conn.commit()
    conn.execute("BEGIN IMMEDIATE")


def _statements(sql: str) -> list[str]:
    """Split a migration into statements (complete_statement handles triggers and strings)."""
    out, buf = [], ""
    for line in sql.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            if buf.strip():
                out.append(buf)
            buf = ""
    if buf.strip() and not all(ln.strip().startswith("--") or not ln.strip() for ln in buf.splitlines()):
        out.append(buf)
    return out
