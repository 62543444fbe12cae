"""The SQLite store: one file holds records, derived tables and the full-text index."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from opis.errors import NotFound, StoreError
from opis.model import Document
from opis.store import indexers
from opis.store.migrations import migrate

DEFAULT_DB = "opis.db"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Store:
    """Persistence for records. ``upsert`` is idempotent, keyed by content hash."""

    def __init__(self, path: str | Path = DEFAULT_DB):
        self.path = str(path)
        try:
            self.conn = sqlite3.connect(self.path, timeout=30)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open database ({exc})", self.path) from exc
        self.conn.row_factory = sqlite3.Row
        try:
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA foreign_keys=ON")
            self.conn.execute("PRAGMA synchronous=NORMAL")
            migrate(self.conn)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"not an opis database or corrupt ({exc})", self.path) from exc

    # --- context manager -------------------------------------------------------------
    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- lookups ---------------------------------------------------------------------
    def find_by_sha256(self, sha256: str) -> str | None:
        row = self.conn.execute("SELECT id FROM documents WHERE sha256 = ?", (sha256,)).fetchone()
        return row["id"] if row else None

    def find_existing(self, path: str, record_id: str | None) -> str | None:
        """The document a new version of a file replaces: same record id, else same path."""
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
        doc_id = self.resolve_id(ident)
        row = self.conn.execute("SELECT record FROM documents WHERE id = ?", (doc_id,)).fetchone()
        return Document.from_dict(json.loads(row["record"]))

    def get_dict(self, ident: str) -> dict[str, Any]:
        doc_id = self.resolve_id(ident)
        row = self.conn.execute("SELECT record FROM documents WHERE id = ?", (doc_id,)).fetchone()
        return json.loads(row["record"])

    def count(self) -> int:
        return self.conn.execute("SELECT count(*) FROM documents").fetchone()[0]

    def list(self, limit: int | None = None, offset: int = 0, order: str = "date") -> list[dict[str, Any]]:
        order_sql = {
            "date": "date_earliest IS NULL, date_earliest, title",
            "title": "title",
            "ingested": "ingested_at",
        }[order]
        sql = (
            "SELECT id, title, date_edtf, date_earliest, date_latest, doc_type, classification, language,"
            f" path, format, layout, record_id FROM documents ORDER BY {order_sql} LIMIT ? OFFSET ?"
        )
        rows = self.conn.execute(sql, (-1 if limit is None else limit, offset)).fetchall()
        return [dict(r) for r in rows]

    def iter_documents(self, batch: int = 200) -> Iterator[Document]:
        """Stream every record (does not load the whole store into memory)."""
        last = ""
        while True:
            rows = self.conn.execute(
                "SELECT id, record FROM documents WHERE id > ? ORDER BY id LIMIT ?", (last, batch)
            ).fetchall()
            if not rows:
                return
            for row in rows:
                yield Document.from_dict(json.loads(row["record"]))
            last = rows[-1]["id"]

    def iter_records(self, batch: int = 200) -> Iterator[dict[str, Any]]:
        last = ""
        while True:
            rows = self.conn.execute(
                "SELECT id, record FROM documents WHERE id > ? ORDER BY id LIMIT ?", (last, batch)
            ).fetchall()
            if not rows:
                return
            for row in rows:
                yield json.loads(row["record"])
            last = rows[-1]["id"]

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

    def write(self, doc: Document, op: str = "upsert") -> None:
        """Write a record and all derived rows in one transaction (all or nothing)."""
        prov = doc.provenance
        record = doc.to_dict()
        now = _now()
        lang = doc.languages[0] if doc.languages else None
        try:
            with self.conn:
                row = self.conn.execute(
                    "SELECT ingested_at FROM documents WHERE id = ?", (doc.id,)
                ).fetchone()
                ingested_at = row["ingested_at"] if row else now
                cur = self.conn.execute(
                    "INSERT INTO changes (doc_id, op, at) VALUES (?, 'upsert', ?)", (doc.id, now)
                )
                seq = cur.lastrowid
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
                        prov.format, prov.layout, json.dumps(record, ensure_ascii=False),
                        ingested_at, now, seq,
                    ),
                )
                for ix in indexers.indexers():
                    ix.delete(self.conn, doc.id)
                    ix.write(self.conn, doc)
        except sqlite3.Error as exc:
            raise StoreError(f"could not store document {doc.id} ({exc})", prov.path) from exc

    def delete(self, ident: str) -> None:
        doc_id = self.resolve_id(ident)
        with self.conn:
            for ix in indexers.indexers():
                ix.delete(self.conn, doc_id)
            self.conn.execute("DELETE FROM documents WHERE id = ?", (doc_id,))
            self.conn.execute(
                "INSERT INTO changes (doc_id, op, at) VALUES (?, 'delete', ?)", (doc_id, _now())
            )

    def last_seq(self) -> int:
        row = self.conn.execute("SELECT max(seq) FROM changes").fetchone()
        return row[0] or 0

    # --- ingest log and corrections --------------------------------------------------
    def log_ingest(self, path: str, sha256: str | None, status: str, error: str | None, doc_id: str | None) -> None:
        with self.conn:
            self.conn.execute(
                "INSERT INTO ingest_log (path, sha256, status, error, doc_id, at) VALUES (?,?,?,?,?,?)",
                (path, sha256, status, error, doc_id, _now()),
            )

    def add_correction(self, kind: str, args: dict[str, Any]) -> int:
        with self.conn:
            cur = self.conn.execute(
                "INSERT INTO corrections (kind, args, created_at) VALUES (?,?,?)",
                (kind, json.dumps(args, ensure_ascii=False), _now()),
            )
        return cur.lastrowid

    def corrections(self) -> list[dict[str, Any]]:
        rows = self.conn.execute("SELECT id, kind, args, created_at FROM corrections ORDER BY id").fetchall()
        return [{"id": r["id"], "kind": r["kind"], "args": json.loads(r["args"]), "created_at": r["created_at"]} for r in rows]
