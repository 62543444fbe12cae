"""Bulk load: many records into the store with their search rows, in large transactions.

For loading a large archive (or the benchmark corpus) without the per-document pipeline:
records (``Document.to_dict()`` shape, with ``id`` and ``provenance``) are written to
``documents``, journalled in ``changes`` and analysed into the search rows, a batch per
transaction. Other areas' derived tables are written too when ``all_indexers`` is true.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from opis.errors import StoreError
from opis.model import Document
from opis.search.fields import index_row
from opis.search.sqlite_index import delete as delete_rows
from opis.search.sqlite_index import write_rows
from opis.store import indexers

_UPSERT = """INSERT INTO documents (id, sha256, path, record_id, title, date_edtf, date_earliest, date_latest,
    doc_type, classification, language, format, layout, record, ingested_at, updated_at, seq)
VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
ON CONFLICT(id) DO UPDATE SET sha256=excluded.sha256, path=excluded.path, record_id=excluded.record_id,
    title=excluded.title, date_edtf=excluded.date_edtf, date_earliest=excluded.date_earliest,
    date_latest=excluded.date_latest, doc_type=excluded.doc_type, classification=excluded.classification,
    language=excluded.language, format=excluded.format, layout=excluded.layout, record=excluded.record,
    updated_at=excluded.updated_at, seq=excluded.seq"""


def bulk_load(store, records: Iterable[dict[str, Any]], batch: int = 2000, all_indexers: bool = True) -> int:
    """Write ``records`` with their search rows; return how many were written."""
    others = [ix for ix in indexers.indexers() if ix.name != "search"] if all_indexers else []
    conn: sqlite3.Connection = store.conn
    n = 0
    buf: list[dict[str, Any]] = []

    def flush() -> None:
        now = datetime.now(UTC).isoformat(timespec="seconds")
        seen: set[str] = set()  # words written in this transaction
        with store.writing(f"bulk loading {len(buf)} records"):  # all of a batch, or none of it
            for rec in buf:
                _write_one(conn, rec, now, others, seen)
        buf.clear()

    for rec in records:
        if not rec.get("id") or not (rec.get("provenance") or {}).get("sha256"):
            raise StoreError(f"bulk load: record {rec.get('id')!r} has no id or provenance.sha256", store.path)
        buf.append(rec)
        n += 1
        if len(buf) >= batch:
            flush()
    if buf:
        flush()
    return n


def _write_one(conn: sqlite3.Connection, rec: dict[str, Any], now: str, others: list, seen: set[str]) -> None:
    prov = rec["provenance"]
    date = rec.get("date") or {}
    seq = conn.execute("INSERT INTO changes (doc_id, op, at) VALUES (?, 'upsert', ?)", (rec["id"], now)).lastrowid
    langs = rec.get("languages") or []
    conn.execute(
        _UPSERT,
        (rec["id"], prov["sha256"], prov.get("path") or "", rec.get("record_id"), rec.get("title"),
         date.get("edtf"), date.get("earliest"), date.get("latest"), rec.get("doc_type"),
         rec.get("classification"), langs[0] if langs else None, prov.get("format"), prov.get("layout"),
         json.dumps(rec, ensure_ascii=False), prov.get("ingested_at") or now, now, seq),
    )
    delete_rows(conn, rec["id"])
    write_rows(conn, [index_row(rec)], seen)
    if others:
        doc = Document.from_dict(rec)
        for ix in others:
            ix.delete(conn, doc.id)
            ix.write(conn, doc)
