"""Aggregates kept, not recomputed: the counts and lists the entity, map and claims pages read.

Tables (``migrations/0009_aggregates.sql``): ``entity_docs`` (one row per entity and document
that mentions it, with its mentions there and the document's date), ``entity_surfaces`` (the
names an entity is written with), the ``n_documents``/``n_mentions``/``n_discussed`` columns of
``entities``, ``claim_entities`` (claims by their place or reporting entity) and
``claim_kinds``. The entities and claims indexers call :func:`add_mentions` /
:func:`remove_mentions` and :func:`add_claims` / :func:`remove_claims` in the transaction of
each document's write and delete, so the aggregates move with the base tables row for row.
:func:`rebuild` recomputes them all from the base tables (``mentions``, ``claims``,
``documents``); :func:`problems` compares them with a recount (``opis check``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

UNDATED = "~"  # date_key of an undated document or claim: sorts after every ISO date

_ENTITY_DOCS = """
    SELECT m.entity_id, {date}, m.doc_id, count(*), sum(CASE WHEN m.role IS NULL THEN 1 ELSE 0 END)
    FROM mentions m {join} WHERE {where} AND m.entity_id IS NOT NULL GROUP BY m.entity_id, m.doc_id"""
_SURFACES = "SELECT entity_id, surface, count(*) AS n FROM mentions WHERE {where} AND entity_id IS NOT NULL GROUP BY entity_id, surface"
_COUNTS = """
    UPDATE entities SET n_documents = n_documents {op} 1, n_mentions = n_mentions {op} x.mentions,
        n_discussed = n_discussed {op} (CASE WHEN x.discussed > 0 THEN 1 ELSE 0 END)
    FROM (SELECT entity_id, mentions, discussed FROM entity_docs WHERE doc_id = ?) AS x
    WHERE entities.id = x.entity_id"""
# the links of claims to entities, in order of precedence (a claim and an entity: one row, first role)
_CLAIM_LINKS = (
    "SELECT place, coalesce(date_earliest, '~'), id, 'place', doc_id FROM claims c WHERE {where} AND place IS NOT NULL",
    """SELECT DISTINCT m.entity_id, coalesce(c.date_earliest, '~'), c.id, 'reported_by', c.doc_id
       FROM claims c JOIN mentions m ON m.doc_id = c.doc_id AND m.type IN ('PERSON', 'ORG')
           AND m.entity_id IS NOT NULL AND m.surface = c.reported_by
       WHERE {where} AND c.reported_by IS NOT NULL""",
    """SELECT DISTINCT m.entity_id, coalesce(c.date_earliest, '~'), c.id, 'sentence', c.doc_id
       FROM claims c JOIN mentions m ON m.doc_id = c.doc_id AND m.note IS NULL AND m.role IS NULL
           AND m.entity_id IS NOT NULL AND m.span_start >= c.sentence_start AND m.span_end <= c.sentence_end
       WHERE {where} AND c.sentence_start IS NOT NULL""",
)
_LINK = "INSERT OR IGNORE INTO claim_entities (entity_id, date_key, claim_id, role, doc_id) "
_KINDS = "SELECT coalesce(kind, '') AS kind, count(*) AS n FROM claims WHERE {where} GROUP BY coalesce(kind, '')"


_DEFERRED: set[int] = set()  # ids of the connections that count nothing per document (a bulk load)


@contextmanager
def deferred(conn) -> Iterator[None]:
    """Inside: the per-document functions below do nothing on ``conn`` (a bulk load, which
    recounts everything with :func:`rebuild` at its end: ``opis.store.bulk``)."""
    _DEFERRED.add(id(conn))
    try:
        yield
    finally:
        _DEFERRED.discard(id(conn))


# --- per document (inside the write or delete transaction) ------------------------------------
def add_mentions(conn: sqlite3.Connection, doc_id: str, date_earliest: str | None) -> None:
    """Count the mentions just written for ``doc_id`` into the entity aggregates."""
    if id(conn) in _DEFERRED:
        return
    conn.execute(
        "INSERT INTO entity_docs (entity_id, date_key, doc_id, mentions, discussed)"
        + _ENTITY_DOCS.format(date="?", join="", where="m.doc_id = ?"), (date_earliest or UNDATED, doc_id))
    conn.execute(_COUNTS.format(op="+"), (doc_id,))
    conn.execute(
        "INSERT INTO entity_surfaces (entity_id, surface, mentions) " + _SURFACES.format(where="doc_id = ?")
        + " ON CONFLICT (entity_id, surface) DO UPDATE SET mentions = entity_surfaces.mentions + excluded.mentions", (doc_id,))


def remove_mentions(conn: sqlite3.Connection, doc_id: str) -> None:
    """Take the stored mentions of ``doc_id`` out of the entity aggregates (before they are deleted)."""
    if id(conn) in _DEFERRED:
        return
    conn.execute(_COUNTS.format(op="-"), (doc_id,))
    conn.execute("DELETE FROM entity_docs WHERE doc_id = ?", (doc_id,))
    gone = conn.execute(_SURFACES.format(where="doc_id = ?"), (doc_id,)).fetchall()
    conn.executemany("UPDATE entity_surfaces SET mentions = mentions - ? WHERE entity_id = ? AND surface = ?",
                     [(n, e, s) for e, s, n in gone])
    conn.executemany("DELETE FROM entity_surfaces WHERE entity_id = ? AND surface = ? AND mentions <= 0",
                     [(e, s) for e, s, _n in gone])


def add_claims(conn: sqlite3.Connection, doc_id: str) -> None:
    """Link the claims just written for ``doc_id`` to their entities and count their kinds."""
    if id(conn) in _DEFERRED:
        return
    for sql in _CLAIM_LINKS:
        conn.execute(_LINK + sql.format(where="c.doc_id = ?"), (doc_id,))
    conn.execute("INSERT INTO claim_kinds (kind, claims) " + _KINDS.format(where="doc_id = ?")
                 + " ON CONFLICT (kind) DO UPDATE SET claims = claim_kinds.claims + excluded.claims", (doc_id,))


def remove_claims(conn: sqlite3.Connection, doc_id: str) -> None:
    """Take the stored claims of ``doc_id`` out of the claim aggregates (before they are deleted)."""
    if id(conn) in _DEFERRED:
        return
    conn.execute("DELETE FROM claim_entities WHERE claim_id IN (SELECT id FROM claims WHERE doc_id = ?)", (doc_id,))
    gone = conn.execute(_KINDS.format(where="doc_id = ?"), (doc_id,)).fetchall()
    conn.executemany("UPDATE claim_kinds SET claims = claims - ? WHERE kind = ?", [(n, k) for k, n in gone])
    conn.execute("DELETE FROM claim_kinds WHERE claims <= 0")


# --- whole tables ------------------------------------------------------------------------------
def rebuild(conn: sqlite3.Connection) -> None:
    """Recompute every aggregate from the base tables (``mentions``, ``claims``, ``documents``);
    run by :meth:`opis.store.Store.rederive` (``opis reindex``). Call inside a transaction."""
    conn.execute("DELETE FROM entity_docs")
    conn.execute(
        "INSERT INTO entity_docs (entity_id, date_key, doc_id, mentions, discussed)"
        + _ENTITY_DOCS.format(date="coalesce(max(d.date_earliest), '~')", join="JOIN documents d ON d.id = m.doc_id",
                              where="1 = 1"))
    conn.execute("DELETE FROM entity_surfaces")
    conn.execute("INSERT INTO entity_surfaces (entity_id, surface, mentions) " + _SURFACES.format(where="1 = 1"))
    conn.execute("UPDATE entities SET n_documents = 0, n_mentions = 0, n_discussed = 0")
    conn.execute("""
        UPDATE entities SET n_documents = x.documents, n_mentions = x.mentions, n_discussed = x.discussed
        FROM (SELECT entity_id, count(*) AS documents, sum(mentions) AS mentions, sum(CASE WHEN discussed > 0 THEN 1 ELSE 0 END) AS discussed
              FROM entity_docs GROUP BY entity_id) AS x
        WHERE entities.id = x.entity_id""")
    conn.execute("DELETE FROM claim_entities")
    for sql in _CLAIM_LINKS:
        conn.execute(_LINK + sql.format(where="1 = 1"))
    conn.execute("DELETE FROM claim_kinds")
    conn.execute("INSERT INTO claim_kinds (kind, claims) " + _KINDS.format(where="1 = 1"))
    from opis.store.timeline import rebuild_spans

    rebuild_spans(conn)


def _rows(cursor) -> set[tuple]:
    return {tuple(r) for r in cursor}


def recount(conn: sqlite3.Connection) -> dict[str, set[tuple]]:
    """Every aggregate recomputed from the base tables, as sets of rows (for comparing)."""
    entity_docs = _rows(conn.execute(_ENTITY_DOCS.format(
        date="coalesce(max(d.date_earliest), '~')", join="JOIN documents d ON d.id = m.doc_id", where="1 = 1")))
    docs: dict[str, list[int]] = {}
    for entity_id, _date, _doc, mentions, discussed in entity_docs:
        c = docs.setdefault(entity_id, [0, 0, 0])
        c[0], c[1], c[2] = c[0] + 1, c[1] + mentions, c[2] + (discussed > 0)
    known = {r[0] for r in conn.execute("SELECT id FROM entities")}
    links: dict[tuple, tuple] = {}
    for sql in _CLAIM_LINKS:
        for row in conn.execute(sql.format(where="1 = 1")):
            links.setdefault(tuple(row[:3]), tuple(row))
    return {
        "entity_docs": entity_docs,
        "entity_surfaces": _rows(conn.execute(_SURFACES.format(where="1 = 1"))),
        "entity counts": {(e, *c) for e, c in docs.items() if e in known},
        "claim_entities": set(links.values()),
        "claim_kinds": _rows(conn.execute(_KINDS.format(where="1 = 1"))),
    }


def stored(conn: sqlite3.Connection) -> dict[str, set[tuple]]:
    """The aggregates as stored, in the shape of :func:`recount`."""
    return {
        "entity_docs": _rows(conn.execute("SELECT entity_id, date_key, doc_id, mentions, discussed FROM entity_docs")),
        "entity_surfaces": _rows(conn.execute("SELECT entity_id, surface, mentions FROM entity_surfaces")),
        "entity counts": _rows(conn.execute(
            "SELECT id, n_documents, n_mentions, n_discussed FROM entities WHERE n_documents > 0")),
        "claim_entities": _rows(conn.execute("SELECT entity_id, date_key, claim_id, role, doc_id FROM claim_entities")),
        "claim_kinds": _rows(conn.execute("SELECT kind, claims FROM claim_kinds")),
    }


def problems(conn: sqlite3.Connection, limit: int = 20) -> list[str]:
    """How the stored aggregates differ from a recount of the base tables (empty when exact);
    at most ``limit`` lines, each naming the aggregate and a differing row."""
    want, have = recount(conn), stored(conn)
    out: list[str] = []
    for name in want:
        missing, extra = want[name] - have[name], have[name] - want[name]
        if missing or extra:
            example = sorted(missing or extra, key=repr)[0]
            out.append(f"{name}: {len(missing)} rows missing, {len(extra)} rows not in the recount"
                       f" (e.g. {'missing' if missing else 'extra'} {example!r})")
    return out[:limit]
