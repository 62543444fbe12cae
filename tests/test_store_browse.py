"""The entity index's queries (opis.store.browse) read a page by index where an index keeps the
order: SQLite's own query plans, on the sample corpus."""

from __future__ import annotations

import pytest

from opis.store import browse


class Recorder:
    """A store whose connection records the statements it runs (and runs them)."""

    def __init__(self, store):
        self.store, self.statements = store, []

    def reading(self, doing: str = ""):
        return self.store.reading(doing)

    @property
    def conn(self):
        outer = self

        class Conn:
            def execute(self, sql, args=()):
                outer.statements.append((sql, list(args)))
                return outer.store.conn.execute(sql, args)

        return Conn()


@pytest.mark.parametrize("seed_db", ["sqlite"], indirect=True)  # (SQLite's query plan)
@pytest.mark.parametrize(("type_", "sort"), [(None, "documents"), ("PLACE", "documents"), ("PLACE", "name")])
def test_index_orders_read_one_page_without_sorting(seed_db, type_, sort):
    rec = Recorder(seed_db)
    rows = browse.entity_page(rec, type_, sort, limit=5)
    assert rows and all(r["documents"] > 0 for r in rows)
    sql, args = rec.statements[-1]
    plan = " | ".join(r[3] for r in seed_db.conn.execute("EXPLAIN QUERY PLAN " + sql, args))
    assert "USING INDEX" in plan and "TEMP B-TREE" not in plan, plan


def test_orders_agree_with_the_counts(seed_db):
    by_docs = browse.entity_page(seed_db, "PLACE", "documents", limit=1000)
    assert [(-r["documents"], -r["mentions"]) for r in by_docs] == sorted((-r["documents"], -r["mentions"]) for r in by_docs)
    by_name = browse.entity_page(seed_db, "PLACE", "name", limit=1000)
    assert {r["id"] for r in by_name} == {r["id"] for r in by_docs}
    assert [r["label"] for r in by_name] == sorted(r["label"] for r in by_name)
    assert browse.type_counts(seed_db)["PLACE"] == len(by_docs)
    assert [r["id"] for r in browse.entities_by_id(seed_db, [by_name[1]["id"], "place:nowhere", by_name[0]["id"]])] == \
        [by_name[1]["id"], by_name[0]["id"]]
