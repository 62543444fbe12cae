"""Persistence behind one interface. SQLite is the embedded default."""

from opis.store.sqlite import DEFAULT_DB, Store

__all__ = ["DEFAULT_DB", "Store", "open_store"]


def open_store(path: str | None = None) -> Store:
    """Open (and create or migrate if needed) the store at ``path``, default ``opis.db``."""
    return Store(path or DEFAULT_DB)
