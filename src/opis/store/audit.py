"""The SQL of the audit trail (``0018_audit.sql``): every curator change, who made it, when,
what it changed (before and after), the documents as they were before it (for undo), and the
documents and entities it concerns (the history panels).

Portable SQL only (``?`` placeholders, no engine-specific function): it runs on SQLite and,
through the store's dialect layer, on PostgreSQL. Every function takes the
:class:`~opis.store.Store`; :mod:`opis.audit` holds the rules.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from opis.errors import NotFound

_COLUMNS = "id, at, author, action, kind, correction_id, args, before, after, documents, undoes, undone_by"


@dataclass
class AuditRow:
    """One change in the audit trail."""

    id: int
    at: str
    author: str | None
    action: str  # correct | undo
    kind: str  # the correction's kind (entity.merge, document.set ...)
    correction_id: int | None
    args: dict[str, Any]
    before: dict[str, Any]
    after: dict[str, Any]
    documents: list[str] = field(default_factory=list)
    undoes: int | None = None  # an undo: the entry it undid
    undone_by: int | None = None  # a correction since undone: the undo's entry

    def to_dict(self) -> dict[str, Any]:
        """The entry as JSON (``GET /api/history``)."""
        return {"id": self.id, "at": self.at, "author": self.author, "action": self.action, "kind": self.kind,
                "correction_id": self.correction_id, "args": self.args, "before": self.before,
                "after": self.after, "documents": self.documents, "undoes": self.undoes,
                "undone_by": self.undone_by}


def _row(r: Any) -> AuditRow:
    return AuditRow(r[0], r[1], r[2], r[3], r[4], r[5], json.loads(r[6]), json.loads(r[7]), json.loads(r[8]),
                    json.loads(r[9]), r[10], r[11])


def now_text() -> str:
    """The time as the audit trail stores it (UTC, seconds, ISO 8601)."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def add(store, row: AuditRow, subjects: set[str], records: list[tuple[str, str | None, dict[str, Any]]]) -> int:
    """Store an entry (its ``id`` and ``at`` are set here), the ids it concerns and the records
    of the documents as they were before it (``(doc_id, sha256, record)``); return its id."""
    row.at = row.at or now_text()
    with store.writing("recording the change in the audit trail"):
        cur = store.conn.execute(
            "INSERT INTO audit (at, author, action, kind, correction_id, args, before, after, documents, undoes)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (row.at, row.author, row.action, row.kind, row.correction_id, _dump(row.args), _dump(row.before),
             _dump(row.after), _dump(row.documents), row.undoes))
        row.id = cur.lastrowid
        for subject in sorted(s for s in subjects if s):
            store.conn.execute("INSERT INTO audit_subjects (audit_id, subject) VALUES (?, ?)", (row.id, subject))
        for doc_id, sha, record in records:
            store.conn.execute("INSERT INTO audit_records (audit_id, document, sha256, record) VALUES (?, ?, ?, ?)",
                               (row.id, doc_id, sha, json.dumps(record, ensure_ascii=False)))
    return row.id


def get(store, audit_id: int) -> AuditRow:
    """One entry; NotFound if there is none."""
    with store.reading("reading the audit trail"):
        r = store.conn.execute(f"SELECT {_COLUMNS} FROM audit WHERE id = ?", (audit_id,)).fetchone()
    if r is None:
        raise NotFound(f"no change #{audit_id} in the history")
    return _row(r)


def mark_undone(store, audit_id: int, by: int) -> None:
    """Note that entry ``audit_id`` was undone by entry ``by``."""
    with store.writing("recording the undo in the audit trail"):
        store.conn.execute("UPDATE audit SET undone_by = ? WHERE id = ?", (by, audit_id))


def base_record(store, doc_id: str, sha256: str | None) -> dict[str, Any] | None:
    """The document ``doc_id`` as it was before the first recorded change to this version of it
    (same ``sha256``): the pipeline's record with only corrections older than the trail; None when
    no change to this version was recorded."""
    with store.reading("reading the audit trail"):
        r = store.conn.execute(
            "SELECT record FROM audit_records WHERE document = ? AND sha256 = ? ORDER BY audit_id LIMIT 1",
            (doc_id, sha256)).fetchone()
    return json.loads(r[0]) if r else None


def remove_correction(store, correction_id: int | None) -> bool:
    """Remove a stored correction (it is no longer re-applied); whether there was one."""
    if correction_id is None:
        return False
    with store.writing("removing a correction"):
        cur = store.conn.execute("DELETE FROM corrections WHERE id = ?", (correction_id,))
    return cur.rowcount > 0


@dataclass(frozen=True)
class HistoryFilter:
    """Which entries to list: about one document or entity (``subject``), by an account
    (``author``; ``"-"``: the command line), of a kind (``entity.merge``) or a family of kinds
    (``entity``), made on or after ``since`` and before ``until`` (ISO dates or times)."""

    subject: str | None = None
    author: str | None = None
    kind: str | None = None
    since: str | None = None
    until: str | None = None

    def where(self) -> tuple[str, list[Any]]:
        """The SQL condition and its parameters."""
        parts, params = [], []
        if self.subject:
            parts.append("id IN (SELECT audit_id FROM audit_subjects WHERE subject = ?)")
            params.append(self.subject)
        if self.author == "-":
            parts.append("author IS NULL")
        elif self.author:
            parts.append("author = ?")
            params.append(self.author)
        if self.kind and "." in self.kind:
            parts.append("kind = ?")
            params.append(self.kind)
        elif self.kind:
            parts.append("kind >= ? AND kind < ?")
            params += [self.kind + ".", self.kind + "/"]
        if self.since:
            parts.append("at >= ?")
            params.append(self.since)
        if self.until:
            parts.append("at < ?")
            params.append(self.until)
        return (" WHERE " + " AND ".join(parts) if parts else ""), params


def present(store) -> bool:
    """Whether the database has the audit trail (a read-only server over a database not yet
    migrated to ``0018_audit.sql`` has none: its history is empty)."""
    with store.reading("reading the schema version"):
        row = store.conn.execute("SELECT 1 FROM schema_migrations WHERE name = ?", ("0018_audit.sql",)).fetchone()
    return row is not None


def history(store, where: HistoryFilter, limit: int | None = 100, offset: int = 0) -> list[AuditRow]:
    """Entries kept by ``where``, newest first (``limit`` of them from ``offset``; None: all)."""
    if not present(store):
        return []
    cond, params = where.where()
    sql = f"SELECT {_COLUMNS} FROM audit{cond} ORDER BY id DESC"
    if limit is not None:
        sql += " LIMIT ? OFFSET ?"
        params += [limit, offset]
    with store.reading("reading the audit trail"):
        return [_row(r) for r in store.conn.execute(sql, params).fetchall()]


def authors(store) -> list[str]:
    """The accounts that made changes, by name (for the filters of the log)."""
    if not present(store):
        return []
    with store.reading("reading the audit trail"):
        rows = store.conn.execute("SELECT DISTINCT author FROM audit WHERE author IS NOT NULL ORDER BY author")
        return [r[0] for r in rows.fetchall()]
