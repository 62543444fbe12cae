"""Claims and events tables: written with each record, queried and compared across sources.

``list_claims`` filters by what a claim is about (words of its 'what', kind and place, with the
kind vocabulary as synonyms: "crossed" also finds "entered", "fled", "migrated") and by time
(claims whose date overlaps ``date_from``..``date_to``). ``compare_claims`` groups claims of the
same kind whose dates overlap (with some slack, so 22 and 24 April line up) and whose places do
not contradict each other, keeping only groups that more than one source speaks to.
"""

from __future__ import annotations

import re
import sqlite3
from collections import Counter
from datetime import date, timedelta
from typing import Any

from opis.extract.claims import NOUN_CLASSES, VERB_CLASSES, claim_kind
from opis.extract.dates_text import parse_date
from opis.model import Document

CLAIM_COLUMNS = (
    "doc_id, n, value, value_text, low, high, unit, qualifier, normalized_value, normalized_unit, what, kind, "
    "date_edtf, date_earliest, date_latest, place, place_label, reported_by, quantity_text, sentence, span_start, span_end"
)
EVENT_COLUMNS = "doc_id, n, kind, what, actor, date_edtf, date_earliest, date_latest, sentence, span_start, span_end"


def write(conn: sqlite3.Connection, doc: Document) -> None:
    rows = []
    for n, c in enumerate(doc.claims):
        q = c.quantity
        value = c.value if isinstance(c.value, int | float) else None
        d = c.date
        rows.append((
            doc.id, n, value, None if c.value is None else str(c.value), q.low if q else None, q.high if q else None,
            c.unit, c.qualifier, q.normalized_value if q else None, q.normalized_unit if q else None, c.what,
            claim_kind(c.what, c.unit), d.edtf if d else None, d.earliest if d else None, d.latest if d else None,
            c.place, c.place_label, c.reported_by, q.text if q else None, c.sentence, c.start, c.end,
        ))
    if rows:
        conn.executemany(f"INSERT INTO claims ({CLAIM_COLUMNS}) VALUES ({', '.join('?' * 22)})", rows)
    erows = [
        (doc.id, n, e.kind, e.what, e.actor, e.date.edtf, e.date.earliest, e.date.latest, e.sentence, e.start, e.end)
        for n, e in enumerate(doc.events)
        if e.date is not None
    ]
    if erows:
        conn.executemany(f"INSERT INTO events ({EVENT_COLUMNS}) VALUES ({', '.join('?' * 11)})", erows)


def delete(conn: sqlite3.Connection, doc_id: str) -> None:
    conn.execute("DELETE FROM claims WHERE doc_id = ?", (doc_id,))
    conn.execute("DELETE FROM events WHERE doc_id = ?", (doc_id,))




# --- queries -------------------------------------------------------------------------------------
def date_bounds(date_from: str | None, date_to: str | None) -> tuple[str | None, str | None]:
    lo = hi = None
    if date_from:
        dv = parse_date(date_from)
        if dv is None:
            from opis.errors import QuerySyntaxError

            raise QuerySyntaxError(f"not a date: {date_from!r}", date_from)
        lo = dv.earliest
    if date_to:
        dv = parse_date(date_to)
        if dv is None:
            from opis.errors import QuerySyntaxError

            raise QuerySyntaxError(f"not a date: {date_to!r}", date_to)
        hi = dv.latest
    return lo, hi


def _claim_dict(r: sqlite3.Row) -> dict[str, Any]:
    value: Any = r["value"]
    if value is not None and float(value).is_integer():
        value = int(value)
    if value is None:
        value = r["value_text"]
    return {
        "id": r["id"], "doc_id": r["doc_id"], "title": r["title"], "doc_date": r["doc_date"],
        "value": value, "low": r["low"], "high": r["high"], "unit": r["unit"], "qualifier": r["qualifier"],
        "normalized_value": r["normalized_value"], "normalized_unit": r["normalized_unit"],
        "what": r["what"], "kind": r["kind"],
        "date": {"edtf": r["date_edtf"], "earliest": r["date_earliest"], "latest": r["date_latest"]},
        "place": r["place"], "place_label": r["place_label"], "reported_by": r["reported_by"],
        "text": r["quantity_text"], "sentence": r["sentence"], "start": r["span_start"], "end": r["span_end"],
    }


def _synonyms(word: str) -> set[str]:
    w = word.lower()
    out = {w}
    for vocab in (NOUN_CLASSES, VERB_CLASSES):
        for cls, words in vocab.items():
            if w == cls or w in words:
                out |= words | {cls}
    return out


def _matches(about: str, c: dict[str, Any]) -> bool:
    hay = " ".join(str(c.get(k) or "") for k in ("what", "kind", "place_label", "place", "unit", "text")).lower()
    hay_words = set(re.findall(r"[\w'-]+", hay))
    for word in re.findall(r"[\w'-]+", about.lower()):
        syn = _synonyms(word)
        if not (syn & hay_words) and not any(s in hay for s in syn if len(s) > 3):
            return False
    return True


def list_claims(
    store,
    about: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    place: str | None = None,
    doc_id: str | None = None,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """Stored claims, oldest first (undated last), optionally filtered."""
    lo, hi = date_bounds(date_from, date_to)
    sql = [
        "SELECT c.*, d.title AS title, d.date_edtf AS doc_date FROM claims c JOIN documents d ON d.id = c.doc_id WHERE 1=1"
    ]
    args: list[Any] = []
    _overlapping("c", lo, hi, sql, args)
    if doc_id:
        sql.append("AND c.doc_id = ?")
        args.append(doc_id)
    sql.append("ORDER BY c.date_earliest IS NULL, c.date_earliest, c.date_latest, c.doc_id, c.n")
    rows = [_claim_dict(r) for r in store.conn.execute(" ".join(sql), args)]
    if about:
        rows = [c for c in rows if _matches(about, c)]
    if place:
        p = place.lower()
        rows = [c for c in rows if p in (c["place"] or "").lower() or p in (c["place_label"] or "").lower()]
    return rows[:limit] if limit else rows


def _day(s: str) -> date:
    return date.fromisoformat(s)


def _close_in_time(a: dict[str, Any], b: dict[str, Any], slack: int) -> bool:
    da, db = a["date"], b["date"]
    if not da["earliest"] or not db["earliest"]:
        return False
    a0, a1 = _day(da["earliest"]) - timedelta(days=slack), _day(da["latest"] or da["earliest"]) + timedelta(days=slack)
    b0, b1 = _day(db["earliest"]), _day(db["latest"] or db["earliest"])
    return a0 <= b1 and b0 <= a1


def _places_agree(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return not a["place"] or not b["place"] or a["place"] == b["place"]


def compare_claims(
    store,
    about: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    place: str | None = None,
    slack_days: int = 31,
    min_sources: int = 2,
) -> list[dict[str, Any]]:
    """Claims about the same kind of thing, overlapping in time and place, side by side.

    Each group: ``{"kind", "what", "date": {"earliest","latest"}, "places", "sources", "claims"}``
    with the claims sorted by date; only groups with at least ``min_sources`` documents.
    """
    claims = [c for c in list_claims(store, about, date_from, date_to, place) if c["date"]["earliest"]]
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for c in claims:
        if c["unit"] and c["unit"] not in ("%",):  # distances, money, temperatures are not tallies to compare
            continue
        by_kind.setdefault(_compare_key(c), []).append(c)
    groups = [
        _group(kind, cl) for kind, cs in by_kind.items() for cl in _clusters(cs, slack_days)
        if len({c["doc_id"] for c in cl}) >= min_sources
    ]
    groups.sort(key=lambda g: (g["date"]["earliest"], g["kind"]))
    return groups


def _clusters(cs: list[dict[str, Any]], slack_days: int) -> list[list[dict[str, Any]]]:
    """Claims in clusters: each joins the first cluster with a claim close in time and place."""
    clusters: list[list[dict[str, Any]]] = []
    for c in cs:
        home = next((cl for cl in clusters if any(_close_in_time(c, o, slack_days) and _places_agree(c, o) for o in cl)), None)
        if home is None:
            clusters.append([c])
        else:
            home.append(c)
    return clusters


def _group(kind: str, cl: list[dict[str, Any]]) -> dict[str, Any]:
    """A comparison group: its claims sorted by date, their commonest 'what', dates, places and sources."""
    cl.sort(key=lambda c: (c["date"]["earliest"], c["date"]["latest"] or "", c["doc_id"]))
    return {
        "kind": kind,
        "what": Counter(c["what"] for c in cl).most_common(1)[0][0],
        "date": {"earliest": min(c["date"]["earliest"] for c in cl), "latest": max(c["date"]["latest"] or c["date"]["earliest"] for c in cl)},
        "places": sorted({c["place_label"] or c["place"] for c in cl if c["place"] or c["place_label"]}),
        "sources": sorted({f"{c['doc_id']}: {c['title'] or ''}".strip() for c in cl}),
        "claims": cl,
    }


def _compare_key(c: dict[str, Any]) -> str:
    """Kind for comparison: the noun class and verb class; a bare verb class joins its noun class ('people')."""
    kind = c["kind"] or ""
    parts = kind.split()
    if len(parts) == 1 and parts[0] in VERB_CLASSES:
        return f"people {parts[0]}"
    return kind


def _overlapping(alias: str, lo: str | None, hi: str | None, sql: list[str], args: list[Any]) -> None:
    """Add the conditions for rows whose date bounds overlap ``lo``..``hi``."""
    if lo:
        sql.append(f"AND {alias}.date_latest >= ?")
        args.append(lo)
    if hi:
        sql.append(f"AND {alias}.date_earliest <= ?")
        args.append(hi)


def list_events(store, date_from: str | None = None, date_to: str | None = None) -> list[dict[str, Any]]:
    lo, hi = date_bounds(date_from, date_to)
    sql = ["SELECT e.*, d.title AS title FROM events e JOIN documents d ON d.id = e.doc_id WHERE 1=1"]
    args: list[Any] = []
    _overlapping("e", lo, hi, sql, args)
    sql.append("ORDER BY e.date_earliest, e.date_latest, e.doc_id, e.n")
    return [
        {
            "id": r["id"], "doc_id": r["doc_id"], "title": r["title"], "kind": r["kind"], "what": r["what"], "actor": r["actor"],
            "date": {"edtf": r["date_edtf"], "earliest": r["date_earliest"], "latest": r["date_latest"]},
            "sentence": r["sentence"], "start": r["span_start"], "end": r["span_end"],
        }
        for r in store.conn.execute(" ".join(sql), args)
    ]
