"""Entities by the first letters of a name: the searchable filter drop-downs and curation forms.

``suggest(store, "chu", "PLACE")`` answers the entities whose label or a variant begins with
"chu" (ASCII letters in any case; other scripts as typed or capitalised), exact names first,
read from the ``entity_names`` index (0010_timeline_buckets.sql) by a range seek per spelling:
the cost is the length of the answer, never the number of entities.
"""

from __future__ import annotations

import json
from typing import Any

MAX_LIMIT = 50
TOP = "\U0010ffff"  # sorts after every character: prefix .. prefix + TOP is the range of a prefix


def _spellings(q: str) -> list[str]:
    """The query as typed, capitalised and lower case (NOCASE folds only ASCII letters)."""
    return list(dict.fromkeys([q, q[:1].upper() + q[1:], q.lower()]))


def suggest(store, q: str, type_: str | None = None, limit: int = 10) -> list[dict[str, Any]]:
    """Up to ``limit`` entities whose label or a variant begins with ``q``: ``{"id", "type",
    "label", "name"}`` (``name``: the name that matched), exact matches first, then by name."""
    q = " ".join(q.split())
    limit = max(1, min(limit, MAX_LIMIT))
    if not q:
        return []
    where, args = ("type = ? AND ", [type_]) if type_ else ("", [])
    found: dict[str, str] = {}
    conn = store.conn
    with store.reading("suggesting entities"):
        for exact in (True, False):
            for spelling in _spellings(q):
                cond, cargs = (("name COLLATE NOCASE = ?", [spelling]) if exact else
                               ("name COLLATE NOCASE >= ? AND name COLLATE NOCASE < ?", [spelling, spelling + TOP]))
                for entity_id, name in conn.execute(
                    f"SELECT entity_id, name FROM entity_names WHERE {where}{cond} ORDER BY name COLLATE NOCASE LIMIT ?",
                    [*args, *cargs, limit]):
                    found.setdefault(entity_id, name)
                if len(found) >= limit:
                    break
            if len(found) >= limit:
                break
        ids = list(found)[:limit]
        rows = {r["id"]: r for r in conn.execute(
            "SELECT id, type, label FROM entities WHERE id IN (SELECT value FROM json_each(?))", (json.dumps(ids),))}
    return [{"id": i, "type": rows[i]["type"], "label": rows[i]["label"], "name": found[i]} for i in ids if i in rows]
