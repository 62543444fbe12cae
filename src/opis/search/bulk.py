"""Bulk load: many records into the store with their search word lists, in large transactions.

For loading a large archive (or the benchmark corpus) without the per-document pipeline:
records (``Document.to_dict()`` shape, with ``id`` and ``provenance``) are written through
:meth:`opis.store.Store.write` (the record, its text, the change journal, the word list of
prefix queries and the FTS5 rows while FTS5 is kept), a batch per transaction
(:meth:`opis.store.Store.batch`). Other areas' derived tables are written too when
``all_indexers`` is true. The tantivy index follows at its next sync, from the journal.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from opis.errors import StoreError
from opis.model import Document


def bulk_load(store, records: Iterable[dict[str, Any]], batch: int = 2000, all_indexers: bool = True) -> int:
    """Write ``records`` with their search rows; return how many were written."""
    only = None if all_indexers else ("search",)
    n = 0
    buf: list[dict[str, Any]] = []

    def flush() -> None:
        with store.batch(f"bulk loading {len(buf)} records"):  # all of a batch, or none of it
            for rec in buf:
                store.write(Document.from_dict(rec), record=rec, only=only)
        buf.clear()

    for rec in records:
        if not rec.get("id") or not (rec.get("provenance") or {}).get("sha256"):
            raise StoreError(f"bulk load: record {rec.get('id')!r} has no id or provenance.sha256", store.path)
        buf.append(rec)
        n += 1
        if len(buf) >= batch:
            flush()
    if buf:
        flush()
    return n
