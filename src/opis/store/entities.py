"""Entities and mentions as tables: the entity list, entity pages, co-occurrence and the map.

The indexer writes one ``mentions`` row per mention (with a few words of context) and upserts
the document's entities into ``entities``. Query functions (each a few lines of SQL over those
tables, used by the CLI, the API and the web pages alike):

``list_entities(store, type=None, limit=100, offset=0)``, ``get_entity(store, id)``,
``entity_mentions(store, id)``, ``cooccurring(store, id, limit=20)``, ``places_with_counts(store)``.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from opis.errors import NotFound
from opis.model import Document, to_dict

CONTEXT = 70  # characters of context on each side of a mention
ENTITY_TYPES = ("PERSON", "PLACE", "ORG", "UNIT")


def _context(text: str, start: int | None, end: int | None) -> str | None:
    if start is None or end is None or end > len(text):
        return None
    window = " ".join(text[max(0, start - CONTEXT) : end + CONTEXT].split())
    return f"{'…' if start > CONTEXT else ''}{window}{'…' if end + CONTEXT < len(text) else ''}"


def write(conn: sqlite3.Connection, doc: Document) -> None:
    notes = {n.n: n.text for n in doc.notes}
    rows = []
    for m in doc.mentions:
        if m.type not in ENTITY_TYPES:
            continue
        text = doc.text if m.note is None else notes.get(m.note, "")
        rows.append((doc.id, m.entity_id, m.type, m.surface, m.gloss, m.source, m.note, m.start, m.end,
                     _context(text, m.start, m.end), m.role))
    conn.executemany(
        "INSERT INTO mentions (doc_id, entity_id, type, surface, gloss, source, note, span_start, span_end, context,"
        " role) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        rows,
    )
    conn.executemany(
        """INSERT INTO entities (id, type, label, variants, lat, lon, country, wikidata, geonames, authority,
             description)
           VALUES (?,?,?,?,?,?,?,?,?,?,?)
           ON CONFLICT(id) DO UPDATE SET type=excluded.type, label=excluded.label, variants=excluded.variants,
             lat=excluded.lat, lon=excluded.lon, country=excluded.country, wikidata=excluded.wikidata,
             geonames=excluded.geonames, authority=excluded.authority, description=excluded.description""",
        [
            (e.id, e.type, e.label, json.dumps(to_dict(e.variants), ensure_ascii=False), e.lat, e.lon, e.country,
             e.wikidata, e.geonames, int(e.authority), e.description)
            for e in doc.entities
        ],
    )


def delete(conn: sqlite3.Connection, doc_id: str) -> None:
    conn.execute("DELETE FROM mentions WHERE doc_id = ?", (doc_id,))




# --- queries ---------------------------------------------------------------------------------

_COUNTS = """
    SELECT e.id, e.type, e.label, e.lat, e.lon, e.country, e.wikidata, e.geonames, e.authority,
           count(DISTINCT m.doc_id) AS documents, count(*) AS mentions
    FROM entities e JOIN mentions m ON m.entity_id = e.id
"""


def _entity_row(row: sqlite3.Row) -> dict[str, Any]:
    d = dict(row)
    d["authority"] = bool(d.get("authority"))
    return d


def list_entities(store, type: str | None = None, limit: int = 100, offset: int = 0) -> list[dict[str, Any]]:
    """Entities with their document and mention counts, most documents first."""
    sql, params = _COUNTS, []
    if type:
        sql += " WHERE e.type = ?"
        params.append(type.upper())
    sql += " GROUP BY e.id ORDER BY documents DESC, mentions DESC, e.label LIMIT ? OFFSET ?"
    params += [limit, offset]
    return [_entity_row(r) for r in store.conn.execute(sql, params).fetchall()]


def get_entity(store, entity_id: str) -> dict[str, Any]:
    """One entity: label, type, variants, coordinates, external ids, counts and its documents."""
    row = store.conn.execute("SELECT * FROM entities WHERE id = ?", (entity_id,)).fetchone()
    if row is not None:
        d = _entity_row(row)
        d["variants"] = json.loads(d["variants"] or "[]")
    else:  # an authority entry no stored document mentions (yet)
        from opis import authority

        ent = authority.get(entity_id)
        if ent is None:
            raise NotFound(f"no entity with id {entity_id!r}")
        d = to_dict(ent)
    surfaces = [r[0] for r in store.conn.execute(
        "SELECT DISTINCT surface FROM mentions WHERE entity_id = ? ORDER BY surface", (entity_id,))]
    names = {v["name"] for v in d["variants"]} | {d["label"]}
    d["variants"] += [{"name": s, "lang": None, "script": None} for s in surfaces if s not in names]
    counts = store.conn.execute(
        "SELECT count(DISTINCT doc_id), count(*) FROM mentions WHERE entity_id = ?", (entity_id,)).fetchone()
    d["documents"], d["mentions"] = counts[0], counts[1]
    d["document_list"] = [dict(r) for r in store.conn.execute(
        """SELECT d.id AS doc_id, d.title, d.date_edtf AS date, count(*) AS mentions
           FROM mentions m JOIN documents d ON d.id = m.doc_id WHERE m.entity_id = ?
           GROUP BY d.id ORDER BY d.date_earliest IS NULL, d.date_earliest, d.title""", (entity_id,))]
    return d


def entity_mentions(store, entity_id: str) -> list[dict[str, Any]]:
    """Every mention of an entity: document, span, surface and the words around it."""
    rows = store.conn.execute(
        """SELECT m.doc_id, d.title, m.span_start AS start, m.span_end AS end, m.note, m.surface, m.gloss,
                  m.source, m.context, m.role
           FROM mentions m JOIN documents d ON d.id = m.doc_id WHERE m.entity_id = ?
           ORDER BY d.date_earliest IS NULL, d.date_earliest, m.doc_id, m.note IS NOT NULL, m.note, m.span_start""",
        (entity_id,),
    ).fetchall()
    return [dict(r) for r in rows]


def cooccurring(store, entity_id: str, limit: int = 20) -> list[dict[str, Any]]:
    """Entities mentioned in the same documents, by the number of shared documents (places of
    publication in citations do not count: they are bibliographic, not discussed)."""
    rows = store.conn.execute(
        """SELECT e.id, e.type, e.label, count(DISTINCT m2.doc_id) AS documents
           FROM mentions m1 JOIN mentions m2 ON m2.doc_id = m1.doc_id AND m2.entity_id != m1.entity_id
           JOIN entities e ON e.id = m2.entity_id
           WHERE m1.entity_id = ? AND m1.role IS NULL AND m2.role IS NULL
           GROUP BY e.id ORDER BY documents DESC, e.label LIMIT ?""",
        (entity_id, limit),
    ).fetchall()
    return [dict(r) for r in rows]


def places_with_counts(store) -> list[dict[str, Any]]:
    """Places with coordinates and the number of documents discussing them (for the map; a place
    named only as a citation's place of publication is not on it)."""
    rows = store.conn.execute(
        """SELECT e.id, e.label, e.lat, e.lon, count(DISTINCT m.doc_id) AS count
           FROM entities e JOIN mentions m ON m.entity_id = e.id
           WHERE e.type = 'PLACE' AND e.lat IS NOT NULL AND e.lon IS NOT NULL AND m.role IS NULL
           GROUP BY e.id ORDER BY count DESC, e.label"""
    ).fetchall()
    return [dict(r) for r in rows]


def affected_documents(store, entity_ids: list[str]) -> list[str]:
    """Ids of the documents that mention any of ``entity_ids`` (for applying a correction)."""
    marks = ",".join("?" for _ in entity_ids)
    rows = store.conn.execute(f"SELECT DISTINCT doc_id FROM mentions WHERE entity_id IN ({marks})", entity_ids)
    return [r[0] for r in rows]


def is_stored(store, entity_id: str) -> bool:
    """Whether some stored document mentions the entity ``entity_id`` (it has a row in ``entities``)."""
    return store.conn.execute("SELECT 1 FROM entities WHERE id = ?", (entity_id,)).fetchone() is not None
