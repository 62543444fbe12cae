"""Entities and mentions as tables: the entity list, entity pages, co-occurrence and the map.

The indexer writes one ``mentions`` row per mention and upserts the document's entities into
``entities``, and counts them into the aggregates of :mod:`opis.store.aggregates` in the same
transaction. Every query reads an index range and is bounded (a page), so its cost does not
grow with the corpus; the words around a mention are cut from the document's text when a page
shows it. Query functions (used by the CLI, the API and the web pages alike):

``list_entities(store, type=None, limit=100, offset=0)``, ``get_entity(store, id)``,
``entity_documents(store, id, limit, offset)``, ``entity_mentions(store, id, limit, offset)``,
``cooccurring(store, id, limit=20)``, ``places_with_counts(store, limit, offset)``.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from opis.errors import NotFound
from opis.model import Document, Variant, to_dict
from opis.store import aggregates

CONTEXT = 70  # characters of context on each side of a mention
ENTITY_TYPES = ("PERSON", "PLACE", "ORG", "UNIT")
DOCUMENTS_PAGE = 50  # documents of an entity listed with it
MAX_SURFACES = 500  # names an entity is written with, listed with its variants
COOCCURRENCE_DOCUMENTS = 200  # an entity's latest documents over which co-occurrence is counted
MAP_WHERE = "type = 'PLACE' AND lat IS NOT NULL AND lon IS NOT NULL AND n_discussed > 0"


def _context(text: str, start: int | None, end: int | None) -> str | None:
    if start is None or end is None or end > len(text):
        return None
    window = " ".join(text[max(0, start - CONTEXT) : end + CONTEXT].split())
    return f"{'…' if start > CONTEXT else ''}{window}{'…' if end + CONTEXT < len(text) else ''}"


def _variants_json(variants: list) -> str:
    """``json.dumps(to_dict(variants))``, faster: a variant's fields are plain values."""
    return json.dumps([v.__dict__ if type(v) is Variant else to_dict(v) for v in variants], ensure_ascii=False)


def mention_rows(doc: Document) -> list[tuple]:
    """The ``mentions`` rows :func:`write` stores for ``doc`` (without doc_id and n, in order):
    the columns ``opis.store.codec.MENTION_COLUMNS`` of each mention of ENTITY_TYPES."""
    return [(m.start, m.end, m.surface, m.type, m.entity_id, m.gloss, m.source, m.note, m.role)
            for m in doc.mentions if m.type in ENTITY_TYPES]


def entity_rows(doc: Document) -> list[tuple]:
    """The ``entities`` rows :func:`write` upserts for ``doc`` (ENTITY_UPSERT's parameters)."""
    return [(e.id, e.type, e.label, _variants_json(e.variants), e.lat, e.lon, e.country,
             e.wikidata, e.geonames, int(e.authority), e.description) for e in doc.entities]


def write(conn: sqlite3.Connection, doc: Document) -> None:
    """Write the document's entities and mentions, and count them into the aggregates."""
    conn.executemany(ENTITY_UPSERT, entity_rows(doc))
    conn.executemany(
        "INSERT INTO mentions (doc_id, n, span_start, span_end, surface, type, entity_id, gloss, source, note, role)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        [(doc.id, n, *row) for n, row in enumerate(mention_rows(doc))],
    )
    aggregates.add_mentions(conn, doc.id, doc.date.earliest if doc.date else None)


ENTITY_UPSERT = """INSERT INTO entities (id, type, label, variants, lat, lon, country, wikidata, geonames, authority,
             description)
           VALUES (?,?,?,?,?,?,?,?,?,?,?)
           ON CONFLICT(id) DO UPDATE SET type=excluded.type, label=excluded.label, variants=excluded.variants,
             lat=excluded.lat, lon=excluded.lon, country=excluded.country, wikidata=excluded.wikidata,
             geonames=excluded.geonames, authority=excluded.authority, description=excluded.description"""


def delete(conn: sqlite3.Connection, doc_id: str) -> None:
    """Remove the document's mentions and take them out of the aggregates (entity rows stay)."""
    aggregates.remove_mentions(conn, doc_id)
    conn.execute("DELETE FROM mentions WHERE doc_id = ?", (doc_id,))


# --- queries ---------------------------------------------------------------------------------

_ENTITY = "id, type, label, lat, lon, country, wikidata, geonames, authority, n_documents AS documents, n_mentions AS mentions"


def _entity_row(row: sqlite3.Row) -> dict[str, Any]:
    d = dict(row)
    d["authority"] = bool(d.get("authority"))
    return d


def list_entities(store, type: str | None = None, limit: int = 100, offset: int = 0) -> list[dict[str, Any]]:
    """Entities with their document and mention counts, most documents first (one index range)."""
    where, params = "n_documents > 0", []
    if type:
        where += " AND type = ?"
        params.append(type.upper())
    sql = (f"SELECT {_ENTITY} FROM entities WHERE {where}"
           f" ORDER BY {'type, ' if type else ''}n_documents DESC, n_mentions DESC, label LIMIT ? OFFSET ?")
    return [_entity_row(r) for r in store.conn.execute(sql, [*params, limit, offset]).fetchall()]


def get_entity(store, entity_id: str, documents_limit: int = DOCUMENTS_PAGE, documents_offset: int = 0) -> dict[str, Any]:
    """One entity: label, type, variants, coordinates, external ids, counts, and a page of its
    documents by date (``document_list``: ``documents_limit`` from ``documents_offset``)."""
    row = store.conn.execute(f"SELECT {_ENTITY}, variants, description FROM entities WHERE id = ?",
                             (entity_id,)).fetchone()
    if row is not None:
        d = _entity_row(row)
        d["variants"] = json.loads(d["variants"] or "[]")
    else:  # an authority entry no stored document mentions (yet)
        from opis import authority

        ent = authority.get(entity_id)
        if ent is None:
            raise NotFound(f"no entity with id {entity_id!r}")
        d = to_dict(ent)
        d["documents"] = d["mentions"] = 0
    surfaces = [r[0] for r in store.conn.execute(
        "SELECT surface FROM entity_surfaces WHERE entity_id = ? ORDER BY surface LIMIT ?", (entity_id, MAX_SURFACES))]
    names = {v["name"] for v in d["variants"]} | {d["label"]}
    d["variants"] += [{"name": s, "lang": None, "script": None} for s in surfaces if s not in names]
    d["document_list"] = entity_documents(store, entity_id, documents_limit, documents_offset)
    return d


def entity_documents(store, entity_id: str, limit: int = DOCUMENTS_PAGE, offset: int = 0) -> list[dict[str, Any]]:
    """A page of the documents that mention the entity, by date (undated last): id, title, date
    and the entity's mentions there."""
    rows = store.conn.execute(
        """SELECT x.doc_id, d.title, d.date_edtf AS date, x.mentions
           FROM (SELECT doc_id, mentions, date_key FROM entity_docs WHERE entity_id = ?
                 ORDER BY date_key, doc_id LIMIT ? OFFSET ?) AS x
           JOIN documents d ON d.id = x.doc_id ORDER BY x.date_key, x.doc_id""", (entity_id, limit, offset))
    return [dict(r) for r in rows]


def _page_documents(store, entity_id: str, limit: int | None, offset: int) -> list[tuple[str, int]]:
    """The documents holding mentions ``offset``..``offset + limit`` of the entity (in date
    order) and how many of the entity's mentions come before each: read from ``entity_docs``,
    stopping at the page's end."""
    out: list[tuple[str, int]] = []
    seen = 0
    rows = store.conn.execute(
        "SELECT doc_id, mentions FROM entity_docs WHERE entity_id = ? ORDER BY date_key, doc_id", (entity_id,))
    for doc_id, n in rows:
        if limit is not None and seen >= offset + limit:
            break
        if seen + n > offset:
            out.append((doc_id, seen))
        seen += n
    return out


def entity_mentions(store, entity_id: str, limit: int | None = None, offset: int = 0) -> list[dict[str, Any]]:
    """The entity's mentions in document date order (``limit`` from ``offset``; None: all):
    document, span, surface and the words around it (``context``, cut from the text now)."""
    docs = _page_documents(store, entity_id, limit, offset)
    out: list[dict[str, Any]] = []
    for i in range(0, len(docs), 200):
        chunk = docs[i : i + 200]
        rows = []
        for doc_id, before in chunk:
            got = store.conn.execute(
                """SELECT m.doc_id, d.title, m.span_start AS start, m.span_end AS end, m.note, m.surface, m.gloss,
                          m.source, m.role
                   FROM mentions m JOIN documents d ON d.id = m.doc_id WHERE m.entity_id = ? AND m.doc_id = ?
                   ORDER BY m.note IS NOT NULL, m.note, m.span_start""", (entity_id, doc_id)).fetchall()
            lo = max(0, offset - before)
            hi = len(got) if limit is None else max(0, offset + limit - before)
            rows += [dict(r) for r in got[lo:hi]]
        out += with_context(store, rows)
    return out


def with_context(store, mentions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Add ``context`` (the words around each mention) to ``mentions``, cut from their documents'
    texts, read for these documents only (and a footnote's text from its record)."""
    texts = store.texts([m["doc_id"] for m in mentions])
    from opis.store.documents import record_fields

    notes: dict[str, dict[int, str]] = {}
    for doc_id, rec in record_fields(store, [m["doc_id"] for m in mentions if m["note"] is not None],
                                     ("notes",)).items():
        notes[doc_id] = {n.get("n"): n.get("text") or "" for n in rec.get("notes") or []}
    for m in mentions:
        text = texts.get(m["doc_id"], "") if m["note"] is None else notes.get(m["doc_id"], {}).get(m["note"], "")
        m["context"] = _context(text, m["start"], m["end"])
    return mentions


def cooccurring(store, entity_id: str, limit: int = 20, sample: int = COOCCURRENCE_DOCUMENTS) -> list[dict[str, Any]]:
    """Entities mentioned in the same documents, by the number of shared documents, counted over
    the entity's latest ``sample`` documents (all of them when it has no more; places of
    publication in citations do not count: they are bibliographic, not discussed). Each row
    says how many documents were read (``of``)."""
    docs = [r[0] for r in store.conn.execute(
        "SELECT doc_id FROM entity_docs WHERE entity_id = ? AND discussed > 0 ORDER BY date_key DESC, doc_id DESC"
        " LIMIT ?", (entity_id, sample))]
    if not docs:
        return []
    marks = ",".join("?" * len(docs))
    rows = store.conn.execute(
        f"""SELECT e.id, e.type, e.label, x.documents
           FROM (SELECT entity_id, count(*) AS documents FROM entity_docs
                 WHERE doc_id IN ({marks}) AND discussed > 0 AND entity_id != ? GROUP BY entity_id) AS x
           JOIN entities e ON e.id = x.entity_id ORDER BY x.documents DESC, e.label LIMIT ?""",
        (*docs, entity_id, limit),
    ).fetchall()
    return [dict(r) | {"of": len(docs)} for r in rows]


def places_with_counts(store, limit: int | None = None, offset: int = 0) -> list[dict[str, Any]]:
    """Places with coordinates and the number of documents discussing them, most first (the
    map's points; a place named only as a citation's place of publication is not on it)."""
    rows = store.conn.execute(
        f"""SELECT id, label, lat, lon, n_discussed AS count FROM entities INDEXED BY entities_map
           WHERE {MAP_WHERE} ORDER BY n_discussed DESC, label LIMIT ? OFFSET ?""",
        (-1 if limit is None else limit, offset),
    ).fetchall()
    return [dict(r) for r in rows]


def count_places(store) -> int:
    """How many places are on the map (one pass over the map's index)."""
    return store.conn.execute(f"SELECT count(*) FROM entities INDEXED BY entities_map WHERE {MAP_WHERE}").fetchone()[0]


def affected_documents(store, entity_ids: list[str]) -> list[str]:
    """Ids of the documents that mention any of ``entity_ids`` (for applying a correction)."""
    marks = ",".join("?" for _ in entity_ids)
    rows = store.conn.execute(f"SELECT DISTINCT doc_id FROM entity_docs WHERE entity_id IN ({marks})", entity_ids)
    return [r[0] for r in rows]


def is_stored(store, entity_id: str) -> bool:
    """Whether some stored document mentions the entity ``entity_id`` (it has a row in ``entities``)."""
    return store.conn.execute("SELECT 1 FROM entities WHERE id = ?", (entity_id,)).fetchone() is not None
