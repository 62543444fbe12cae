"""The entity index pages (``/entities``): entities by type with their kept counts, sorted and
paged, and the counts per type, read from the aggregates of :mod:`opis.store.aggregates`.

Portable SQL (``?`` parameters, no engine-specific functions). Costs: the default order (most
documents) and the name order within one type walk an index (``entities_rank``,
``entities_type_rank``, ``entities_type``) for one page; the type counts stop at ``COUNT_CAP``
entities a type; the name order over all types and the mentions order sort the entities that
some document mentions (no index keeps those orders).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

COUNT_CAP = 100_000  # entities of a type counted at most (the page says "100,000+")
SORTS = {
    "documents": "n_documents DESC, n_mentions DESC, label",
    "mentions": "n_mentions DESC, n_documents DESC, label",
    "name": "label, id",
}
_COLUMNS = "id, type, label, country, lat, lon, n_documents AS documents, n_mentions AS mentions"


def entity_page(store, type_: str | None = None, sort: str = "documents", limit: int = 50,
                offset: int = 0) -> list[dict[str, Any]]:
    """A page of the entities some document mentions (``type_``: PERSON, PLACE, ORG, UNIT or
    all), in ``sort`` order (documents, mentions or name), ``limit`` from ``offset``."""
    order = SORTS.get(sort, SORTS["documents"])
    where, args = "n_documents > 0", []
    if type_ and sort == "name":
        # by name within a type: walk the (type, label) index, the count a check on each row
        # ("+" keeps the planner off the partial indexes, which would sort the whole type)
        where, order = "type = ? AND +n_documents > 0", "type, label"
        args.append(type_.upper())
    elif type_:
        where += " AND type = ?"
        args.append(type_.upper())
        order = "type, " + order
    sql = f"SELECT {_COLUMNS} FROM entities WHERE {where} ORDER BY {order} LIMIT ? OFFSET ?"
    with store.reading("listing entities"):
        return [dict(r) for r in store.conn.execute(sql, [*args, limit, offset]).fetchall()]


def entities_by_id(store, ids: Iterable[str]) -> list[dict[str, Any]]:
    """The entities of ``ids`` with their counts, in the order of ``ids`` (unknown ids left out)."""
    wanted = list(dict.fromkeys(ids))[:500]
    if not wanted:
        return []
    marks = ",".join("?" * len(wanted))
    with store.reading("reading entities"):
        rows = {r["id"]: dict(r) for r in store.conn.execute(
            f"SELECT {_COLUMNS} FROM entities WHERE id IN ({marks})", wanted).fetchall()}
    return [rows[i] for i in wanted if i in rows]


def type_counts(store, types: Iterable[str] = ("PERSON", "PLACE", "ORG", "UNIT")) -> dict[str, int]:
    """How many entities of each type some document mentions, each counted up to ``COUNT_CAP``
    (an index range per type)."""
    out = {}
    with store.reading("counting entities"):
        for t in types:
            out[t] = store.conn.execute(
                "SELECT count(*) FROM (SELECT 1 FROM entities WHERE type = ? AND n_documents > 0 LIMIT ?) AS x",
                (t, COUNT_CAP)).fetchone()[0]
    return out
