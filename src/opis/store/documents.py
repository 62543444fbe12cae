"""Listing documents: filters, paging by date, types and titles (the SQL behind ``Archive.list``).

Dated and undated records are paged in two index-ordered queries, so a page deep in a large
archive is an index walk, not a sort of every record.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from opis.store import codec

COLUMNS = "id, title, date_edtf, date_earliest, date_latest, doc_type, classification, language"


@dataclass(frozen=True)
class DocumentFilter:
    """What a listing keeps: a document type, dates overlapping ``date_from``..``date_to`` (ISO,
    an undated bound passes), and documents citing an archive (its authority code)."""

    doc_type: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    archive: str | None = None

    def where(self, *extra: str) -> tuple[str, list[Any]]:
        """The ``WHERE`` clause (empty when nothing filters) and its parameters."""
        parts, args = [], []
        if self.doc_type:
            parts.append("doc_type = ?")
            args.append(self.doc_type)
        if self.date_from:
            parts.append("(date_latest IS NULL OR date_latest >= ?)")
            args.append(self.date_from)
        if self.date_to:
            parts.append("(date_earliest IS NULL OR date_earliest <= ?)")
            args.append(self.date_to)
        if self.archive:
            parts.append("id IN (SELECT doc_id FROM archival_refs WHERE archive = ?)")
            args.append(self.archive)
        parts += extra
        return (" WHERE " + " AND ".join(parts)) if parts else "", args


def count(store, flt: DocumentFilter) -> int:
    """How many documents ``flt`` keeps: read from the kept counts per type (0010_timeline_buckets.sql)
    when only the type filters, counted otherwise."""
    with store.reading("counting the documents"):
        if not (flt.date_from or flt.date_to or flt.archive):
            sql, args = "SELECT coalesce(sum(documents), 0) FROM document_type_counts", []
            if flt.doc_type:
                sql, args = sql + " WHERE doc_type = ?", [flt.doc_type]
            return store.conn.execute(sql, args).fetchone()[0]
        where, args = flt.where()
        return store.conn.execute("SELECT count(*) FROM documents" + where, args).fetchone()[0]


def page(store, limit: int, offset: int, flt: DocumentFilter) -> list[dict[str, Any]]:
    """One page of the documents ``flt`` keeps, by date (undated last, by title), as summary rows."""
    conn = store.conn
    with store.reading("listing the documents"):
        where, args = flt.where("date_earliest IS NOT NULL")
        ids = [r[0] for r in conn.execute(
            "SELECT id FROM documents" + where + " ORDER BY date_earliest, title, id LIMIT ? OFFSET ?",
            [*args, limit, offset])]
        if len(ids) < limit:
            dated = conn.execute("SELECT count(*) FROM documents" + where, args).fetchone()[0]
            where, args = flt.where("date_earliest IS NULL")
            ids += [r[0] for r in conn.execute(
                "SELECT id FROM documents" + where + " ORDER BY title, id LIMIT ? OFFSET ?",
                [*args, limit - len(ids), max(0, offset - dated)])]
        rows = {r["id"]: dict(r) for r in conn.execute(
            f"SELECT {COLUMNS} FROM documents WHERE id IN (SELECT value FROM json_each(?))", (json.dumps(ids),))}
    return [rows[i] for i in ids if i in rows]


def document_types(store) -> list[str]:
    """The distinct document types, by a loose index scan (one index probe per type)."""
    with store.reading("listing the document types"):
        rows = store.conn.execute(
            """WITH RECURSIVE t(v) AS (
                   SELECT min(doc_type) FROM documents
                   UNION ALL
                   SELECT (SELECT min(doc_type) FROM documents WHERE doc_type > t.v) FROM t WHERE t.v IS NOT NULL)
               SELECT v FROM t WHERE v IS NOT NULL"""
        ).fetchall()
    return [r[0] for r in rows]


def type_counts(store) -> list[dict[str, Any]]:
    """``{"doc_type", "documents"}`` for every stored type (no type: ``None``, last), from the kept counts."""
    with store.reading("counting the document types"):
        rows = store.conn.execute(
            "SELECT doc_type, documents FROM document_type_counts WHERE documents > 0 ORDER BY doc_type = '', doc_type"
        ).fetchall()
    return [{"doc_type": r[0] or None, "documents": r[1]} for r in rows]


def rebuild_type_counts(conn) -> None:
    """Recount ``document_type_counts`` from documents (inside a write transaction)."""
    conn.execute("DELETE FROM document_type_counts")
    conn.execute("INSERT INTO document_type_counts (doc_type, documents)"
                 " SELECT coalesce(doc_type, ''), count(*) FROM documents GROUP BY 1")


def titles(store, ids: list[str]) -> dict[str, str | None]:
    """The titles of the documents ``ids`` (ids not stored are left out)."""
    if not ids:
        return {}
    with store.reading("reading document titles"):
        rows = store.conn.execute(
            "SELECT id, title FROM documents WHERE id IN (SELECT value FROM json_each(?))", (json.dumps(ids),)
        ).fetchall()
    return {r["id"]: r["title"] for r in rows}


# --- how a record is stored ------------------------------------------------------------------
# The record JSON is kept compressed (zlib) in ``documents.record`` with its text left out
# (``"text": ""`` keeps the key's place, so the record reads back identical); the text is kept
# once, compressed, in ``document_texts`` (0011_storage.sql), and read by id from there. Since
# 0017_size.sql the record is also encoded (opis.store.codec: entities by reference, pieces of
# the text by offsets, lists as columns); records written before are read as they are.
LEVEL = 6  # zlib level: level 9 saves about 1% more for twice the CPU


def pack_record(record: dict[str, Any]) -> tuple[bytes, bytes]:
    """(record without its text, text), each compressed, as 0011_storage.sql stored them (not
    encoded: see :func:`pack_encoded`). ``record`` is not changed."""
    text = record.get("text") or ""
    body = json.dumps({**record, "text": ""} if "text" in record else record, ensure_ascii=False)
    return zlib.compress(body.encode("utf-8"), LEVEL), pack_text(text)


def pack_encoded(conn, record: dict[str, Any], mention_rows: list[tuple] | None = None) -> tuple[bytes, bytes]:
    """(record, text) as ``documents.record`` and ``document_texts.text`` keep them since
    0017_size.sql: the record encoded (its entities written to ``record_entities`` over
    ``conn``, inside the caller's transaction; ``mention_rows``: the ``mentions`` rows stored
    with it, see :func:`opis.store.codec.encode`) and compressed. ``record`` is not changed."""
    text = record.get("text") or ""
    return codec.pack(conn, record, text, mention_rows), pack_text(text)


def pack_text(text: str) -> bytes:
    """A text as stored in ``document_texts``."""
    return zlib.compress(text.encode("utf-8"), LEVEL)


def unpack_text(value: bytes | str | None, upto: int | None = None) -> str:
    """A text as ``document_texts`` holds it (``None``: no row, the empty text); ``upto``: only
    its first ``upto`` characters are needed (at least those are returned, the rest of the text
    is not decompressed: a UTF-8 character takes at most 4 bytes)."""
    if value is None:
        return ""
    if isinstance(value, str):  # (written uncompressed by hand: accepted)
        return value
    if upto is not None:
        head = zlib.decompressobj().decompress(value, 4 * max(upto, 0) + 4)
        return head.decode("utf-8", errors="ignore" if len(head) == 4 * max(upto, 0) + 4 else "strict")
    return zlib.decompress(value).decode("utf-8")


def _body(value: bytes | str) -> Any:
    if isinstance(value, bytes):
        return json.loads(zlib.decompress(value).decode("utf-8"))
    return json.loads(value)


def unpack_record(value: bytes | str, text: bytes | str | None, conn=None, doc_id: str | None = None) -> dict[str, Any]:
    """The record JSON from ``documents.record`` and its ``document_texts`` row (``conn``,
    ``doc_id``: the connection to read an encoded record's entities and mentions over, and the
    document's id). A record kept as plain JSON text (a database written before 0011_storage.sql
    and not yet migrated) is read as it is, its own text kept unless the text row has one."""
    return unpack_records([(doc_id, value, text)], conn)[0]


def unpack_records(rows: list[tuple[str | None, bytes | str, bytes | str | None]], conn=None,
                   fields: tuple[str, ...] | None = None) -> list[dict[str, Any]]:
    """:func:`unpack_record` of several ``(doc_id, record, text)`` rows, their entities and
    mentions read in one go (``fields``: only these keys of each record, and only what they need)."""
    items = [(doc_id, _body(value), text) for doc_id, value, text in rows]
    encoded = [(doc_id, body) for doc_id, body, _ in items if isinstance(body, dict) and codec.VERSION in body]
    if encoded and conn is None:
        raise ValueError("an encoded record needs a connection to read its entities and mentions")
    keys = [k for _, body in encoded for k in codec.entity_keys(body)] if fields is None or "entities" in fields else []
    found = codec.lookup(conn)(keys) if keys else {}
    needs = [doc_id for doc_id, body in encoded if codec.needs_mentions(body)] if (
        fields is None or "mentions" in fields) else []
    if None in needs:
        raise ValueError("an encoded record that keeps its mentions in the mentions table needs its id")
    mentions = codec.mention_rows(conn, needs) if needs else {}
    out = []
    for doc_id, body, raw in items:
        value = unpack_text(raw)
        if isinstance(body, dict):
            record = codec.decode(body, value, found, mentions.get(doc_id, []), fields)
        else:
            record = body
        if raw is not None and "text" in record:
            record["text"] = value or record["text"]
        out.append(record)
    return out


def record_fields(store, doc_ids: Iterable[str], fields: tuple[str, ...] | None = None) -> dict[str, dict[str, Any]]:
    """The records ``doc_ids`` (those stored) by id; ``fields``: only these keys of each, decoding
    only those (e.g. a record's ``notes`` without its entities and mentions)."""
    out: dict[str, dict[str, Any]] = {}
    ids = list(dict.fromkeys(doc_ids))
    with store.reading("reading records"):
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            rows = store.conn.execute(
                "SELECT d.id, d.record, t.text FROM documents d LEFT JOIN document_texts t ON t.doc_id = d.id"
                f" WHERE d.id IN ({','.join('?' * len(chunk))})", chunk).fetchall()
            for row, rec in zip(rows, unpack_records([tuple(r) for r in rows], store.conn, fields), strict=True):
                out[row[0]] = rec
    return out
