"""What the app was started with, and the per-request store."""

from __future__ import annotations

import os
import threading
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


_local = threading.local()


def get_store(request: Request) -> Store:
    """The calling worker thread's store (sqlite3 connections belong to one thread).

    Kept open between requests so SQLite's page cache stays warm; reads run in autocommit, so
    each request sees everything committed before it.
    """
    path = request.app.state.settings.db_path
    stores: dict[str, Store] = getattr(_local, "stores", None) or {}
    _local.stores = stores
    store = stores.get(path)
    if store is None:
        store = stores[path] = Store(path)
    return store
