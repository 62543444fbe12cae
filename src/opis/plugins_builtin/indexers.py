"""The built-in derived tables: archival references, entities, claims and the FTS5 search rows."""

from __future__ import annotations

import importlib

from opis.hookspecs import hookimpl
from opis.store.indexers import Indexer

# indexer name -> module with write(conn, doc) and delete(conn, doc_id); written in this order
INDEXERS = {
    "archrefs": "opis.store.archrefs",
    "entities": "opis.store.entities",
    "claims": "opis.store.claims",
    "search": "opis.search.sqlite_index",
}


@hookimpl
def register_indexers() -> list[Indexer]:
    """One indexer per module of ``INDEXERS``, each owning its tables and migration file."""
    out = []
    for name, module_name in INDEXERS.items():
        module = importlib.import_module(module_name)
        out.append(Indexer(name, module.write, module.delete))
    return out
