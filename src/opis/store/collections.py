"""Collections and access keys in the store (``migrations/0019_collections.sql``).

A document's collections are its access key (``documents.access_key``): the id of the sorted
set of its collections in ``access_keys``. Who may see what is answered here in one query,
:func:`hidden_keys`: the keys none of whose collections a reader may see. Assigning documents
to collections changes their key and notes them in the change journal, so every search index
replica re-indexes them (with their new key).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from opis.errors import NotFound

DEFAULT = "public"  # the collection of every document given none (id 1, made by the migration)
DEFAULT_ID = 1
VISIBILITIES = ("public", "restricted")


@dataclass
class CollectionRow:
    """One collection: its name, title, visibility, the accounts granted it and its documents."""

    id: int
    name: str
    title: str | None
    visibility: str
    created: str
    documents: int = 0
    users: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The collection as JSON (``GET /api/collections``)."""
        return {"id": self.id, "name": self.name, "title": self.title, "visibility": self.visibility,
                "created": self.created, "documents": self.documents, "users": self.users}


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def has_restricted(store) -> bool:
    """Whether any collection is restricted (else every reader sees everything)."""
    with store.reading("reading the collections"):
        return store.conn.execute(
            "SELECT 1 FROM collections WHERE visibility = 'restricted' LIMIT 1").fetchone() is not None


def hidden_keys(store, user_id: int | None) -> list[int]:
    """The access keys of the documents the account ``user_id`` (None: anonymous) may not see:
    those none of whose collections is public or granted to it. THE visibility rule."""
    with store.reading("reading who may see what"):
        return [r[0] for r in store.conn.execute(
            """SELECT k.id FROM access_keys k WHERE NOT EXISTS (
                   SELECT 1 FROM access_key_members m JOIN collections c ON c.id = m.collection_id
                   WHERE m.key_id = k.id AND (c.visibility = 'public' OR EXISTS (
                       SELECT 1 FROM collection_access a WHERE a.collection_id = c.id AND a.user_id = ?)))
               ORDER BY k.id""", (-1 if user_id is None else user_id,))]


def _rows(store, where: str = "", args: tuple = ()) -> list[CollectionRow]:
    conn = store.conn
    with store.reading("reading the collections"):
        rows = [CollectionRow(r[0], r[1], r[2], r[3], r[4]) for r in conn.execute(
            f"SELECT id, name, title, visibility, created FROM collections {where} ORDER BY name", args)]
        if not rows:
            return rows
        by_id = {r.id: r for r in rows}
        for cid, n in conn.execute(
                "SELECT m.collection_id, count(*) FROM documents d JOIN access_key_members m"
                " ON m.key_id = d.access_key GROUP BY m.collection_id"):
            if cid in by_id:
                by_id[cid].documents = n
        for cid, name in conn.execute(
                "SELECT a.collection_id, u.name FROM collection_access a JOIN users u ON u.id = a.user_id"
                " ORDER BY u.name"):
            if cid in by_id:
                by_id[cid].users.append(name)
    return rows


def list_collections(store) -> list[CollectionRow]:
    """Every collection, by name, with its documents counted and the accounts granted it."""
    return _rows(store)


def get(store, name: str) -> CollectionRow:
    """One collection by name; NotFound if there is none."""
    found = _rows(store, "WHERE name = ?", (name,))
    if not found:
        raise NotFound(f"no collection named {name!r} (see 'opis collections list')")
    return found[0]


def ids_of(store, names: Iterable[str]) -> list[int]:
    """The ids of the collections ``names``; NotFound for one that does not exist."""
    return [get(store, name).id for name in dict.fromkeys(names)]


def create(store, name: str, title: str | None, visibility: str) -> CollectionRow:
    """Make a collection (the caller checked the name and visibility)."""
    with store.writing(f"making the collection {name}"):
        store.conn.execute("INSERT INTO collections (name, title, visibility, created) VALUES (?, ?, ?, ?)",
                           (name, title, visibility, _now()))
    return get(store, name)


def set_visibility(store, name: str, visibility: str) -> CollectionRow:
    """Make a collection public or restricted."""
    row = get(store, name)
    with store.writing(f"changing the collection {name}"):
        store.conn.execute("UPDATE collections SET visibility = ? WHERE id = ?", (visibility, row.id))
        _journal_collection(store, row.id)
    return get(store, name)


def grant(store, name: str, user_id: int, allow: bool = True) -> CollectionRow:
    """Grant the account ``user_id`` access to a collection (``allow=False``: revoke it)."""
    row = get(store, name)
    with store.writing(f"granting the collection {name}"):
        if allow:
            store.conn.execute("INSERT OR IGNORE INTO collection_access (collection_id, user_id) VALUES (?, ?)",
                               (row.id, user_id))
        else:
            store.conn.execute("DELETE FROM collection_access WHERE collection_id = ? AND user_id = ?",
                               (row.id, user_id))
    return get(store, name)


def key_for(conn, collection_ids: Iterable[int]) -> int:
    """The access key of a set of collections (made when new); call inside a write."""
    ids = sorted(set(collection_ids)) or [DEFAULT_ID]
    text = ",".join(str(i) for i in ids)
    row = conn.execute("SELECT id FROM access_keys WHERE collections = ?", (text,)).fetchone()
    if row:
        return row[0]
    key = conn.execute("INSERT INTO access_keys (collections) VALUES (?)", (text,)).lastrowid
    if key is None:  # (PostgreSQL without an identity seen by lastrowid)
        key = conn.execute("SELECT id FROM access_keys WHERE collections = ?", (text,)).fetchone()[0]
    conn.executemany("INSERT INTO access_key_members (key_id, collection_id) VALUES (?, ?)", [(key, c) for c in ids])
    return key


def _members(conn, key: int) -> set[int]:
    return {r[0] for r in conn.execute("SELECT collection_id FROM access_key_members WHERE key_id = ?", (key,))}


def assign(store, doc_ids: Iterable[str], add: Iterable[int] = (), remove: Iterable[int] = ()) -> int:
    """Put documents in the collections ``add`` and take them out of ``remove``; return how many
    changed. A document only in the default collection that is put in others leaves it (given a
    collection, it is no longer public unless that one is); one taken out of all goes back into
    the default. Each changed document is noted in the change journal (the search replicas
    re-index it with its new key)."""
    add, remove = set(add), set(remove)
    changed = 0
    ids = list(dict.fromkeys(doc_ids))
    with store.writing("assigning documents to collections"):
        conn = store.conn
        keys: dict[int, set[int]] = {}
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            rows = conn.execute(f"SELECT id, access_key FROM documents WHERE id IN ({','.join('?' * len(chunk))})",
                                chunk).fetchall()
            for doc_id, key in rows:
                old = keys.setdefault(key, _members(conn, key))
                new = set(old)
                if add and new == {DEFAULT_ID} and DEFAULT_ID not in add:
                    new = set()
                new = (new | add) - remove
                new_key = key_for(conn, new)
                if new_key == key:
                    continue
                conn.execute("UPDATE documents SET access_key = ? WHERE id = ?", (new_key, doc_id))
                conn.execute("INSERT INTO changes (doc_id, op, at) VALUES (?, 'upsert', ?)", (doc_id, _now()))
                changed += 1
    return changed


def _journal_collection(store, collection_id: int) -> None:
    """Note the documents of a collection in the change journal (inside a write)."""
    store.conn.execute(
        "INSERT INTO changes (doc_id, op, at) SELECT d.id, 'upsert', ? FROM documents d"
        " JOIN access_key_members m ON m.key_id = d.access_key WHERE m.collection_id = ?", (_now(), collection_id))


def documents_in(store, name: str, limit: int = 50, offset: int = 0) -> list[str]:
    """The ids of a collection's documents, by id (``limit`` from ``offset``)."""
    row = get(store, name)
    with store.reading("listing a collection"):
        return [r[0] for r in store.conn.execute(
            "SELECT d.id FROM documents d JOIN access_key_members m ON m.key_id = d.access_key"
            " WHERE m.collection_id = ? ORDER BY d.id LIMIT ? OFFSET ?", (row.id, limit, offset))]


def keys_of(store, doc_ids: Iterable[str]) -> dict[str, int]:
    """The access key of each named document that is stored."""
    ids = list(dict.fromkeys(doc_ids))
    out: dict[str, int] = {}
    with store.reading("reading access keys"):
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            out.update((r[0], r[1]) for r in store.conn.execute(
                f"SELECT id, access_key FROM documents WHERE id IN ({','.join('?' * len(chunk))})", chunk))
    return out


def names_of(store, doc_id: str) -> list[str]:
    """The names of the collections a document is in."""
    with store.reading("reading a document's collections"):
        return [r[0] for r in store.conn.execute(
            "SELECT c.name FROM documents d JOIN access_key_members m ON m.key_id = d.access_key"
            " JOIN collections c ON c.id = m.collection_id WHERE d.id = ? ORDER BY c.name", (doc_id,))]


def assigning(store, results: Iterable[Any], collection_ids: list[int]) -> Iterator[Any]:
    """Pass ingest results on, putting the documents of files already stored (``unchanged``) in
    the collections too (new and updated ones were put there in their write)."""
    for result in results:
        if result.status == "unchanged" and result.id:
            assign(store, [result.id], add=collection_ids)
        yield result
