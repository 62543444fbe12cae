"""Schema migrations: the ``*.sql`` files beside this module, applied once each, in name order.

Each area of opis owns its own file (``0001_core.sql``, ``0002_archrefs.sql`` ...). A file is
applied in one transaction and recorded in ``schema_migrations``.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from importlib import resources


def migration_files() -> list[tuple[str, str]]:
    folder = resources.files("opis.store") / "migrations"
    files = sorted(
        (f.name, f.read_text(encoding="utf-8")) for f in folder.iterdir() if f.name.endswith(".sql")
    )
    return files


def migrate(conn: sqlite3.Connection) -> list[str]:
    """Apply pending migrations; return the names applied."""
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
    )
    done = {row[0] for row in conn.execute("SELECT name FROM schema_migrations")}
    applied = []
    for name, sql in migration_files():
        if name in done:
            continue
        with conn:
            for statement in _statements(sql):
                conn.execute(statement)
            conn.execute(
                "INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)",
                (name, datetime.now(UTC).isoformat(timespec="seconds")),
            )
        applied.append(name)
    return applied


def _statements(sql: str) -> list[str]:
    """Split a migration into statements (complete_statement handles triggers and strings)."""
    out, buf = [], ""
    for line in sql.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            if buf.strip():
                out.append(buf)
            buf = ""
    if buf.strip() and not all(ln.strip().startswith("--") or not ln.strip() for ln in buf.splitlines()):
        out.append(buf)
    return out
