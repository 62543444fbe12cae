"""The SQL of saved searches (``0020_saved_searches.sql``) and of the change-journal reads that
tell what is new since a visit.

Portable SQL only (``?`` placeholders, ``json_each(?)``): it runs on SQLite and, through the
store's dialect layer, on PostgreSQL. Every function takes the :class:`~opis.store.Store`;
:mod:`opis.saved` holds the rules. The local owner of an embedded archive (no account) is
``user_id`` None, stored as NULL and compared as 0 (no account has id 0).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from opis.errors import NotFound

_COLUMNS = ("id, user_id, name, query, exact, created_at, visited_at, visited_seq, feed_prefix, feed_created_at,"
            " feed_hash IS NOT NULL")
LOCAL = 0  # user_id of the local owner in comparisons (coalesce(user_id, 0))


@dataclass(frozen=True)
class SavedRow:
    """A saved search as stored (its feed token's digest never leaves the store)."""

    id: int
    user_id: int | None
    name: str
    query: str
    exact: bool
    created_at: str
    visited_at: str
    visited_seq: int
    feed_prefix: str | None
    feed_created_at: str | None
    has_feed: bool


def _row(r: Any) -> SavedRow:
    return SavedRow(r[0], r[1], r[2], r[3], bool(r[4]), r[5], r[6], int(r[7] or 0), r[8], r[9], bool(r[10]))


def now_text() -> str:
    """The time as ``documents.ingested_at`` stores it (UTC, seconds, ISO 8601)."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def _owner(user_id: int | None) -> int:
    return LOCAL if user_id is None else int(user_id)


def last_seq(store) -> int:
    """The change journal's latest sequence number (0 when empty)."""
    with store.reading("reading the change journal"):
        row = store.conn.execute("SELECT max(seq) FROM changes").fetchone()
    return int(row[0] or 0)


def add(store, user_id: int | None, name: str, query: str, exact: bool) -> SavedRow:
    """Store a new saved search, visited now (nothing is new at first)."""
    now, seq = now_text(), last_seq(store)
    with store.writing(f"saving the search {name!r}"):
        cur = store.conn.execute(
            "INSERT INTO saved_searches (user_id, name, query, exact, created_at, visited_at, visited_seq)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)", (user_id, name, query, 1 if exact else 0, now, now, seq))
        saved_id = cur.lastrowid
    return get(store, saved_id)


def get(store, saved_id: int) -> SavedRow:
    """One saved search; NotFound if none."""
    with store.reading("reading a saved search"):
        r = store.conn.execute(f"SELECT {_COLUMNS} FROM saved_searches WHERE id = ?", (saved_id,)).fetchone()
    if r is None:
        raise NotFound(f"no saved search #{saved_id}")
    return _row(r)


def of_owner(store, user_id: int | None) -> list[SavedRow]:
    """The saved searches of one owner, by name."""
    with store.reading("listing saved searches"):
        rows = store.conn.execute(
            f"SELECT {_COLUMNS} FROM saved_searches WHERE coalesce(user_id, 0) = ? ORDER BY name, id",
            (_owner(user_id),)).fetchall()
    return [_row(r) for r in rows]


def by_name(store, user_id: int | None, name: str) -> SavedRow | None:
    """The owner's saved search called ``name``, or None."""
    with store.reading("reading a saved search"):
        r = store.conn.execute(
            f"SELECT {_COLUMNS} FROM saved_searches WHERE coalesce(user_id, 0) = ? AND name = ?",
            (_owner(user_id), name)).fetchone()
    return _row(r) if r else None


def update(store, saved_id: int, **values: Any) -> None:
    """Set ``name``, ``query`` or ``exact`` of a saved search."""
    allowed = {"name", "query", "exact"}
    if not values or set(values) - allowed:
        raise ValueError(f"cannot update {sorted(set(values) - allowed)}")
    if "exact" in values:
        values["exact"] = 1 if values["exact"] else 0
    sets = ", ".join(f"{k} = ?" for k in values)
    with store.writing("updating a saved search"):
        store.conn.execute(f"UPDATE saved_searches SET {sets} WHERE id = ?", (*values.values(), saved_id))


def visit(store, saved_id: int, at: str, seq: int) -> None:
    """Note a visit: the documents ingested after ``at`` (journal after ``seq``) are new from now on."""
    with store.writing("noting a visit of a saved search"):
        store.conn.execute("UPDATE saved_searches SET visited_at = ?, visited_seq = ? WHERE id = ?",
                           (at, seq, saved_id))


def remove(store, saved_id: int) -> bool:
    """Delete a saved search; whether there was one."""
    with store.writing("removing a saved search"):
        cur = store.conn.execute("DELETE FROM saved_searches WHERE id = ?", (saved_id,))
    return cur.rowcount > 0


def set_feed(store, saved_id: int, token_hash: str | None, prefix: str | None) -> None:
    """Store the digest of a new feed token (replacing any older one), or revoke the feed (None)."""
    with store.writing("setting a saved search's feed token"):
        store.conn.execute(
            "UPDATE saved_searches SET feed_hash = ?, feed_prefix = ?, feed_created_at = ? WHERE id = ?",
            (token_hash, prefix, now_text() if token_hash else None, saved_id))


def feed_hash(store, saved_id: int) -> str | None:
    """The digest of the live feed token of a saved search (None: no feed)."""
    with store.reading("checking a feed token"):
        r = store.conn.execute("SELECT feed_hash FROM saved_searches WHERE id = ?", (saved_id,)).fetchone()
    return r[0] if r else None


def new_since(store, at: str, seq: int, limit: int = 100_000) -> list[str]:
    """The documents first ingested after a visit at ``at`` when the journal stood at ``seq``:
    read from the changes after ``seq`` (a range of the journal's key), kept when the document's
    ``ingested_at`` is later than ``at`` (a new version of a file seen before is not new; one
    ingested in the second of the visit is new when the journal had no change of it then)."""
    sql = ("SELECT DISTINCT d.id FROM changes c JOIN documents d ON d.id = c.doc_id"
           " WHERE c.seq > ? AND c.op = 'upsert' AND (d.ingested_at > ? OR (d.ingested_at = ? AND NOT EXISTS"
           " (SELECT 1 FROM changes p WHERE p.doc_id = d.id AND p.seq <= ?))) LIMIT ?")
    with store.reading("reading the change journal"):
        return [r[0] for r in store.conn.execute(sql, (seq, at, at, seq, limit)).fetchall()]


def recent(store, limit: int = 500) -> list[str]:
    """The ids of the ``limit`` documents most recently ingested or changed, newest first (read
    from the end of the change journal; documents deleted since are left out)."""
    out: list[str] = []
    seen: set[str] = set()
    before, page = None, max(limit * 2, 100)
    with store.reading("reading the change journal"):
        while len(out) < limit:
            sql, args = "SELECT seq, doc_id FROM changes WHERE op = 'upsert'", []
            if before is not None:
                sql += " AND seq < ?"
                args.append(before)
            rows = store.conn.execute(sql + " ORDER BY seq DESC LIMIT ?", (*args, page)).fetchall()
            if not rows:
                break
            fresh = [r[1] for r in rows if r[1] not in seen]
            seen.update(fresh)
            stored = {r[0] for r in store.conn.execute(
                "SELECT id FROM documents WHERE id IN (SELECT value FROM json_each(?))", (json.dumps(fresh),))}
            out += [d for d in dict.fromkeys(fresh) if d in stored]
            before = rows[-1][0]
    return out[:limit]


def times(store, doc_ids: list[str]) -> dict[str, tuple[str, str]]:
    """(ingested_at, updated_at) of each named stored document."""
    with store.reading("reading ingest times"):
        return {r[0]: (r[1], r[2]) for r in store.conn.execute(
            "SELECT id, ingested_at, updated_at FROM documents WHERE id IN (SELECT value FROM json_each(?))",
            (json.dumps(list(doc_ids)),))}
