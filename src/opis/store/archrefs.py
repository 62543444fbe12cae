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
    for seq, note, ref in _rows(doc):
        if ref.kind != "archival":
            continue
        conn.execute(
            "INSERT INTO archival_refs (doc_id, seq, note, kind, archive, known_archive, fond, opis, delo,"
            " folios, ibid, raw) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (doc.id, seq, note, ref.kind, ref.archive, int(ref.known_archive), level_key(ref.fond),
             level_key(ref.opis), level_key(ref.delo),
             json.dumps(ref.folios, ensure_ascii=False), int(ref.ibid), ref.raw),
        )


def delete(conn: sqlite3.Connection, doc_id: str) -> None:
    conn.execute("DELETE FROM archival_refs WHERE doc_id = ?", (doc_id,))




def canonical_archive(archive: str) -> str:
    """The authority code for any alias; the string itself for an archive the authority lacks."""
    arc = authority.lookup(archive)
    return arc.code if arc else archive


def _where(values: list[str | None]) -> tuple[str, list[Any]]:
    clauses, params = ["kind = 'archival'"], []
    for level, value in zip(LEVELS, values, strict=False):
        if value is None:
            continue
        value = canonical_archive(value) if level == "archive" else level_key(value)
        clauses.append(f"{level} = ?")  # level names come from LEVELS, never from input
        params.append(value)
    return " AND ".join(clauses), params


def archive_tree(store, archive: str | None = None, fond: str | None = None, opis: str | None = None) -> list[dict]:
    """Children of the given level with counts of references and citing documents."""
    given = [archive, fond, opis]
    depth = next((i for i, v in enumerate(given) if v is None), 3)
    child = LEVELS[depth]
    where, params = _where(given[:depth])
    rows = store.conn.execute(
        f"SELECT {child} AS value, count(*) AS refs, count(DISTINCT doc_id) AS documents,"
        f" max(known_archive) AS known FROM archival_refs WHERE {where}"
        f" GROUP BY {child} ORDER BY {child} IS NULL, {child}",
        params,
    ).fetchall()
    out = []
    for r in rows:
        item = {"level": child, child: r["value"], "refs": r["refs"], "documents": r["documents"]}
        if child == "archive" and r["value"]:
            arc = authority.lookup(r["value"])
            item["name"] = arc.name_translit if arc else None
            item["name_en"] = arc.name_en if arc else None
            item["known"] = arc is not None
        out.append(item)
    return out


def citing(store, archive: str, fond: str | None = None, opis: str | None = None, delo: str | None = None) -> list[dict]:
    """Documents and notes that cite the given archive/fond/opis/delo (doc_id, title, note, raw)."""
    where, params = _where([archive, fond, opis, delo])
    rows = store.conn.execute(
        "SELECT r.doc_id, d.title, r.note, r.raw, r.archive, r.fond, r.opis, r.delo, r.folios"
        f" FROM archival_refs r JOIN documents d ON d.id = r.doc_id WHERE {where}"
        " ORDER BY d.date_earliest, r.doc_id, r.seq",
        params,
    ).fetchall()
    return [
        {"doc_id": r["doc_id"], "title": r["title"], "note": r["note"], "raw": r["raw"], "archive": r["archive"],
         "fond": r["fond"], "opis": r["opis"], "delo": r["delo"], "folios": json.loads(r["folios"] or "[]")}
        for r in rows
    ]
