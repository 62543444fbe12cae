"""The SQL of moving an archive from one store to another (SQLite or PostgreSQL, either way):
which tables are kept and which are derived, emptying a target, copying rows as they are,
and counting them. :mod:`opis.move` holds the steps and the checks.

What is **kept** is everything that cannot be computed again from the records: the change
journal, the curator corrections and the audit trail, accounts and API tokens, uploads, the
ingest log, saved searches, and any table a later migration adds that is neither keyed by
document (``doc_id``, derived: :func:`opis.store.sqlite.derived_tables`) nor one of the kept
counts and indexes below (a new table is copied by default, so nothing is lost silently).
Sessions and failed logins are left behind: people sign in again on the new store. The
records themselves go through the store's own write path (:func:`write_documents`), which
writes their derived rows in the same transaction.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from opis.model import Document
from opis.store.engine import dialect_of
from opis.store.sqlite import OTHERS, derived_tables

#: never copied: bookkeeping of the store itself, and what lasts only a session
LEFT_BEHIND = frozenset({"schema_migrations", "store_meta", "sqlite_sequence", "sessions", "login_failures"})
#: the records and their texts: written through the store (:func:`write_documents`)
RECORDS = frozenset({"documents", "document_texts"})
#: tables without a doc_id column that are still computed from the records (kept counts, lists,
#: the codec's entity table, the search engine's rows): rebuilt on the target, never copied
COMPUTED = frozenset({"entities", "entity_names", "entity_surfaces", "archive_nodes", "claim_kinds", "date_spans",
                      "document_type_counts", "timeline_years", "record_entities", "entity_access"})
#: kept tables a migration seeds with rows of its own (the default public collection and its
#: access key): not counted as the target's content, emptied on the target before their copy
SEEDED = frozenset({"collections", "access_keys", "access_key_members"})
SEARCH_PREFIX = "search_"  # search_docs, search_fts*, search_meta, search_words: the search engine's
FIRST = ("users", "collections", "access_keys")  # copied before the tables that refer to them (api_tokens.user_id ...)
BATCH = 500
STATE_KEY = "copy_state"  # store_meta: 'running' while a copy writes the target, 'done' after
SOURCE_KEY = "copy_source"


def kept_tables(conn) -> list[str]:
    """The tables whose rows are copied as they are, in the order they are copied."""
    derived = set(derived_tables(conn))
    names = [t for t in dialect_of(conn).tables(conn)
             if t not in LEFT_BEHIND | RECORDS | COMPUTED and t not in derived
             and not t.startswith(OTHERS) and not t.startswith(SEARCH_PREFIX)]
    return sorted(names, key=lambda t: (t not in FIRST, t))


def count(conn, table: str) -> int:
    """The rows of ``table``."""
    return int(conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0])


def occupied(conn) -> dict[str, int]:
    """The tables of a store that hold rows a copy would overwrite (records and kept tables), with their counts."""
    out = {}
    for table in ["documents", *(t for t in kept_tables(conn) if t not in SEEDED)]:
        n = count(conn, table)
        if n:
            out[table] = n
    return out


def meta(conn, key: str) -> str | None:
    """A value of ``store_meta``."""
    row = conn.execute("SELECT value FROM store_meta WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


def set_meta(conn, key: str, value: str | None) -> None:
    """Set (or, None, remove) a value of ``store_meta``; call inside a write."""
    conn.execute("DELETE FROM store_meta WHERE key = ?", (key,))
    if value is not None:
        conn.execute("INSERT INTO store_meta (key, value) VALUES (?, ?)", (key, value))


def mark(target, state: str, source: str | None) -> None:
    """Note in the target's ``store_meta`` that a copy from ``source`` is ``running`` (a copy
    that finds this for the same source starts again) or ``done`` (the source is forgotten)."""
    with target.writing(f"marking the copy as {state}"):
        set_meta(target.conn, STATE_KEY, state)
        set_meta(target.conn, SOURCE_KEY, source)


def empty_postgres(conn) -> None:
    """Empty every table of a PostgreSQL store but the list of migrations (and another part's
    tables), restarting their identities; call inside a write."""
    tables = [t for t in dialect_of(conn).tables(conn) if t != "schema_migrations" and not t.startswith(OTHERS)]
    if tables:
        conn.execute_raw("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE")


def _order(conn, table: str, columns: list[str]) -> str:
    """How to read a table in the order its rows were written (SQLite's rowid; PostgreSQL's
    ``rowid`` column, else the identity column, else the first column)."""
    if dialect_of(conn).name == "sqlite":
        return "rowid"
    if "rowid" in columns:
        return '"rowid"'
    identity = conn.catalog.identity.get(table)
    return f'"{identity}"' if identity else "1"


def rows(conn, sql: str, size: int = BATCH) -> Iterator[list[Any]]:
    """The rows of a query (no parameters), ``size`` at a time, without loading them all: a server-side
    cursor on PostgreSQL (inside the caller's read transaction), SQLite's own cursor otherwise."""
    if dialect_of(conn).name == "sqlite":
        cur = conn.execute(sql)
        while chunk := cur.fetchmany(size):
            yield [tuple(r) for r in chunk]
        return
    if not conn.in_transaction:
        conn.execute_raw("BEGIN ISOLATION LEVEL REPEATABLE READ")
    with conn.raw.cursor(name="opis_copy") as cur:
        cur.execute(sql)
        while chunk := cur.fetchmany(size):
            yield [tuple(r) for r in chunk]


def copy_table(source, target, table: str) -> int:
    """Copy every row of ``table`` from the source store to the target store (the columns both
    have, ids included, in the order they were written); return the rows copied. The target's
    identity counters are moved past the copied ids (:func:`reset_identity`)."""
    src_cols = dialect_of(source.conn).columns(source.conn, table)
    dst_cols = set(dialect_of(target.conn).columns(target.conn, table))
    cols = [c for c in src_cols if c in dst_cols and c != "rowid"]  # (PostgreSQL's rowid is generated)
    if not cols:
        return 0
    names = ", ".join(f'"{c}"' for c in cols)
    insert = f'INSERT INTO "{table}" ({names}) VALUES ({", ".join("?" * len(cols))})'
    n = 0
    if table in SEEDED:
        with target.writing(f"emptying {table}"):
            target.conn.execute(f'DELETE FROM "{table}"')
    with source.reading(f"reading {table}"):
        for chunk in rows(source.conn, f'SELECT {names} FROM "{table}" ORDER BY {_order(source.conn, table, src_cols)}'):
            with target.writing(f"copying {table}"):
                target.conn.executemany(insert, [_value_row(r) for r in chunk])
            n += len(chunk)
    reset_identity(target, table)
    return n


def _value_row(row: tuple) -> tuple:
    """A row as the other engine takes it (a PostgreSQL ``memoryview`` of bytes as ``bytes``)."""
    return tuple(bytes(v) if isinstance(v, memoryview) else v for v in row)


def reset_identity(target, table: str) -> None:
    """On PostgreSQL, move the identity counter of ``table`` past its largest id (SQLite's
    AUTOINCREMENT follows inserted ids by itself)."""
    conn = target.conn
    if dialect_of(conn).name == "sqlite":
        return
    column = conn.catalog.identity.get(table)
    if not column:
        return
    with target.writing(f"moving the id counter of {table}"):
        conn.execute_raw(
            f'SELECT setval(pg_get_serial_sequence(%s, %s), coalesce(max("{column}"), 1), max("{column}") IS NOT NULL)'
            f' FROM "{table}"', (f'"{table}"', column))


def document_times(store, doc_ids: list[str]) -> dict[str, tuple[str, str, int, int]]:
    """(ingested_at, updated_at, seq, access key) of each named document."""
    with store.reading("reading ingest times"):
        return {r[0]: (r[1], r[2], int(r[3] or 0), int(r[4] or 1)) for r in store.conn.execute(
            "SELECT id, ingested_at, updated_at, seq, access_key FROM documents"
            " WHERE id IN (SELECT value FROM json_each(?))", (json.dumps(doc_ids),))}


def write_documents(target, records: list[dict[str, Any]], times: dict[str, tuple[str, str, int, int]]) -> None:
    """Write records through the target store's write path (the record as stored, its text and
    every derived row), in one transaction, and give each document its times, journal
    position and access key (its collections) as they were in the source."""
    with target.batch("copying documents"):
        for record in records:
            doc = Document.from_dict(record)
            doc.id = record["id"]
            target.write(doc, record=record)
        target.conn.executemany("UPDATE documents SET ingested_at = ?, updated_at = ?, seq = ?, access_key = ?"
                                " WHERE id = ?",
                                [(*times[r["id"]], r["id"]) for r in records if r["id"] in times])


def clear_journal(target) -> None:
    """Remove the change journal the copy's own writes made (the source's is copied after)."""
    with target.writing("clearing the change journal"):
        target.conn.execute("DELETE FROM changes")


def upload_keys(store) -> list[str]:
    """The file store keys of every upload (the originals a copy takes along)."""
    with store.reading("reading the uploads"):
        return [r[0] for r in store.conn.execute("SELECT DISTINCT key FROM uploads ORDER BY key").fetchall()]
