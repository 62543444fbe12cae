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

from opis.store.claims import _claim_dict, date_bounds, sentence_of, with_sentences

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


# The mentions a place/person filter tests: the condition of the partial indexes mentions_entity
# and mentions_type_surface (migration 0015), written as there for SQLite to use them.
FILTERED = "type IN ('PERSON', 'PLACE')"


@dataclass(frozen=True)
class MentionMatch:
    """The mentions of one --place/--person filter: a mention type and the values that name it."""

    type: str
    entity_ids: tuple[str, ...]
    surfaces: tuple[str, ...]
    glosses: tuple[str, ...]

    def sql(self, alias: str = "m") -> tuple[str, list[Any]]:
        """WHERE condition (on mentions ``alias``) and its parameters (at most MAX_NAMES values of each list)."""
        alts, args = [], []
        for column, values in (("entity_id", self.entity_ids), ("surface", self.surfaces), ("gloss", self.glosses)):
            if values:
                alts.append(f"{alias}.{column} IN ({','.join('?' * len(values))})")
                args += list(values)
        cond = f"{alias}.type = ? AND {alias}.{FILTERED} AND {alias}.note IS NULL AND ({' OR '.join(alts) or '0'})"
        return cond, [self.type, *args]


MAX_NAMES = 200  # distinct surfaces, glosses or entity ids one filter may name (a prefix matches at most these)
FEW_DOCUMENTS = 200  # a filter naming at most this many documents is read from those documents' rows


def _cases(name: str) -> list[str]:
    """The spellings a name is looked up in: as typed, capitalised, title case, lower and upper case."""
    return list(dict.fromkeys([name, name[:1].upper() + name[1:], name.title(), name.lower(), name.upper()]))


def _prefixed(conn: sqlite3.Connection, column: str, where: str, args: list[Any], prefix: str,
              table: str = "mentions") -> list[str]:
    """Distinct values of ``column`` in ``table`` starting with ``prefix``, at most MAX_NAMES,
    by a loose index scan: one index seek per distinct value (never a walk over every row of a
    value: a common name has hundreds of thousands of mentions in a large archive)."""
    step = f"SELECT min({column}) FROM {table} WHERE {where} AND {column} > s.v AND {column} < ?"
    sql = (  # (k counts the steps: PostgreSQL refuses a LIMIT inside a recursive query)
        f"WITH RECURSIVE s(v, k) AS (SELECT min({column}), 1 FROM {table} WHERE {where} AND {column} >= ?"
        f" AND {column} < ? UNION ALL SELECT ({step}), s.k + 1 FROM s WHERE s.v IS NOT NULL AND s.k < {MAX_NAMES})"
        " SELECT v FROM s WHERE v IS NOT NULL"
    )
    end = prefix + "\U0010ffff"
    return [r[0] for r in conn.execute(sql, [*args, prefix, end, *args, end])][:MAX_NAMES]


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
    for prefix in sorted(prefixes):  # (the entities some document mentions)
        ids += _prefixed(conn, "id", "n_documents > 0", [], prefix, "entities")
    surfaces: list[str] = []
    glosses: list[str] = []
    for spelling in _cases(term if ":" not in term else name):
        surfaces += _prefixed(conn, "surface", f"type = ? AND {FILTERED} AND note IS NULL", [type_], spelling)
        glosses += _prefixed(conn, "gloss", "gloss IS NOT NULL", [], spelling)
    return MentionMatch(type_, tuple(dict.fromkeys(ids)), tuple(dict.fromkeys(surfaces)), tuple(dict.fromkeys(glosses)))


MAX_SPANS = 5000  # matching mentions of one filter read at once (more: each walked document is read)

Spans = dict[str, list[tuple[int | None, int | None]]]  # document id -> spans of the matching mentions


# How the mentions of one list of values are counted (in the index alone) and read: by the
# indexes of entity ids and of surfaces (both of the mentions outside footnotes) and of glosses.
_SPAN_SQL = {
    "entity_id": (
        "SELECT count(*) FROM (SELECT 1 FROM mentions m INDEXED BY mentions_entity WHERE m.entity_id IN ({marks})"
        f" AND m.{FILTERED} AND m.note IS NULL LIMIT {{limit}})",
        "SELECT m.doc_id, m.n, m.span_start, m.span_end FROM mentions m INDEXED BY mentions_entity"
        " WHERE m.entity_id IN ({marks}) AND {cond}"),
    "surface": (
        "SELECT count(*) FROM (SELECT 1 FROM mentions m INDEXED BY mentions_type_surface WHERE m.type = ?"
        f" AND m.surface IN ({{marks}}) AND m.{FILTERED} AND m.note IS NULL LIMIT {{limit}})",
        "SELECT m.doc_id, m.n, m.span_start, m.span_end FROM mentions m INDEXED BY mentions_type_surface"
        " WHERE m.surface IN ({marks}) AND {cond}"),
    "gloss": (
        "SELECT count(*) FROM (SELECT 1 FROM mentions m INDEXED BY mentions_gloss WHERE m.gloss IN ({marks})"
        " LIMIT {limit})",
        "SELECT m.doc_id, m.n, m.span_start, m.span_end FROM mentions m INDEXED BY mentions_gloss"
        " WHERE m.gloss IN ({marks}) AND {cond}"),
}


def _all_spans(conn: sqlite3.Connection, f: MentionMatch) -> Spans | None:
    """Every mention ``f`` names, by document (None when there are more than MAX_SPANS): one index
    range per list of values (entity ids, surfaces, glosses), each mention read once."""
    cond, args = f.sql("m")
    lists = [(column, values) for column, values in (
        ("entity_id", f.entity_ids), ("surface", f.surfaces), ("gloss", f.glosses)) if values]
    total = 0
    for column, values in lists:  # counted in the indexes first: no row is read for a common name
        targs = [f.type] if column == "surface" else []
        sql = _SPAN_SQL[column][0].format(marks=",".join("?" * len(values)), limit=MAX_SPANS + 1)
        total += conn.execute(sql, [*targs, *values]).fetchone()[0]
    if total > MAX_SPANS:
        return None
    seen: dict[tuple[str, int], tuple[str, int | None, int | None]] = {}
    for column, values in lists:
        sql = _SPAN_SQL[column][1].format(marks=",".join("?" * len(values)), cond=cond)
        rows = conn.execute(sql, [*values, *args]).fetchall()
        seen.update(((r[0], r[1]), (r[0], r[2], r[3])) for r in rows)
        if len(seen) > MAX_SPANS:
            return None
    spans: Spans = {}
    for doc_id, start, end in seen.values():
        spans.setdefault(doc_id, []).append((start, end))
    return spans


# How long the longest dated interval of each table is, in days (``SPAN`` = an expression index of
# migration 0007), and which rows could match a range although their span cannot be computed.
SPAN = {
    "documents": ("julianday(coalesce(nullif(date_latest, ''), date_earliest)) - julianday(date_earliest)", "date_earliest > ''"),
    "claims": ("julianday(date_latest) - julianday(date_earliest)", "date_earliest > ''"),
    "events": ("julianday(date_latest) - julianday(date_earliest)", "date_latest > ''"),
}


KEPT_SPANS = ("claims", "events")  # their longest span is kept in date_spans (0017_size.sql)


def kept_span(conn: sqlite3.Connection, table: str) -> tuple[float | None, bool]:
    """(the longest span in days of a dated row of ``table`` ever written, whether a row was
    written whose span cannot be computed), kept in ``date_spans`` (claims and events)."""
    row = conn.execute("SELECT longest_days, uncomputable FROM date_spans WHERE tbl = ?", (table,)).fetchone()
    return (row[0], bool(row[1])) if row else (None, False)


def rebuild_spans(conn: sqlite3.Connection) -> None:
    """Recompute ``date_spans`` from the claims and events (inside a write transaction)."""
    for table in KEPT_SPANS:
        span, could_match = SPAN[table]
        longest = conn.execute(f"SELECT max({span}) FROM {table}").fetchone()[0]
        uncomputable = conn.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM {table} WHERE {span} IS NULL AND {could_match} LIMIT 1)").fetchone()[0]
        conn.execute("DELETE FROM date_spans WHERE tbl = ?", (table,))
        conn.execute("INSERT INTO date_spans (tbl, longest_days, uncomputable) VALUES (?, ?, ?)",
                     (table, longest, uncomputable))


def _floor(conn: sqlite3.Connection, table: str, lo: str) -> str | None:
    """No interval of ``table`` that ends on or after ``lo`` begins before this date (None: unknown).

    Turns the overlap test into a bounded range on ``date_earliest``: a row can only reach ``lo``
    if it starts at most the longest span of the table before it (two index seeks).
    """
    if table in KEPT_SPANS:
        longest, uncomputable = kept_span(conn, table)
        if uncomputable:
            return None
    else:
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


BUDGET = 1000  # claims or events a filtered page examines at most when walking by date
BUDGET_DOCUMENTS = 250  # documents (each tested by its mentions of the filter's type)
ROUNDS = 1  # budgeted walks one page may make
BUDGET_KNOWN = 2000  # rows of each kind when every filter's mentions are already known (no reads per document)


@dataclass(frozen=True)
class Scope:
    """What the place/person filters keep: their mentions, and (when one of them names few
    documents) those documents, so that rows are read by document instead of walked by date."""

    filters: tuple[MentionMatch, ...] = ()
    docs: tuple[str, ...] | None = None
    spans: tuple[Spans | None, ...] = ()  # per filter: its mentions by document, when few enough to hold

    def doc_sql(self, column: str) -> tuple[list[str], list[Any]]:
        """The condition keeping rows of the few documents (none when there is no such list)."""
        if self.docs is None:
            return [], []
        return [f"{column} IN (SELECT value FROM json_each(?))"], [json.dumps(self.docs)]

    @property
    def walks(self) -> bool:
        """Whether rows are walked by date and tested one by one (then at most BUDGET of them)."""
        return bool(self.filters) and self.docs is None


Key = tuple  # (earliest, latest, kind order, doc id, start, n): the total order of the timeline


@dataclass(frozen=True)
class Kind:
    """How one kind of item is read: its table, alias, index walked by date and key columns."""

    name: str
    table: str
    alias: str
    index: str
    doc_column: str
    latest: str  # the SQL of the interval's end, for the overlap test
    start: str  # the SQL of the span start in the key
    n: str  # the SQL of the last key column


KINDS = {
    "document": Kind("document", "documents", "d", "documents_timeline", "id",
                     "coalesce(nullif(d.date_latest, ''), d.date_earliest)", "0", "0"),
    "claim": Kind("claim", "claims", "c", "claims_timeline", "doc_id", "c.date_latest", "coalesce(c.span_start, 0)", "c.n"),
    "event": Kind("event", "events", "e", "events_timeline", "doc_id", "e.date_latest", "coalesce(e.span_start, 0)", "e.n"),
}


def _key_terms(k: Kind) -> list[str]:
    a = k.alias
    return [f"coalesce({a}.date_earliest, '')", f"coalesce({a}.date_latest, '')", str(KIND_ORDER[k.name]),
            f"{a}.{k.doc_column}", k.start, k.n]


def _key_sql(k: Kind) -> str:
    return ", ".join(_key_terms(k))


def _order_sql(k: Kind, dated: bool = True) -> str:
    """ORDER BY for the key (its constant terms left out: SQLite reads an integer as a column number).
    Dated rows are ordered by the date column itself, so that SQLite walks the date index and sorts
    only the rows of one date, never the whole range."""
    terms = [t for t in _key_terms(k) if not t.isdigit()]
    if dated:
        terms[0] = f"{k.alias}.date_earliest"
    return "ORDER BY " + ", ".join(terms)


def _select_sql(k: Kind) -> str:
    if k.name == "document":
        return "d.id, d.title, d.path, d.date_edtf, d.date_earliest, d.date_latest, d.doc_type"
    if k.name == "claim":
        return "c.*, d.title AS title, d.date_edtf AS doc_date"
    return "e.*, d.title AS title"


def _from_sql(k: Kind, by_doc: bool | None, join: bool = True) -> str:
    """The rows of kind ``k`` walked by document (``by_doc``), by date (False) or read by row id (None)."""
    if k.name == "document":
        return "documents d"
    index = "" if by_doc is None else f" INDEXED BY {k.table}_doc" if by_doc else f" INDEXED BY {k.index}"
    titles = f" JOIN documents d INDEXED BY documents_titles ON d.id = {k.alias}.doc_id" if join else ""
    return f"{k.table} {k.alias}{index}{titles}"


def _conditions(conn, k: Kind, lo, hi, scope: Scope, after: Key | None, dated: bool) -> tuple[list[str], list[Any]]:
    """Dates, the few documents and the cursor (not the mention tests)."""
    where, args = _date_sql(conn, k.table, k.alias, lo, hi, k.latest, dated)
    if not dated:
        where.append(f"({k.alias}.date_earliest IS NULL OR {k.alias}.date_earliest = '')")
    few, fargs = scope.doc_sql(f"{k.alias}.{k.doc_column}")
    where, args = where + few, args + fargs
    if after is not None:
        if dated and after[0]:
            where.append(f"{k.alias}.date_earliest >= ?")
            args.append(after[0])
        where.append(f"({_key_sql(k)}) > ({','.join('?' * len(after))})")
        args += list(after)
    return where, args


def _spans(conn, scope: Scope, docs: list[str]) -> list[Spans]:
    """For each filter: the spans of its matching mentions in ``docs`` (one index seek per document;
    the filters whose mentions are all known take them from the scope)."""
    out = []
    for f, known in zip(scope.filters, scope.spans, strict=True):
        if known is not None:
            out.append(known)
            continue
        out.append(_doc_spans(conn, f, docs))
    return out


# the index that holds each list of values of a filter, then the document and position (mentions
# is keyed by (doc_id, n): a secondary index's entries end with the key)
_BY_DOC_INDEX = {"entity_id": "mentions_entity", "surface": "mentions_type_surface", "gloss": "mentions_gloss"}


def _doc_spans(conn, f: MentionMatch, docs: list[str]) -> Spans:
    """The spans of the mentions ``f`` names in ``docs``: for each list of values (entity ids,
    surfaces, glosses) one seek per document and value in the index of that column, so that only
    the matching mentions are read (not every mention of each document: an article has hundreds).
    (CROSS JOIN: the documents first; left to itself SQLite may walk every mention of a value.)"""
    cond, args = f.sql("m")
    seen: dict[tuple[str, int], tuple[str, int | None, int | None]] = {}
    for column, values in (("entity_id", f.entity_ids), ("surface", f.surfaces), ("gloss", f.glosses)):
        if not values:
            continue
        sql = (f"SELECT m.doc_id, m.n, m.span_start, m.span_end FROM json_each(?) AS j CROSS JOIN mentions m"
               f" INDEXED BY {_BY_DOC_INDEX[column]} WHERE m.{column} IN ({','.join('?' * len(values))})"
               f" AND m.doc_id = j.value AND {cond}")
        for doc_id, n, start, end in conn.execute(sql, [json.dumps(docs), *values, *args]):
            seen[(doc_id, n)] = (doc_id, start, end)
    spans: Spans = {}
    for doc_id, start, end in seen.values():
        spans.setdefault(doc_id, []).append((start, end))
    return spans


def _near(spans: list[tuple[int | None, int | None]], start: int | None, end: int | None) -> bool:
    """A mention within NEAR characters of the span (a row without a span: any mention of its document)."""
    if start is None or end is None:
        return bool(spans)
    return any(s is not None and e is not None and s < end + NEAR and start - NEAR < e for s, e in spans)


def _rows(conn, k: Kind, lo, hi, scope: Scope, limit: int | None, after: Key | None,
          dated: bool = True) -> tuple[list[tuple[Key, sqlite3.Row]], Key | None]:
    """Up to ``limit`` rows of kind ``k`` after the key ``after``, each with its key; and, when a
    filtered walk stopped at its BUDGET of candidates, the key of the last candidate examined.

    With place/person filters the candidates are read as keys and spans only, their documents'
    matching mentions once per document, the test made here; only the kept rows are read whole.
    """
    where, args = _conditions(conn, k, lo, hi, scope, after, dated)
    if not scope.filters:
        rows = conn.execute(f"SELECT {_select_sql(k)}, {_key_sql(k)} FROM {_from_sql(k, False)}"
                            f" WHERE {' AND '.join(where)} {_order_sql(k, dated)} LIMIT ?",
                            [*args, -1 if limit is None else limit]).fetchall()
        return [(tuple(r)[-6:], r) for r in rows], None
    cands, stop, spans = _candidates(conn, k, scope, where, args, dated)
    kept: list[tuple[Key, int]] = []
    for c in cands:
        if all(_near(sp.get(c[6], []), c[1], c[2]) for sp in spans):
            kept.append((tuple(c)[3:], c[0]))
            if limit is not None and len(kept) >= limit:
                break
    a = k.alias
    rids = [rid for _, rid in kept]  # (row ids as parameters: numbers on every engine, at most a budget of them)
    by_id = {r["rowid_"]: r for r in conn.execute(
        f"SELECT {a}.rowid AS rowid_, {_select_sql(k)} FROM {_from_sql(k, None)}"
        f" WHERE {a}.rowid IN ({','.join('?' * len(rids))})", rids)} if rids else {}
    return [(key, by_id[rid]) for key, rid in kept], stop


def _candidates(conn, k: Kind, scope: Scope, where: list[str], args: list[Any],
                dated: bool) -> tuple[list[tuple], Key | None, list[Spans]]:
    """The rows a filtered page examines, as (row id, span start, span end, *key); the key of the
    last when the budget stopped the walk; and each filter's mentions in their documents."""
    a = k.alias
    span = "NULL, NULL" if k.name == "document" else f"{a}.span_start, {a}.span_end"
    known = all(sp is not None for sp in scope.spans)
    budget = BUDGET_KNOWN if known else BUDGET_DOCUMENTS if k.name == "document" else BUDGET
    keys = ", ".join(f"{t} AS k{i}_" for i, t in enumerate(_key_terms(k)))
    inner = (f"SELECT {a}.rowid AS rid_, {span}, {keys} FROM {_from_sql(k, scope.docs is not None, join=False)}"
             f" WHERE {' AND '.join(where)} {_order_sql(k, dated)} LIMIT ?")
    if known and scope.walks:  # only the candidates of documents with a matching mention, and the last one examined
        docs = set.intersection(*(set(sp) for sp in scope.spans if sp is not None))
        rows = [tuple(r) for r in conn.execute(
            f"SELECT * FROM (SELECT *, count(*) OVER () AS n_, row_number() OVER () AS i_ FROM ({inner}))"
            " WHERE i_ = n_ OR k3_ IN (SELECT value FROM json_each(?))", [*args, budget, json.dumps(sorted(docs))])]
        stop = rows[-1][3:9] if rows and rows[-1][9] >= budget and rows[-1][10] == rows[-1][9] else None
        return [r[:9] for r in rows if r[6] in docs], stop, list(scope.spans)
    cands = [tuple(r) for r in conn.execute(inner, [*args, budget if scope.walks else -1])]
    stop = cands[-1][3:] if scope.walks and len(cands) >= budget else None
    spans = list(scope.spans) if known else _spans(conn, scope, list(dict.fromkeys(c[6] for c in cands)))
    return cands, stop, spans


def _document_item(d: sqlite3.Row) -> dict[str, Any]:
    return {
        "kind": "document", "date": {"edtf": d["date_edtf"], "earliest": d["date_earliest"], "latest": d["date_latest"]},
        "label": d["title"] or d["path"], "doc_id": d["id"], "title": d["title"], "start": None, "end": None,
        "detail": {"doc_type": d["doc_type"]},
    }


def _label_claim(c: dict[str, Any]) -> str:
    value = c["value"]
    if isinstance(value, int):
        value = f"{value:,}"
    parts = [c["qualifier"] or "", str(value), c["unit"] or "", "—", c["what"]]
    if c.get("reported_by"):
        parts.append(f"(according to {c['reported_by']})")
    return " ".join(p for p in parts if p)


def _claim_item(r: sqlite3.Row) -> dict[str, Any]:
    c = _claim_dict(r)
    return {"kind": "claim", "date": c["date"], "label": _label_claim(c), "doc_id": c["doc_id"], "title": c["title"],
            "start": c["start"], "end": c["end"], "detail": c}


def _event_item(r: sqlite3.Row) -> dict[str, Any]:
    e = {
        "id": r["id"], "doc_id": r["doc_id"], "title": r["title"], "kind": r["kind"], "what": r["what"], "actor": r["actor"],
        "date": {"edtf": r["date_edtf"], "earliest": r["date_earliest"], "latest": r["date_latest"]},
        **sentence_of(r), "start": r["span_start"], "end": r["span_end"],
    }
    label = e["what"] if not e["actor"] else f"{e['what']} [{e['actor']}]"
    return {"kind": "event", "date": e["date"], "label": label, "doc_id": e["doc_id"], "title": e["title"],
            "start": e["start"], "end": e["end"], "detail": e}


ITEM = {"document": _document_item, "claim": _claim_item, "event": _event_item}


def _fetch(conn, kind: str, lo, hi, scope: Scope, limit: int | None,
           after: Key | None) -> tuple[list[tuple[Key, dict[str, Any]]], Key | None]:
    """Keyed items of one kind in timeline order (events: the undated ones first), and the key
    where a budgeted walk stopped (None: nothing left unexamined before the last item)."""
    k = KINDS[kind]
    phases = (False, True) if kind == "event" else (True,)
    out: list[tuple[Key, dict[str, Any]]] = []
    for dated in phases:
        if not dated and after is not None and after[0]:
            continue  # the cursor is past the undated events
        rows, stop = _rows(conn, k, lo, hi, scope, None if limit is None else limit - len(out), after, dated)
        out += [(key, ITEM[kind](r)) for key, r in rows]
        if stop is not None:
            return out, stop
        if limit is not None and len(out) >= limit:
            break
    return out, None


def sort_key(item: dict[str, Any]) -> tuple:
    """Timeline order: earliest, latest, events before claims before documents, document, offset."""
    d = item["date"]
    return (d["earliest"] or "", d["latest"] or "", KIND_ORDER[item["kind"]], item["doc_id"], item["start"] or 0)


@dataclass
class TimelinePage:
    """One page of the timeline and the cursor of the next (None: the timeline ends here).
    ``examined_to``: when a filtered walk stopped at its budget, the date it reached."""

    items: list[dict[str, Any]]
    next: str | None = None
    examined_to: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The page as JSON."""
        return {"items": self.items, "next": self.next, "examined_to": self.examined_to}


def encode_cursor(key: Key) -> str:
    """A key as the ``cursor`` parameter of the next page."""
    return "|".join(str(v) for v in key)


def decode_cursor(cursor: str) -> Key:
    """The key a ``cursor`` names; ValueError when it is not one."""
    parts = cursor.split("|")
    if len(parts) != 6:
        raise ValueError(f"not a timeline cursor: {cursor!r}")
    return (parts[0], parts[1], int(parts[2]), parts[3], int(parts[4]), int(parts[5]))


def _scope(store, place: str | None, person: str | None) -> Scope:
    """The filters, their mentions when few enough, and the documents when all filters name few."""
    filters = tuple(mention_match(store, term, type_) for term, type_ in ((place, "PLACE"), (person, "PERSON")) if term)
    spans = tuple(_all_spans(store.conn, f) for f in filters)
    docs = None
    for sp in spans:
        if sp is not None and len(sp) <= FEW_DOCUMENTS:
            mine = set(sp)
            docs = mine if docs is None else docs & mine
    return Scope(filters, None if docs is None else tuple(sorted(docs)), spans)


def _with_sentences(store, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The items, the sentences of their claims and events cut from the texts (this page's only)."""
    with_sentences(store, [i["detail"] for i in items if i["kind"] != "document"])
    return items


def _page(store, items: list[dict[str, Any]], cursor: str | None = None, examined_to: str | None = None) -> TimelinePage:
    return TimelinePage(_with_sentences(store, items), cursor, examined_to)


def timeline_page(
    store,
    date_from: str | None = None,
    date_to: str | None = None,
    place: str | None = None,
    person: str | None = None,
    kinds: tuple[str, ...] = ("document", "claim", "event"),
    limit: int = 100,
    cursor: str | None = None,
) -> TimelinePage:
    """``limit`` items of the timeline after ``cursor`` (None: from the start), and the next cursor.

    Bounded whatever the corpus: each kind reads at most ``limit`` rows past the cursor by index;
    with a place/person filter naming many documents it examines at most BUDGET rows of each
    kind, and the page ends where the examined rows end (the next cursor continues from there).
    """
    lo, hi = date_bounds(date_from, date_to)
    after = decode_cursor(cursor) if cursor else None
    items: list[dict[str, Any]] = []
    with store.reading("reading the timeline"):
        scope = _scope(store, place, person)
        if scope.docs is not None and not scope.docs:
            return _page(store, [])
        for _ in range(ROUNDS):  # a filtered walk goes on from where its budget stopped, a few times
            got, last, stop = _round(store.conn, lo, hi, scope, kinds, limit - len(items), after)
            items += got
            if len(items) >= limit:
                return _page(store, items, encode_cursor(last))
            if stop is None:
                return _page(store, items)
            after = stop
    return _page(store, items, encode_cursor(stop), stop[0] or None)


def _round(conn, lo, hi, scope: Scope, kinds: tuple[str, ...], limit: int,
           after: Key | None) -> tuple[list[dict[str, Any]], Key | None, Key | None]:
    """Up to ``limit`` items after ``after``, the key of the last, and where a budgeted walk stopped."""
    keyed: list[tuple[Key, dict[str, Any]]] = []
    stops: list[Key] = []
    for kind in ("document", "claim", "event"):
        if kind in kinds:
            got, stop = _fetch(conn, kind, lo, hi, scope, limit + 1, after)
            keyed += got
            stops += [stop] if stop is not None else []
    keyed.sort(key=lambda ki: ki[0])
    stop = min(stops) if stops else None
    if stop is not None:
        keyed = [ki for ki in keyed if ki[0] <= stop]
    if len(keyed) >= limit:
        keyed = keyed[:limit]
        return [i for _, i in keyed], keyed[-1][0], None
    return [i for _, i in keyed], keyed[-1][0] if keyed else None, stop


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
    """Items ``offset`` .. ``offset + limit`` (None: all) of the timeline, in chronological order
    (every matching row is tested: for bounded pages of a filtered timeline use :func:`timeline_page`).

    Each kind is read in timeline order, ``offset + limit`` rows at most, so a page costs what
    its depth costs (callers bound ``offset``).
    """
    lo, hi = date_bounds(date_from, date_to)
    upto = None if limit is None else offset + limit
    with store.reading("reading the timeline"):
        scope = _scope(store, place, person)
        if scope.docs is not None and not scope.docs:
            return []
        keyed: list[tuple[Key, dict[str, Any]]] = []
        for kind in ("document", "claim", "event"):
            if kind in kinds:
                keyed += _fetch_all(store.conn, kind, lo, hi, scope, upto)
    keyed.sort(key=lambda ki: ki[0])
    return _with_sentences(store, [i for _, i in keyed[offset:upto]])


def _fetch_all(conn, kind: str, lo, hi, scope: Scope, limit: int | None) -> list[tuple[Key, dict[str, Any]]]:
    """Every matching row of one kind up to ``limit`` (walks without a budget)."""
    out: list[tuple[Key, dict[str, Any]]] = []
    after = None
    while True:
        got, stop = _fetch(conn, kind, lo, hi, scope, None if limit is None else limit - len(out), after)
        out += got
        if stop is None or (limit is not None and len(out) >= limit):
            return out
        after = stop


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
