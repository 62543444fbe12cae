"""The longest date span of the claims and events, kept in ``date_spans`` by triggers
(0017_size.sql) in place of an index over every row: the same values as a scan of the tables,
never lower after a delete, recomputed by a rebuild."""

from __future__ import annotations

import json

from opis.model import Document
from opis.store import Store
from opis.store.timeline import SPAN, kept_span


def _scanned(store: Store, table: str) -> tuple[float | None, bool]:
    span, could_match = SPAN[table]
    longest = store.conn.execute(f"SELECT max({span}) FROM {table}").fetchone()[0]
    bad = store.conn.execute(f"SELECT 1 FROM {table} WHERE {span} IS NULL AND {could_match} LIMIT 1").fetchone()
    return longest, bool(bad)


def test_kept_spans_follow_writes_and_rebuilds(tmp_path, seed_records):
    docs = [Document.from_dict(json.loads(json.dumps(r))) for r in seed_records.values()]
    with Store(tmp_path / "s.db") as store:
        assert kept_span(store.conn, "claims") == (None, False)
        for doc in docs:
            store.write(doc)
        for table in ("claims", "events"):
            assert kept_span(store.conn, table) == _scanned(store, table)
            assert _scanned(store, table)[0] is not None  # (the seeds have dated claims and events)
        widest = store.conn.execute(
            f"SELECT doc_id FROM claims ORDER BY {SPAN['claims'][0]} DESC LIMIT 1").fetchone()[0]
        before = kept_span(store.conn, "claims")
        store.delete(widest)
        assert kept_span(store.conn, "claims") == before  # a delete never lowers it
        assert _scanned(store, "claims")[0] is None or _scanned(store, "claims")[0] <= before[0]
        store.rederive()
        for table in ("claims", "events"):
            assert kept_span(store.conn, table) == _scanned(store, table)
        names = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
        assert not names & {"claims_span", "events_span"}
