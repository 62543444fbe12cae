"""What the app was started with, and the per-request store."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass

from fastapi import Request

from opis.errors import StoreError
from opis.store import Store


@dataclass(frozen=True)
class Settings:
    db_path: str
    allow_write: bool = False
    token: str | None = None

    @classmethod
    def make(cls, db_path: str, allow_write: bool = False, token: str | None = None) -> Settings:
        if allow_write and not token:
            raise StoreError("--allow-write needs a --token (clients send 'Authorization: Bearer TOKEN')")
        if not os.path.exists(db_path):
            raise StoreError(f"no such database (run 'opis ingest PATH --db {db_path}' first)", db_path)
        Store(db_path).close()  # apply pending migrations once, at start
        return cls(db_path, allow_write, token if allow_write else None)


def get_store(request: Request) -> Iterator[Store]:
    """One SQLite connection per request (sqlite3 connections are per thread)."""
    store = Store(request.app.state.settings.db_path)
    try:
        yield store
    finally:
        store.close()
