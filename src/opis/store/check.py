"""``opis check``: is the database sound, and do its derived tables agree with its records?

:func:`check_store` reads, never writes (open the store with ``readonly=True``), and returns a
:class:`CheckReport`: each check's name, what it found, and the problems. The checks, in order:

* ``integrity``: ``PRAGMA integrity_check`` (``quick``: ``quick_check``), the file's structure;
* ``foreign keys``: ``PRAGMA foreign_key_check``;
* ``records``: every stored record (compressed, see :func:`opis.store.documents.pack_record`)
  decompresses to UTF-8 JSON whose id, checksum and title are those of its row, and its text
  (``document_texts``) decompresses to UTF-8;
* ``text``: every text value in every table is UTF-8 (SQLite's own check does not look);
* ``derived``: every table keyed by document (archival references, mentions, claims, events,
  search rows ...) holds, for each document, as many rows as its indexer writes for the record,
  and no rows for documents that are not stored; the full-text rows match the search rows;
* ``aggregates``: the kept counts and lists (:mod:`opis.store.aggregates`) equal a recount of
  the rows they are kept from.

A search index kept outside the file is checked by :mod:`opis.search.consistency`, which adds
its own :class:`Check` to the report.
"""

from __future__ import annotations

import json
import sqlite3
import time
import zlib
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from opis.model import Document
from opis.store import aggregates, codec, indexers
from opis.store.migrations import migrate
from opis.store.sqlite import Store, derived_tables, quick_check

MAX_LISTED = 20  # problems listed per check (the count is always given)
BATCH = 500


@dataclass
class Check:
    """One check of ``opis check``: its name, a one-line summary, and the problems it found (the
    first ``MAX_LISTED`` listed, all of them counted)."""
    name: str
    summary: str = ""
    problems: list[str] = field(default_factory=list)
    count: int = 0  # problems found (more than those listed)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """Whether the check found nothing wrong."""
        return self.count == 0

    def add(self, problem: str) -> None:
        """Count a problem, and list it while fewer than ``MAX_LISTED`` are listed."""
        self.count += 1
        if len(self.problems) < MAX_LISTED:
            self.problems.append(problem)

    def to_dict(self) -> dict[str, Any]:
        """The check as JSON (``opis check --json``): ``problems`` is the count, ``listed`` the ones named."""
        return {"name": self.name, "ok": self.ok, "summary": self.summary, "problems": self.count,
                "listed": self.problems, "seconds": round(self.seconds, 3)}


@dataclass
class CheckReport:
    """Every check run on one database (``opis check``), in the order they ran."""
    path: str
    checks: list[Check] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether every check passed."""
        return all(c.ok for c in self.checks)

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON: the database, whether it is sound, and each check."""
        return {"db": self.path, "ok": self.ok, "checks": [c.to_dict() for c in self.checks]}

    def format(self) -> str:
        """The report as the CLI prints it: a line per check, its problems indented under it."""
        lines = []
        for c in self.checks:
            mark = "ok     " if c.ok else "PROBLEM"
            lines.append(f"{mark} {c.name:13} {c.summary}  ({c.seconds:.2f} s)")
            lines += [f"          - {p}" for p in c.problems]
            if c.count > len(c.problems):
                lines.append(f"          … and {c.count - len(c.problems)} more")
        bad = sum(c.count for c in self.checks)
        lines.append(f"{self.path}: " + ("no problems found" if self.ok else f"{bad} problems found"))
        if not self.ok:
            damaged = any(not c.ok for c in self.checks if c.name in ("integrity", "records", "text"))
            lines.append("  the file is damaged: put back a backup with 'opis restore BACKUP'" if damaged else
                         "  the derived rows disagree with the records: 'opis reindex' rebuilds them from the records")
        return "\n".join(lines)


def check_store(store: Store, quick: bool = False) -> CheckReport:
    """Check ``store`` (see the module docstring). ``quick``: the file's structure by
    ``quick_check``, the records and the text, not the per-document comparison of the derived
    tables (which costs about as much as rebuilding them)."""
    report = CheckReport(store.path)
    if store.conn.dialect.name != "sqlite":  # the server keeps its files, keys and encodings sound itself
        _timed(report, Check("integrity"), _server_kept)
        _timed(report, Check("records"), lambda c: _records(store.conn, c))
    else:
        integrity = _timed(report, Check("integrity"), lambda c: _integrity(store.conn, c, quick))
        if not integrity.ok and any("not a database" in p or "file is not" in p for p in integrity.problems):
            return report  # nothing else can be read
        _timed(report, Check("foreign keys"), lambda c: _foreign_keys(store.conn, c))
        _timed(report, Check("records"), lambda c: _records(store.conn, c))
        _timed(report, Check("text"), lambda c: _text_columns(store.conn, c))
    if not quick:
        _timed(report, Check("derived"), lambda c: _derived(store.conn, c))
        _timed(report, Check("aggregates"), lambda c: _aggregates(store.conn, c))
    return report


def _timed(report: CheckReport, check: Check, run) -> Check:
    t = time.perf_counter()
    try:
        run(check)
    except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:  # the check itself could not read on
        check.add(f"stopped: {exc}")
    check.seconds = time.perf_counter() - t
    report.checks.append(check)
    return check


def _server_kept(check: Check) -> None:
    check.summary = "kept by the PostgreSQL server (its files, foreign keys and UTF-8 text)"


def _integrity(conn: sqlite3.Connection, check: Check, quick: bool) -> None:
    pragma = "quick_check" if quick else "integrity_check"
    for problem in quick_check(conn, limit=MAX_LISTED, full=not quick):
        check.add(problem)
    check.summary = f"PRAGMA {pragma}: " + ("ok" if check.ok else "the file is damaged")


def _foreign_keys(conn: sqlite3.Connection, check: Check) -> None:
    for table, rowid, parent, _fk in conn.execute("PRAGMA foreign_key_check"):
        check.add(f"{table} row {rowid} refers to a missing row of {parent}")
    check.summary = "every reference has its row" if check.ok else "rows refer to missing rows"


def _records(conn: sqlite3.Connection, check: Check) -> None:
    n = 0
    for doc_id, rec, sha, title in _raw_records(conn):
        n += 1
        text = _text(doc_id)
        if isinstance(rec, str):  # (the text of a record or of its row would not decompress)
            check.add(f"document {text}: {rec}")
            continue
        try:
            data = json.loads(rec.decode("utf-8"))
        except UnicodeDecodeError as exc:
            check.add(f"document {text}: record is not UTF-8 (byte {exc.start})")
            continue
        except ValueError as exc:
            check.add(f"document {text}: record is not JSON ({exc})")
            continue
        if not isinstance(data, dict):
            check.add(f"document {text}: record is not a JSON object")
            continue
        if data.get("id") != doc_id:
            check.add(f"document {text}: record names another id ({_text(data.get('id'))})")
        if (data.get("provenance") or {}).get("sha256") != sha:
            check.add(f"document {text}: checksum column differs from the record's")
        if data.get("title") != title:
            check.add(f"document {text}: title column differs from the record's")
    check.summary = f"{n} records" + ("" if check.ok else ", some unreadable or inconsistent")


def _text_columns(conn: sqlite3.Connection, check: Check) -> None:
    virtual = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL%'")]
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
              if r[0] not in virtual and not any(r[0].startswith(v + "_") for v in virtual)]
    values = 0
    for t in tables:
        cols = [r[1] for r in conn.execute(f'PRAGMA table_info("{t}")')]
        for col in cols:
            for n, (raw,) in enumerate(conn.execute(
                    f'SELECT CAST("{col}" AS BLOB) FROM "{t}" WHERE typeof("{col}") = \'text\'')):
                values += 1
                try:
                    raw.decode("utf-8")
                except UnicodeDecodeError as exc:
                    check.add(f"{t}.{col}: text value {n + 1} is not UTF-8 (byte {exc.start})")
    check.summary = f"{values} text values in {len(tables)} tables" + ("" if check.ok else ", some not UTF-8")


def _raw_records(conn: sqlite3.Connection):
    """(id, record JSON bytes with its text, sha256, title) of every row, the record's bytes
    decompressed but not decoded, so that one record that is no longer UTF-8 is reported
    without stopping the walk; in place of the bytes, what is wrong when a record or its text
    does not decompress or its text is not UTF-8."""
    if conn.dialect.name != "sqlite":
        yield from _server_records(conn)
        return
    last = b""
    while True:
        rows = conn.execute(
            "SELECT CAST(d.id AS BLOB), CAST(d.record AS BLOB), typeof(d.record), CAST(d.sha256 AS BLOB),"
            " CAST(d.title AS BLOB), t.text FROM documents d LEFT JOIN document_texts t ON t.doc_id = d.id"
            " WHERE CAST(d.id AS BLOB) > ? ORDER BY CAST(d.id AS BLOB) LIMIT ?", (last, BATCH)
        ).fetchall()
        if not rows:
            return
        for rid, rec, kind, sha, title, text in rows:
            yield _str(rid), _record_bytes(rec or b"", kind, text, conn, rid), _str(sha), _str(title)
        last = rows[-1][0]


def _server_records(conn):
    """:func:`_raw_records` of a PostgreSQL store (its text columns are always UTF-8)."""
    last = ""
    while True:
        rows = conn.execute(
            "SELECT d.id, d.record, d.sha256, d.title, t.text FROM documents d"
            " LEFT JOIN document_texts t ON t.doc_id = d.id WHERE d.id > ? ORDER BY d.id LIMIT ?", (last, BATCH)
        ).fetchall()
        if not rows:
            return
        for rid, rec, sha, title, text in rows:
            yield rid, _record_bytes(bytes(rec or b""), "blob", None if text is None else bytes(text), conn,
                                     rid.encode()), sha, title
        last = rows[-1][0]


def _record_bytes(rec: bytes, kind: str, text: bytes | str | None, conn: sqlite3.Connection,
                  doc_id: bytes) -> bytes | str:
    """The record JSON as UTF-8 bytes, its text put back (an encoded record decoded, its entities
    and mentions read over ``conn``); a str says why it cannot be read."""
    try:
        raw = zlib.decompress(rec) if kind == "blob" else rec
    except zlib.error as exc:
        return f"record does not decompress ({exc})"
    try:
        value = "" if text is None else text if isinstance(text, str) else zlib.decompress(text).decode("utf-8")
    except zlib.error as exc:
        return f"text does not decompress ({exc})"
    except UnicodeDecodeError as exc:
        return f"text is not UTF-8 (byte {exc.start})"
    try:
        data = json.loads(raw.decode("utf-8"))
    except ValueError:  # (UnicodeDecodeError too) reported as the record's own problem
        return raw
    if isinstance(data, dict) and codec.VERSION in data:
        try:
            rows = codec.mention_rows(conn, [_str(doc_id)]).get(_str(doc_id), []) if codec.needs_mentions(data) else None
            data = codec.decode(data, value, codec.lookup(conn)(codec.entity_keys(data)), rows)
        except (KeyError, TypeError, ValueError, IndexError, zlib.error) as exc:
            return f"encoded record does not decode ({type(exc).__name__}: {exc})"
        if text is None:
            return json.dumps(data, ensure_ascii=False).encode("utf-8")
    if text is not None and isinstance(data, dict) and "text" in data:
        data["text"] = value or data["text"]
        return json.dumps(data, ensure_ascii=False).encode("utf-8")
    return raw


def _str(b: bytes | None) -> str | None:
    return None if b is None else b.decode("utf-8", errors="replace")


def _text(value: Any) -> str:
    return repr(value)[:40]


def _aggregates(conn: sqlite3.Connection, check: Check) -> None:
    for problem in aggregates.problems(conn, limit=MAX_LISTED):
        check.add(problem)
    check.summary = "counts agree with a recount" if check.ok else "counts disagree with a recount of the derived rows"


def _derived(conn: sqlite3.Connection, check: Check) -> None:
    tables = derived_tables(conn)
    scratch = sqlite3.connect(":memory:")
    migrate(scratch)  # the same schema, empty: each record's rows are derived into it afresh
    # the same choices (the search rows kept or not ...), so the indexers write the same rows
    scratch.executemany("INSERT OR REPLACE INTO search_meta (key, value) VALUES (?, ?)",
                        conn.execute("SELECT key, value FROM search_meta").fetchall())
    ixs = indexers.indexers()
    docs = 0
    for t in tables:  # rows of documents that are not stored
        orphans = conn.execute(
            f'SELECT count(*), min(doc_id) FROM "{t}" WHERE doc_id NOT IN (SELECT id FROM documents)').fetchone()
        if orphans[0]:
            check.add(f"{t}: {orphans[0]} rows of documents that are not stored (e.g. {_text(orphans[1])})")
    batch: list[Document] = []

    def compare() -> None:
        for ix in ixs:
            for doc in batch:
                ix.write(scratch, doc)
        ids = [d.id for d in batch]
        marks = ",".join("?" * len(ids))
        for t in tables:
            want = Counter(dict(scratch.execute(f'SELECT doc_id, count(*) FROM "{t}" GROUP BY doc_id')))
            have = Counter(dict(conn.execute(
                f'SELECT doc_id, count(*) FROM "{t}" WHERE doc_id IN ({marks}) GROUP BY doc_id', ids)))
            for doc_id in ids:
                if want[doc_id] != have[doc_id]:
                    check.add(f"{t}: document {_text(doc_id)} has {have[doc_id]} rows, its record gives {want[doc_id]}")
            scratch.execute(f'DELETE FROM "{t}"')
        batch.clear()

    for doc_id, rec, _sha, _title in _raw_records(conn):
        try:
            batch.append(Document.from_dict(json.loads(rec.decode("utf-8"))))
        except (ValueError, TypeError, KeyError, AttributeError):
            continue  # reported by the records check
        batch[-1].id = doc_id
        docs += 1
        if len(batch) >= BATCH:
            compare()
    if batch:
        compare()
    scratch.close()
    if "search_docs" in tables and conn.dialect.name == "sqlite":
        docs_rows = conn.execute("SELECT count(*) FROM search_docs").fetchone()[0]
        fts_rows = conn.execute("SELECT count(*) FROM search_fts").fetchone()[0]
        missing = conn.execute(
            "SELECT count(*) FROM search_docs d WHERE NOT EXISTS (SELECT 1 FROM search_fts f WHERE f.rowid = d.rowid)"
        ).fetchone()[0]
        if fts_rows != docs_rows or missing:
            check.add(f"search_fts: {fts_rows} full-text rows for {docs_rows} search rows ({missing} missing);"
                      " run 'opis reindex'")
    check.summary = f"{len(tables)} tables agree with {docs} records" if check.ok else "derived rows disagree with records"
