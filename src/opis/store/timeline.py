"""One chronological list: document dates, dated claims and events, each linked to its source (the SQL of ``opis.timeline``).

Items: ``{"kind": "document"|"claim"|"event", "date": {"edtf","earliest","latest"}, "label",
"doc_id", "title", "start", "end"}`` (plus ``detail`` with the claim or event fields). ``place``
and ``person`` keep items whose document (for documents) or sentence (for claims and events)
mentions that entity: an authority id (``place:tacheng``) or a name, resolved through
``opis.authority`` when it is available.

Everything is selected in SQL: dates overlap ``date_from``..``date_to`` on the indexed
``date_earliest``/``date_latest`` columns of ``documents``, ``claims`` and ``events``; place and
person filters go through the ``mentions`` table (never the record JSON). Each kind is read in
timeline order with ``LIMIT limit``, so the merged list is the first ``limit`` items of the full
timeline.
"""

from __future__ import annotations

import json
import math
import sqlite3
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from opis.store.claims import _claim_dict, date_bounds

NEAR = 400  # characters: a claim or event is "about" a place mentioned this close to it
DEFAULT_LIMIT = 2000
KIND_ORDER = {"event": 0, "claim": 1, "document": 2}


def _resolve(term: str, type_: str) -> tuple[str | None, str]:
    """(entity id or None, folded name) for a --place/--person value."""
    if ":" in term and " " not in term:
        return term, term.split(":", 1)[1].replace("-", " ").lower()
    entity_id = None
    try:
        from opis import authority

        m = authority.resolve(term, type_)
        if m is not None:
            entity_id = m.entity.id
    except (ImportError, AttributeError):
        pass
    return entity_id, term.lower()


@dataclass(frozen=True)
class MentionMatch:
    """The mentions of one --place/--person filter: a mention type and the values that name it."""

    type: str
    entity_ids: tuple[str, ...]
    surfaces: tuple[str, ...]
    glosses: tuple[str, ...]

    def sql(self, alias: str = "m") -> tuple[str, list[Any]]:
        """WHERE condition (on mentions ``alias``) and its parameters."""
        cond = (
            f"{alias}.type = ? AND {alias}.note IS NULL AND ("
            f"{alias}.entity_id IN (SELECT value FROM json_each(?))"
            f" OR {alias}.surface IN (SELECT value FROM json_each(?))"
            f" OR {alias}.gloss IN (SELECT value FROM json_each(?)))"
        )
        return cond, [self.type, json.dumps(self.entity_ids), json.dumps(self.surfaces), json.dumps(self.glosses)]


MAX_NAMES = 200  # distinct surfaces, glosses or entity ids one filter may name (a prefix matches at most these)
FEW_DOCUMENTS = 2000  # a filter naming at most this many documents is read from those documents' rows


def _cases(name: str) -> list[str]:
    """The spellings a name is looked up in: as typed, capitalised, title case, lower and upper case."""
    return list(dict.fromkeys([name, name[:1].upper() + name[1:], name.title(), name.lower(), name.upper()]))


def _prefixed(conn: sqlite3.Connection, column: str, where: str, args: list[Any], prefix: str) -> list[str]:
    """Distinct values of ``column`` in mentions starting with ``prefix`` (an index range, at most MAX_NAMES)."""
    sql = (
        f"SELECT DISTINCT {column} FROM mentions WHERE {where} AND {column} >= ? AND {column} < ?"
        f" ORDER BY {column} LIMIT {MAX_NAMES}"
    )
    return [r[0] for r in conn.execute(sql, [*args, prefix, prefix + "\U0010ffff"])]


def mention_match(store, term: str, type_: str) -> MentionMatch:
    """Which stored mentions a --place/--person value names: by entity id, surface or gloss.

    A mention matches when it is linked to the resolved entity (or to an entity whose id, after
    its type, begins with the name's words joined by '-'), or when its surface or gloss begins
    with the name in any of its usual cases (as typed, Capitalised, lower, UPPER). Every value is
    found by a range of an index, at most MAX_NAMES of each: the cost does not grow with the corpus.
    """
    entity_id, name = _resolve(term, type_)
    conn = store.conn
    dashed = name.replace(" ", "-")
    ids: list[str] = [entity_id] if entity_id else []
    prefixes = {f"{type_.lower()}:{dashed}", f"{type_.lower()}~{dashed}"} if dashed else set()
    if entity_id and ":" in entity_id:
        prefixes.add(entity_id)
    for prefix in sorted(prefixes):
        ids += _prefixed(conn, "entity_id", "entity_id IS NOT NULL", [], prefix)
    surfaces: list[str] = []
    glosses: list[str] = []
    for spelling in _cases(term if ":" not in term else name):
        surfaces += _prefixed(conn, "surface", "type = ?", [type_], spelling)
        glosses += _prefixed(conn, "gloss", "gloss IS NOT NULL", [], spelling)
    return MentionMatch(type_, tuple(dict.fromkeys(ids)), tuple(dict.fromkeys(surfaces)), tuple(dict.fromkeys(glosses)))


def _few_documents(conn: sqlite3.Connection, filters: list[MentionMatch]) -> list[str] | None:
    """The documents every filter's mentions are in, when one filter names at most FEW_DOCUMENTS
    of them (read then from those documents' rows); None when each names more (walked by date)."""
    best: list[str] | None = None
    for f in filters:
        cond, args = f.sql("m")
        docs = [r[0] for r in conn.execute(
            f"SELECT DISTINCT m.doc_id FROM mentions m WHERE {cond} LIMIT {FEW_DOCUMENTS + 1}", args)]
        if len(docs) <= FEW_DOCUMENTS and (best is None or len(docs) < len(best)):
            best = docs
    return best


# How long the longest dated interval of each table is, in days (``SPAN`` = an expression index of
# migration 0007), and which rows could match a range although their span cannot be computed.
SPAN = {
    "documents": ("julianday(coalesce(nullif(date_latest, ''), date_earliest)) - julianday(date_earliest)", "date_earliest > ''"),
    "claims": ("julianday(date_latest) - julianday(date_earliest)", "date_earliest > ''"),
    "events": ("julianday(date_latest) - julianday(date_earliest)", "date_latest > ''"),
}


def _floor(conn: sqlite3.Connection, table: str, lo: str) -> str | None:
    """No interval of ``table`` that ends on or after ``lo`` begins before this date (None: unknown).

    Turns the overlap test into a bounded range on ``date_earliest``: a row can only reach ``lo``
    if it starts at most the longest span of the table before it (two index seeks).
    """
    span, could_match = SPAN[table]
    if conn.execute(f"SELECT 1 FROM {table} WHERE {span} IS NULL AND {could_match} LIMIT 1").fetchone():
        return None
    longest = conn.execute(f"SELECT max({span}) FROM {table}").fetchone()[0]
    try:
        start = date.fromisoformat(lo[:10])
    except ValueError:
        return None
    if longest is None:
        return lo
    try:
        return (start - timedelta(days=math.ceil(longest) + 3)).isoformat()
    except OverflowError:
        return None


def _date_sql(
    conn, table: str, alias: str, lo: str | None, hi: str | None, latest: str, dated: bool = True
) -> tuple[list[str], list[Any]]:
    """Overlap of ``alias``'s interval with lo..hi (``latest``: the SQL for the interval's end).

    ``dated``: only rows with a start date. One lower bound on ``date_earliest`` (the floor, or
    non-empty), so that SQLite walks the date index from there.
    """
    where, args = [], []
    floor = None
    if lo:
        where.append(f"{latest} >= ?")
        args.append(lo)
        floor = _floor(conn, table, lo)
    if floor is not None:
        where.append(f"{alias}.date_earliest >= ?")
        args.append(floor)
    elif dated:
        where.append(f"{alias}.date_earliest > ''")
    if hi:
        where.append(f"{alias}.date_earliest <= ?")
        args.append(hi)
    return where, args


def _near_sql(filters: list[MentionMatch], alias: str) -> tuple[list[str], list[Any]]:
    """Each filter: a matching mention in the same document, within NEAR characters of the span."""
    where, args = [], []
    for f in filters:
        cond, cargs = f.sql("m")
        where.append(
            f"EXISTS (SELECT 1 FROM mentions m WHERE m.doc_id = {alias}.doc_id AND {cond} AND"
            f" ({alias}.span_start IS NULL OR {alias}.span_end IS NULL"
            f" OR (m.span_start < {alias}.span_end + ? AND {alias}.span_start - ? < m.span_end)))"
        )
        args += [*cargs, NEAR, NEAR]
    return where, args


@dataclass(frozen=True)
class Scope:
    """What the place/person filters keep: their mentions, and (when one of them names few
    documents) those documents, so that rows are read by document instead of walked by date."""

    filters: tuple[MentionMatch, ...] = ()
    docs: tuple[str, ...] | None = None

    def doc_sql(self, column: str) -> tuple[list[str], list[Any]]:
        """The condition keeping rows of the few documents (none when there is no such list)."""
        if self.docs is None:
            return [], []
        return [f"{column} IN (SELECT value FROM json_each(?))"], [json.dumps(self.docs)]


def _documents(conn, lo, hi, scope: Scope, limit: int | None) -> list[dict[str, Any]]:
    where, args = _date_sql(conn, "documents", "d", lo, hi, "coalesce(nullif(d.date_latest, ''), d.date_earliest)")
    few, fargs = scope.doc_sql("d.id")
    where, args = where + few, args + fargs
    for f in scope.filters:
        cond, cargs = f.sql("m")
        where.append(f"EXISTS (SELECT 1 FROM mentions m WHERE m.doc_id = d.id AND {cond})")
        args += cargs
    sql = (
        "SELECT d.id, d.title, d.path, d.date_edtf, d.date_earliest, d.date_latest, d.doc_type FROM documents d"
        " WHERE " + " AND ".join(where)
        + " ORDER BY d.date_earliest, coalesce(d.date_latest, ''), d.id LIMIT ?"
    )
    return [
        {
            "kind": "document", "date": {"edtf": d["date_edtf"], "earliest": d["date_earliest"], "latest": d["date_latest"]},
            "label": d["title"] or d["path"], "doc_id": d["id"], "title": d["title"], "start": None, "end": None,
            "detail": {"doc_type": d["doc_type"]},
        }
        for d in conn.execute(sql, [*args, -1 if limit is None else limit])
    ]


def _label_claim(c: dict[str, Any]) -> str:
    value = c["value"]
    if isinstance(value, int):
        value = f"{value:,}"
    parts = [c["qualifier"] or "", str(value), c["unit"] or "", "—", c["what"]]
    if c.get("reported_by"):
        parts.append(f"(according to {c['reported_by']})")
    return " ".join(p for p in parts if p)


def _claims(conn, lo, hi, scope: Scope, limit: int | None) -> list[dict[str, Any]]:
    where, args = _date_sql(conn, "claims", "c", lo, hi, "c.date_latest")
    few, fargs = scope.doc_sql("c.doc_id")
    near, nargs = _near_sql(list(scope.filters), "c")
    index = "claims_doc" if few else "claims_timeline"
    sql = (
        f"SELECT c.*, d.title AS title, d.date_edtf AS doc_date FROM claims c INDEXED BY {index}"
        " JOIN documents d INDEXED BY documents_titles ON d.id = c.doc_id"
        " WHERE " + " AND ".join(where + few + near)
        + " ORDER BY c.date_earliest, coalesce(c.date_latest, ''), c.doc_id, coalesce(c.span_start, 0), c.n LIMIT ?"
    )
    items = []
    for r in conn.execute(sql, [*args, *fargs, *nargs, -1 if limit is None else limit]):
        c = _claim_dict(r)
        items.append({
            "kind": "claim", "date": c["date"], "label": _label_claim(c), "doc_id": c["doc_id"], "title": c["title"],
            "start": c["start"], "end": c["end"], "detail": c,
        })
    return items


def _events(conn, lo, hi, scope: Scope, limit: int | None) -> list[dict[str, Any]]:
    near, nargs = _near_sql(list(scope.filters), "e")
    few, fargs = scope.doc_sql("e.doc_id")
    index = "events_doc" if few else "events_timeline"
    rows: list[sqlite3.Row] = []
    # undated events ('' and NULL alike) sort first; the dated ones walk the date index in order
    for dated in (False, True):
        where, args = _date_sql(conn, "events", "e", lo, hi, "e.date_latest", dated)
        if not dated:
            where.append("(e.date_earliest IS NULL OR e.date_earliest = '')")
        sql = (
            f"SELECT e.*, d.title AS title FROM events e INDEXED BY {index}"
            " JOIN documents d INDEXED BY documents_titles ON d.id = e.doc_id WHERE "
            + " AND ".join(where + few + near)
            + " ORDER BY e.date_earliest, coalesce(e.date_latest, ''), e.doc_id, coalesce(e.span_start, 0), e.n LIMIT ?"
        )
        rows += conn.execute(sql, [*args, *fargs, *nargs, -1 if limit is None else limit - len(rows)]).fetchall()
        if limit is not None and len(rows) >= limit:
            break
    items = []
    for r in rows:
        e = {
            "id": r["id"], "doc_id": r["doc_id"], "title": r["title"], "kind": r["kind"], "what": r["what"], "actor": r["actor"],
            "date": {"edtf": r["date_edtf"], "earliest": r["date_earliest"], "latest": r["date_latest"]},
            "sentence": r["sentence"], "start": r["span_start"], "end": r["span_end"],
        }
        label = e["what"] if not e["actor"] else f"{e['what']} [{e['actor']}]"
        items.append({
            "kind": "event", "date": e["date"], "label": label, "doc_id": e["doc_id"], "title": e["title"],
            "start": e["start"], "end": e["end"], "detail": e,
        })
    return items


def sort_key(item: dict[str, Any]) -> tuple:
    """Timeline order: earliest, latest, events before claims before documents, document, offset."""
    d = item["date"]
    return (d["earliest"] or "", d["latest"] or "", KIND_ORDER[item["kind"]], item["doc_id"], item["start"] or 0)


def timeline(
    store,
    date_from: str | None = None,
    date_to: str | None = None,
    place: str | None = None,
    person: str | None = None,
    kinds: tuple[str, ...] = ("document", "claim", "event"),
    limit: int | None = DEFAULT_LIMIT,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """Items ``offset`` .. ``offset + limit`` (None: all) of the timeline, in chronological order.

    Each kind is read in timeline order, ``offset + limit`` rows at most, so a page costs what
    its depth costs, never the size of the corpus (callers bound ``offset``).
    """
    lo, hi = date_bounds(date_from, date_to)
    filters = tuple(mention_match(store, term, type_) for term, type_ in ((place, "PLACE"), (person, "PERSON")) if term)
    conn = store.conn
    scope = Scope(filters, _few_documents(conn, list(filters)) if filters else None)
    if scope.docs is not None and not scope.docs:
        return []
    upto = None if limit is None else offset + limit
    items: list[dict[str, Any]] = []
    with store.reading("reading the timeline"):
        for kind, fetch in (("document", _documents), ("claim", _claims), ("event", _events)):
            if kind in kinds:
                items += fetch(conn, lo, hi, scope, upto)
    items.sort(key=sort_key)
    return items[offset:upto]


def years(store) -> list[dict[str, Any]]:
    """The timeline's overview: documents, claims and events per year of their earliest date
    (``year`` None: undated), read from the kept counts (``timeline_years``) in O(years)."""
    with store.reading("reading the timeline's years"):
        rows = store.conn.execute(
            "SELECT year, documents, claims, events FROM timeline_years"
            " WHERE documents > 0 OR claims > 0 OR events > 0 ORDER BY year = '', year").fetchall()
    return [{"year": r["year"] or None, "documents": r["documents"], "claims": r["claims"], "events": r["events"]}
            for r in rows]


def rebuild_years(conn: sqlite3.Connection) -> None:
    """Recount ``timeline_years`` from documents, claims and events (inside a write transaction;
    the triggers of 0010_timeline_buckets.sql keep the counts exact after that)."""
    conn.execute("DELETE FROM timeline_years")
    for table, column in (("documents", "documents"), ("claims", "claims"), ("events", "events")):
        conn.execute(
            f"INSERT INTO timeline_years (year, {column})"
            f" SELECT CASE WHEN date_earliest > '' THEN substr(date_earliest, 1, 4) ELSE '' END, count(*) FROM {table}"
            f" WHERE true GROUP BY 1 ON CONFLICT (year) DO UPDATE SET {column} = excluded.{column}")
