"""Derived tables kept in step with the records, inside the same transaction as the upsert.

Each area of opis (archival references, entities, claims, search) registers an indexer:
``write(conn, doc)`` adds its rows for a document, ``delete(conn, doc_id)`` removes them.
The record JSON stays the source of truth; every derived table can be rebuilt from it.
"""

from __future__ import annotations

import importlib
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

from opis.model import Document

# Modules that register indexers when imported; each owns its tables and migration file.
INDEXER_MODULES = [
    "opis.store.archrefs",
    "opis.store.entities",
    "opis.store.claims",
    "opis.search.sqlite_index",
]


@dataclass
class Indexer:
    name: str
    write: Callable[[sqlite3.Connection, Document], None]
    delete: Callable[[sqlite3.Connection, str], None]


_INDEXERS: dict[str, Indexer] = {}
_loaded = False


def register(name: str, write, delete) -> None:
    _INDEXERS[name] = Indexer(name, write, delete)


def indexers() -> list[Indexer]:
    global _loaded
    if not _loaded:
        for mod in INDEXER_MODULES:
            try:
                importlib.import_module(mod)
            except ModuleNotFoundError as exc:
                if exc.name != mod:
                    raise
        _loaded = True
    return list(_INDEXERS.values())
