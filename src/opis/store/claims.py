"""Claims and events tables: written with each record, queried and compared across sources.

``list_claims`` filters by what a claim is about (words of its 'what', kind and place, with the
kind vocabulary as synonyms: "crossed" also finds "entered", "fled", "migrated") and by time
(claims whose date overlaps ``date_from``..``date_to``). ``compare_claims`` groups claims of the
same kind whose dates overlap (with some slack, so 22 and 24 April line up) and whose places do
not contradict each other, keeping only groups that more than one source speaks to.
"""

from __future__ import annotations

import heapq
import re
import sqlite3
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from opis.extract.claims import NOUN_CLASSES, VERB_CLASSES, claim_kind
from opis.extract.dates_text import parse_date
from opis.model import Document
from opis.store import aggregates

CLAIM_COLUMNS = (
    "doc_id, n, value, value_text, low, high, unit, qualifier, normalized_value, normalized_unit, what, kind, "
    "date_edtf, date_earliest, date_latest, place, place_label, reported_by, quantity_text, sentence, span_start, span_end,"
    " sentence_start, sentence_end"
)
EVENT_COLUMNS = (
    "doc_id, n, kind, what, actor, date_edtf, date_earliest, date_latest, sentence, span_start, span_end,"
    " sentence_start, sentence_end"
)


def write(conn: sqlite3.Connection, doc: Document) -> None:
    """Write the document's claims and events with their entity links and kept counts (the
    indexer's write; the caller has deleted the document's older rows)."""
    rows = []
    for n, c in enumerate(doc.claims):
        q = c.quantity
        value = c.value if isinstance(c.value, int | float) else None
        d = c.date
        rows.append((
            doc.id, n, value, None if c.value is None else str(c.value), q.low if q else None, q.high if q else None,
            c.unit, c.qualifier, q.normalized_value if q else None, q.normalized_unit if q else None, c.what,
            claim_kind(c.what, c.unit), d.edtf if d else None, d.earliest if d else None, d.latest if d else None,
            c.place, c.place_label, c.reported_by, q.text if q else None, *_sentence(doc.text, c.sentence, c.start, c.end),
        ))
    if rows:
        conn.executemany(f"INSERT INTO claims ({CLAIM_COLUMNS}) VALUES ({', '.join('?' * 24)})", rows)
        aggregates.add_claims(conn, doc.id)
    erows = [
        (doc.id, n, e.kind, e.what, e.actor, e.date.edtf, e.date.earliest, e.date.latest,
         *_sentence(doc.text, e.sentence, e.start, e.end))
        for n, e in enumerate(doc.events)
        if e.date is not None
    ]
    if erows:
        conn.executemany(f"INSERT INTO events ({EVENT_COLUMNS}) VALUES ({', '.join('?' * 13)})", erows)


def _sentence(text: str, sentence: str | None, start: int | None, end: int | None) -> tuple:
    """The columns sentence, span_start, span_end, sentence_start, sentence_end of a claim or
    event: a sentence found in the text is kept as its offsets only (cut from the text when
    read, :func:`with_sentences`), any other (from a summary or a footnote) as written."""
    at = _sentence_span(text, sentence, start)
    return (sentence if at[0] is None else None), start, end, *at


def _sentence_span(text: str, sentence: str | None, start: int | None) -> tuple[int | None, int | None]:
    """Where the claim's sentence lies in the text (the one holding the number at ``start``), or
    (None, None) when it is not found there (a claim from a summary or a footnote)."""
    if not sentence or start is None:
        return None, None
    i = text.find(sentence, max(0, start - len(sentence)))
    if i < 0 or not i <= start < i + len(sentence):
        return None, None
    return i, i + len(sentence)


def delete(conn: sqlite3.Connection, doc_id: str) -> None:
    """Remove the document's claims and events (and take its claims out of the aggregates)."""
    aggregates.remove_claims(conn, doc_id)
    conn.execute("DELETE FROM claims WHERE doc_id = ?", (doc_id,))
    conn.execute("DELETE FROM events WHERE doc_id = ?", (doc_id,))




# --- queries -------------------------------------------------------------------------------------
def date_bounds(date_from: str | None, date_to: str | None) -> tuple[str | None, str | None]:
    """The ISO bounds of a date range given as EDTF or text (either end None: open); a date that
    cannot be read raises QuerySyntaxError."""
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


CUT = "_sentence_at"  # (start, end) of a sentence still to be cut from the text (with_sentences)


def sentence_of(r: sqlite3.Row) -> dict[str, Any]:
    """The ``sentence`` of a claim or event row: as stored, or, when it is kept as offsets into
    the document text, the offsets under ``CUT`` (filled by :func:`with_sentences`)."""
    if r["sentence"] is None and r["sentence_start"] is not None:
        return {"sentence": None, CUT: (r["sentence_start"], r["sentence_end"])}
    return {"sentence": r["sentence"]}


def with_sentences(store, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Fill the ``sentence`` of the claims and events in ``items`` that keep it as offsets, cut
    from their documents' texts (read for these documents only); returns ``items``."""
    todo = [c for c in items if CUT in c]
    upto: dict[str, int] = {}
    for c in todo:  # (each text read as far as its last sentence wanted)
        upto[c["doc_id"]] = max(upto.get(c["doc_id"], 0), c[CUT][1] or 0)
    texts = store.texts(upto, upto) if todo else {}
    for c in todo:
        start, end = c.pop(CUT)
        c["sentence"] = texts.get(c["doc_id"], "")[start:end]
    return items


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
        "text": r["quantity_text"], **sentence_of(r), "start": r["span_start"], "end": r["span_end"],
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


ENTITY_ID = re.compile(r"^[a-z]+[:~][^\s:~]+$")  # place:tacheng, person~puchkov
MAX_SCAN = 5_000  # claims read at most for one page when words must be matched (the first, in order)
ORDER = "coalesce(c.date_earliest, '~'), c.date_latest, c.id"  # undated last (index claims_order)


@dataclass
class _Query:
    """The SQL of a claims listing, and what must still be matched in Python."""

    sql: list[str]
    args: list[Any]
    about: str | None = None  # words matched in Python
    place: str | None = None  # a place name matched in Python


def _floor(store, lo: str) -> str | None:
    """No claim that ends on or after ``lo`` begins before this date (None: unknown); turns the
    overlap test into a range of the date index (two index seeks)."""
    from opis.store.timeline import kept_span

    longest, uncomputable = kept_span(store.conn, "claims")
    if uncomputable:
        return None
    try:
        return (date.fromisoformat(lo[:10]) - timedelta(days=int(longest or 0) + 3)).isoformat()
    except (ValueError, OverflowError):
        return None


def _query(store, about: str | None, lo: str | None, hi: str | None, place: str | None, doc_id: str | None,
           kind: str | None = None, dated: bool = False) -> _Query:
    """Build the listing: an entity named by ``about`` or ``place`` is read through
    ``claim_entities`` (one index range in date order), the rest through the claims' date order."""
    q = _Query([], [])
    entity = about if about and ENTITY_ID.match(about) else None
    place_id = place if place and ENTITY_ID.match(place) else None
    if about and not entity:
        q.about = about
    if place and not place_id:
        q.place = place.lower()
    # with words to match, the documents' titles are joined after the words are (see _run)
    words = bool(q.about or q.place)
    cols = f"c.*, {_HAY}" if words else "c.*, d.title AS title, d.date_edtf AS doc_date"
    docs = "" if words else " JOIN documents d ON d.id = c.doc_id"
    if entity or place_id:
        q.sql.append(f"SELECT {cols} FROM claim_entities ce JOIN claims c ON c.id = ce.claim_id{docs}"
                     " WHERE ce.entity_id = ?")
        q.args.append(entity or place_id)
        if not entity:
            q.sql.append("AND ce.role = 'place'")
        if entity and place_id:
            q.sql.append("AND c.place = ?")
            q.args.append(place_id)
        key, order = "ce.date_key", "ce.date_key, ce.claim_id"
    else:
        q.sql.append(f"SELECT {cols} FROM claims c{docs} WHERE 1=1")
        key, order = "coalesce(c.date_earliest, '~')", ORDER
    _overlapping("c", lo, hi, q.sql, q.args)
    if hi:
        q.sql.append(f"AND {key} <= ?")
        q.args.append(hi)
    floor = _floor(store, lo) if lo else None
    if floor:
        q.sql.append(f"AND {key} >= ?")
        q.args.append(floor)
    if doc_id:
        q.sql.append("AND c.doc_id = ?")
        q.args.append(doc_id)
    if kind is not None:
        q.sql.append("AND c.kind = ?")
        q.args.append(kind)
    if dated:
        q.sql.append(f"AND {key} < '~'")
    q.sql.append(f"ORDER BY {order}")
    return q


def list_claims(
    store,
    about: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    place: str | None = None,
    doc_id: str | None = None,
    limit: int | None = None,
    offset: int = 0,
    kind: str | None = None,
    dated: bool = False,
    sentences: bool = True,
) -> list[dict[str, Any]]:
    """Stored claims, oldest first (undated last), optionally filtered; ``limit`` from ``offset``
    (``sentences``: each claim's sentence cut from its document's text; else a claim kept as
    offsets has them under ``CUT``, for :func:`with_sentences` to fill).

    ``about``: an entity id (``place:tacheng``: claims whose place or reporting party it is,
    one index range) or words (matched with their synonyms in what the claim counts, its kind,
    place and unit). ``place``: a place id, or words of its name. ``kind``: a kind as
    compared (:func:`claim_kinds`); ``dated``: only claims with a date. With a ``limit`` and words to match, at most ``MAX_SCAN``
    claims are read for the page.
    """
    lo, hi = date_bounds(date_from, date_to)
    raw = _kinds_for(store, kind)
    if raw is None:
        out = _run(store, _query(store, about, lo, hi, place, doc_id, dated=dated), limit, offset)
    else:  # one index range per stored kind, merged in date order
        top = None if limit is None else offset + limit
        runs = [_run(store, _query(store, about, lo, hi, place, doc_id, k, dated), top, 0) for k in raw]
        merged = list(heapq.merge(*runs, key=_order_key))
        out = merged[offset:] if limit is None else merged[offset : offset + limit]
    return with_sentences(store, out) if sentences else out


def _order_key(c: dict[str, Any]) -> tuple[str, str, int]:
    return (c["date"]["earliest"] or "~", c["date"]["latest"] or "", c["id"])


# the words of a claim that ``about`` words are looked for in (cf. _matches), as one column
_HAY = ("lower(coalesce(c.what, '') || ' ' || coalesce(c.kind, '') || ' ' || coalesce(c.place_label, '') || ' '"
        " || coalesce(c.place, '') || ' ' || coalesce(c.unit, '') || ' ' || coalesce(c.quantity_text, '')) AS hay")


def _prefilter(q: _Query) -> tuple[list[str], list[Any]]:
    """SQL conditions that every row :func:`_matches` (and the place words) keeps also meets:
    each word, or one of its synonyms, somewhere in the claim's words (ASCII words only: SQLite
    folds the case of ASCII letters alone)."""
    conds: list[str] = []
    args: list[Any] = []
    for word in re.findall(r"[\w'-]+", (q.about or "").lower()):
        syn = sorted(_synonyms(word))
        if all(w.isascii() for w in syn):
            conds.append("(" + " OR ".join("instr(s.hay, ?) > 0" for _ in syn) + ")")
            args += syn
    if q.place and q.place.isascii():
        conds.append("instr(lower(coalesce(s.place, '') || ' ' || coalesce(s.place_label, '')), ?) > 0")
        args.append(q.place)
    return conds, args


def _run(store, q: _Query, limit: int | None, offset: int) -> list[dict[str, Any]]:
    """Run a listing: a page by LIMIT/OFFSET; with words to match, the rows that pass an SQL
    prefilter are matched in Python (among the first MAX_SCAN claims in order when there is a
    ``limit``)."""
    sql, args = " ".join(q.sql), list(q.args)
    if q.about is None and q.place is None:
        if limit is not None or offset:
            sql += " LIMIT ? OFFSET ?"
            args += [-1 if limit is None else limit, offset]
        return [_claim_dict(r) for r in store.conn.execute(sql, args)]
    conds, cargs = _prefilter(q)
    if limit is not None:
        sql += f" LIMIT {MAX_SCAN}"
    # (the subquery's LIMIT bounds the walk; the matched rows alone are sorted)
    sql = (f"SELECT s.*, d.title AS title, d.date_edtf AS doc_date FROM ({sql}) AS s"
           f" JOIN documents d ON d.id = s.doc_id WHERE {' AND '.join(conds) or '1'}"
           " ORDER BY coalesce(s.date_earliest, '~'), s.date_latest, s.id")
    out: list[dict[str, Any]] = []
    skip = offset
    for r in store.conn.execute(sql, args + cargs):
        if limit is not None and len(out) >= limit:
            break
        c = _claim_dict(r)
        if q.about and not _matches(q.about, c):
            continue
        if q.place and q.place not in (c["place"] or "").lower() and q.place not in (c["place_label"] or "").lower():
            continue
        if skip:
            skip -= 1
            continue
        out.append(c)
    return out


def claim_kinds(store, limit: int = 200) -> list[dict[str, Any]]:
    """The kinds of claims as compared (bare verb classes joined to 'people'), most claims first,
    from the ``claim_kinds`` aggregate: ``{"kind", "claims"}``."""
    merged: Counter[str] = Counter()
    for kind, n in store.conn.execute("SELECT kind, claims FROM claim_kinds"):
        if kind:
            merged[_compare_key({"kind": kind})] += n
    return [{"kind": k, "claims": n} for k, n in merged.most_common(limit)]


def _kinds_for(store, kind: str | None) -> list[str] | None:
    """The stored kinds that compare as ``kind`` (None: all kinds)."""
    if not kind:
        return None
    return [k for (k,) in store.conn.execute("SELECT kind FROM claim_kinds") if _compare_key({"kind": k}) == kind]


def _day(s: str) -> date:
    return date.fromisoformat(s)


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
    *,
    kind: str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """Claims about the same kind of thing, overlapping in time and place, side by side.

    Each group: ``{"kind", "what", "date": {"earliest","latest"}, "places", "sources", "claims"}``
    with the claims sorted by date; only groups with at least ``min_sources`` documents. The
    groups are formed among the dated claims ``offset``..``offset + limit`` in date order
    (None: all of them), of one ``kind`` as compared (:func:`claim_kinds`) or of all kinds.
    """
    claims = list_claims(store, about, date_from, date_to, place, limit=limit, offset=offset, kind=kind, dated=True,
                         sentences=False)  # (the sentences of the grouped claims alone are cut, below)
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for c in claims:
        if not c["date"]["earliest"]:
            continue
        if c["unit"] and c["unit"] not in ("%",):  # distances, money, temperatures are not tallies to compare
            continue
        by_kind.setdefault(_compare_key(c), []).append(c)
    groups = [
        _group(k, cl) for k, cs in by_kind.items() for cl in _clusters(cs, slack_days)
        if len({c["doc_id"] for c in cl}) >= min_sources
    ]
    groups.sort(key=lambda g: (g["date"]["earliest"], g["kind"]))
    with_sentences(store, [c for g in groups for c in g["claims"]])
    for c in claims:  # (a claim left out of every group keeps no offsets key)
        c.pop(CUT, None)
    return groups


def _clusters(cs: list[dict[str, Any]], slack_days: int) -> list[list[dict[str, Any]]]:
    """Claims in clusters: each joins the first cluster with a claim close in time and place."""
    clusters: list[list[tuple[int, int, dict[str, Any]]]] = []
    for c in cs:
        lo, hi = _days(c)
        a0, a1 = lo - slack_days, hi + slack_days
        home = next((cl for cl in clusters
                     if any(a0 <= o1 and o0 <= a1 and _places_agree(c, o) for o0, o1, o in cl)), None)
        if home is None:
            clusters.append([(lo, hi, c)])
        else:
            home.append((lo, hi, c))
    return [[c for _lo, _hi, c in cl] for cl in clusters]


def _days(c: dict[str, Any]) -> tuple[int, int]:
    d = c["date"]
    return _day(d["earliest"]).toordinal(), _day(d["latest"] or d["earliest"]).toordinal()


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
    """Dated events (decrees, orders, agreements ...) overlapping the range, oldest first, with
    their document's title and the sentence cut from its text."""
    lo, hi = date_bounds(date_from, date_to)
    sql = ["SELECT e.*, d.title AS title FROM events e JOIN documents d ON d.id = e.doc_id WHERE 1=1"]
    args: list[Any] = []
    _overlapping("e", lo, hi, sql, args)
    sql.append("ORDER BY e.date_earliest, e.date_latest, e.doc_id, e.n")
    return with_sentences(store, [
        {
            "id": r["id"], "doc_id": r["doc_id"], "title": r["title"], "kind": r["kind"], "what": r["what"], "actor": r["actor"],
            "date": {"edtf": r["date_edtf"], "earliest": r["date_earliest"], "latest": r["date_latest"]},
            **sentence_of(r), "start": r["span_start"], "end": r["span_end"],
        }
        for r in store.conn.execute(" ".join(sql), args)
    ])
