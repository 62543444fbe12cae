"""Derived tables kept in step with the records, inside the same transaction as the upsert.

Each area of opis (archival references, entities, claims, search) is an indexer:
``write(conn, doc)`` adds its rows for a document, ``delete(conn, doc_id)`` removes them. They
are registered through the ``register_indexers`` hook (the built-ins in
:mod:`opis.plugins_builtin.indexers`). The record JSON stays the source of truth; every derived
table can be rebuilt from it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

from opis.model import Document


@dataclass(frozen=True)
class Indexer:
    """One derived table family: its name and how to write and delete a document's rows."""

    name: str
    write: Callable[[sqlite3.Connection, Document], None]
    delete: Callable[[sqlite3.Connection, str], None]


_CACHE: list = []  # [(the plugin manager and its plugins, their indexers)]: asked once per set of plugins


def indexers() -> list[Indexer]:
    """Every registered indexer, the built-ins first, in the order they are written (the hook is
    called again only when the registered plugins change)."""
    from opis.plugins import by_name, get_plugin_manager

    pm = get_plugin_manager()
    key = (id(pm), frozenset(id(p) for p in pm.get_plugins()))
    if not _CACHE or _CACHE[0][0] != key:
        _CACHE[:] = [(key, list(by_name(pm.hook.register_indexers()).values()))]
    return list(_CACHE[0][1])
