"""The archive tree and "who cites this file": derived rows for every archival reference.

``archive_tree(store)`` lists archives with counts; ``archive_tree(store, "GARF")`` its fonds;
``archive_tree(store, "GARF", "R-9401")`` the opisi; one level more, the dela.
``citing(store, "RGASPI", "17")`` lists the documents and notes that cite RGASPI f. 17.
Archive arguments may be any alias the authority knows (``GA RF``, ``RTsKhIDNI``).
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from unidecode import unidecode

from opis.authority import archives as authority
from opis.model import Document

LEVELS = ("archive", "fond", "opis", "delo")


def _rows(doc: Document):
    seq = 0
    for ref in doc.archival_refs:
        yield seq, None, ref
        seq += 1
    for note in doc.notes:
        for ref in note.archival_refs:
            yield seq, note.n, ref
            seq += 1


def level_key(value: str | None) -> str | None:
    """Fond/opis/delo as the tree keys them: Cyrillic letters transliterated ('Р-9401' = 'R-9401')."""
    if value is None:
        return None
    return unidecode(value) if any("\u0400" <= ch <= "\u04ff" for ch in value) else value


def write(conn: sqlite3.Connection, doc: Document) -> None:
    """Write the document's archival references (in the text and in notes) to ``archival_refs``; other kinds
    are not indexed."""
    conn.executemany(
        "INSERT INTO archival_refs (doc_id, seq, note, kind, archive, known_archive, fond, opis, delo,"
        " folios, ibid, raw, date_earliest) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
        [(doc.id, seq, note, ref.kind, ref.archive, int(ref.known_archive), level_key(ref.fond),
          level_key(ref.opis), level_key(ref.delo),
          json.dumps(ref.folios, ensure_ascii=False), int(ref.ibid), ref.raw, doc.date.earliest)
         for seq, note, ref in _rows(doc) if ref.kind == "archival"])


def delete(conn: sqlite3.Connection, doc_id: str) -> None:
    """Remove the document's rows from ``archival_refs``."""
    conn.execute("DELETE FROM archival_refs WHERE doc_id = ?", (doc_id,))




def canonical_archive(archive: str) -> str:
    """The authority code for any alias; the string itself for an archive the authority lacks."""
    arc = authority.lookup(archive)
    return arc.code if arc else archive


def _where(values: list[str | None]) -> tuple[str, list[Any]]:
    """Rows under the node ``values`` (only archival references are ever written: ``write``)."""
    clauses, params = ["archive IS NOT NULL"], []
    for level, value in zip(LEVELS, values, strict=False):
        if value is None:
            continue
        value = canonical_archive(value) if level == "archive" else level_key(value)
        clauses.append(f"{level} = ?")  # level names come from LEVELS, never from input
        params.append(value)
    return " AND ".join(clauses), params


def _node_where(values: list[str | None]) -> tuple[str, list[Any]]:
    """The children of the node ``values`` (archive, fond, opis given down to the parent) in ``archive_nodes``."""
    clauses, params = ["depth = ?"], [len(values)]
    for level, value in zip(LEVELS, values, strict=False):
        value = canonical_archive(value) if level == "archive" else level_key(value)
        clauses.append(f"{level} = ?")  # level names come from LEVELS, never from input
        params.append(value)
    return " AND ".join(clauses), params


def archive_tree(store, archive: str | None = None, fond: str | None = None, opis: str | None = None,
                 limit: int | None = None, after: str | None = None) -> list[dict]:
    """Children of the given level with counts of references and citing documents.

    Read from the kept counts (``archive_nodes``), in order of the child's value, a level without
    a value last. ``limit`` children after the child ``after`` (keyset paging; None: all).
    """
    given = [archive, fond, opis]
    depth = next((i for i, v in enumerate(given) if v is None), 3)
    child = LEVELS[depth]
    where, params = _node_where(given[:depth])
    n = -1 if limit is None else limit
    with store.reading("reading the archive tree"):
        after_sql, after_args = (f" AND {child} > ?", [after]) if after is not None else (f" AND {child} IS NOT NULL", [])
        rows = store.conn.execute(
            f"SELECT {child} AS value, refs, documents FROM archive_nodes WHERE {where}{after_sql}"
            f" ORDER BY {child} LIMIT ?", [*params, *after_args, n]).fetchall()
        if limit is None or len(rows) < limit:  # the children without a value at this level come last
            rows += store.conn.execute(
                f"SELECT NULL AS value, refs, documents FROM archive_nodes WHERE {where} AND {child} IS NULL",
                params).fetchall()
    out = []
    for r in rows[: None if limit is None else limit]:
        item = {"level": child, child: r["value"], "refs": r["refs"], "documents": r["documents"]}
        if child == "archive" and r["value"]:
            arc = authority.lookup(r["value"])
            item["name"] = arc.name_translit if arc else None
            item["name_en"] = arc.name_en if arc else None
            item["known"] = arc is not None
        out.append(item)
    return out


def citing(store, archive: str, fond: str | None = None, opis: str | None = None, delo: str | None = None,
           limit: int | None = None, offset: int = 0) -> list[dict]:
    """Documents and notes that cite the given archive/fond/opis/delo (doc_id, title, note, raw).

    All of them (``limit`` None) by the citing document's date; a page (``limit`` from ``offset``)
    in the order of the ``archival_refs_citing`` index, the file's place in the tree, then the
    citing document's date, cut from the index before any document row is read.
    """
    where, params = _where([archive, fond, opis, delo])
    if limit is None:  # the whole list (opis archives --citing): by the citing document's date, as always
        with store.reading("reading the references to an archival file"):
            rows = store.conn.execute(
                "SELECT r.doc_id, d.title, r.note, r.raw, r.archive, r.fond, r.opis, r.delo, r.folios"
                f" FROM archival_refs r JOIN documents d ON d.id = r.doc_id WHERE {where}"
                " ORDER BY d.date_earliest, r.doc_id, r.seq", params).fetchall()
        return [_citing_item(r) for r in rows]
    with store.reading("reading the references to an archival file"):
        rows = store.conn.execute(
            "SELECT r.doc_id, d.title, r.note, r.raw, r.archive, r.fond, r.opis, r.delo, r.folios"
            " FROM (SELECT rowid AS rid FROM archival_refs INDEXED BY archival_refs_citing"
            f" WHERE {where} ORDER BY archive, fond, opis, delo, date_earliest, doc_id, seq LIMIT ? OFFSET ?) p"
            " JOIN archival_refs r ON r.rowid = p.rid"
            " JOIN documents d INDEXED BY documents_titles ON d.id = r.doc_id"
            " ORDER BY r.archive, r.fond, r.opis, r.delo, r.date_earliest, r.doc_id, r.seq",
            [*params, -1 if limit is None else limit, offset],
        ).fetchall()
    return [_citing_item(r) for r in rows]


def _citing_item(r: sqlite3.Row) -> dict[str, Any]:
    return {"doc_id": r["doc_id"], "title": r["title"], "note": r["note"], "raw": r["raw"], "archive": r["archive"],
            "fond": r["fond"], "opis": r["opis"], "delo": r["delo"], "folios": json.loads(r["folios"] or "[]")}


def rebuild_nodes(conn: sqlite3.Connection) -> None:
    """Recount ``archive_nodes`` from ``archival_refs`` (call inside a write transaction; the
    triggers of 0010_timeline_buckets.sql keep the counts exact after that)."""
    conn.execute("DELETE FROM archive_nodes")
    for depth in range(4):
        cols = ", ".join(LEVELS[: depth + 1])
        conn.execute(
            f"INSERT INTO archive_nodes (key, depth, {cols}, refs, documents)"
            f" SELECT json_array({cols}), {depth}, {cols}, count(*), count(DISTINCT doc_id) FROM archival_refs"
            f" WHERE kind = 'archival' GROUP BY {cols}")
