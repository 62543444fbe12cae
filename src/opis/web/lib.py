"""The library functions the web layer calls, imported lazily.

Other areas of opis (search, entities, claims, archival references, exports) provide these
functions; a page for an area that is not installed shows what exists instead of failing.
Every route handler goes through this module, so the API and the pages call the same code.
"""

from __future__ import annotations

import importlib
import json
from types import ModuleType
from typing import Any

from opis.errors import NotFound, OpisError
from opis.store import Store
from opis.web.gate import gate


class Unavailable(OpisError):
    """A feature whose library module is not installed (yet)."""


def optional(module: str) -> ModuleType | None:
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name and module.startswith(exc.name):
            return None
        raise


def _need(module: str, attr: str):
    mod = optional(module)
    fn = getattr(mod, attr, None) if mod else None
    if fn is None:
        raise Unavailable(f"{module}.{attr} is not available in this installation")
    return fn


def available(module: str, attr: str) -> bool:
    mod = optional(module)
    return bool(mod and hasattr(mod, attr))


# --- documents ---------------------------------------------------------------------------


COLUMNS = "id, title, date_edtf, date_earliest, date_latest, doc_type, classification, language"


def list_documents(store: Store, limit: int = 50, offset: int = 0, *, doc_type: str | None = None,
                   date_from: str | None = None, date_to: str | None = None,
                   archive: str | None = None) -> dict[str, Any]:
    """Documents by date (undated last) with simple filters; parameterised SQL over the core table.

    Dated and undated records are paged in two index-ordered queries, so a page deep in a large
    archive is an index walk, not a sort of every record.
    """
    where, args = [], []
    if doc_type:
        where.append("doc_type = ?")
        args.append(doc_type)
    if date_from:
        where.append("(date_latest IS NULL OR date_latest >= ?)")
        args.append(date_from)
    if date_to:
        where.append("(date_earliest IS NULL OR date_earliest <= ?)")
        args.append(date_to)
    if archive:
        if _has_table(store, "archival_refs"):
            where.append("id IN (SELECT doc_id FROM archival_refs WHERE archive = ?)")
        else:
            where.append("EXISTS (SELECT 1 FROM json_each(documents.record, '$.archival_refs') r"
                         " WHERE json_extract(r.value, '$.archive') = ?)")
        args.append(archive)

    def cond(*extra: str) -> str:
        parts = [*where, *extra]
        return (" WHERE " + " AND ".join(parts)) if parts else ""

    total = store.conn.execute("SELECT count(*) FROM documents" + cond(), args).fetchone()[0]
    ids = [r[0] for r in store.conn.execute(
        "SELECT id FROM documents" + cond("date_earliest IS NOT NULL")
        + " ORDER BY date_earliest, title, id LIMIT ? OFFSET ?", [*args, limit, offset])]
    if len(ids) < limit:
        dated = store.conn.execute(
            "SELECT count(*) FROM documents" + cond("date_earliest IS NOT NULL"), args).fetchone()[0]
        ids += [r[0] for r in store.conn.execute(
            "SELECT id FROM documents" + cond("date_earliest IS NULL") + " ORDER BY title, id LIMIT ? OFFSET ?",
            [*args, limit - len(ids), max(0, offset - dated)])]
    rows = {r["id"]: dict(r) for r in store.conn.execute(
        f"SELECT {COLUMNS} FROM documents WHERE id IN (SELECT value FROM json_each(?))", (json.dumps(ids),))}
    return {"total": total, "limit": limit, "offset": offset, "documents": [rows[i] for i in ids if i in rows]}


def _has_table(store: Store, name: str) -> bool:
    return store.conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).fetchone() is not None


def document_types(store: Store) -> list[str]:
    """The distinct document types, by a loose index scan (one index probe per type)."""
    rows = store.conn.execute(
        """WITH RECURSIVE t(v) AS (
               SELECT min(doc_type) FROM documents
               UNION ALL
               SELECT (SELECT min(doc_type) FROM documents WHERE doc_type > t.v) FROM t WHERE t.v IS NOT NULL)
           SELECT v FROM t WHERE v IS NOT NULL"""
    ).fetchall()
    return [r[0] for r in rows]


def get_record(store: Store, ident: str) -> dict[str, Any]:
    return store.get_dict(ident)


def titles(store: Store, ids: list[str]) -> dict[str, str | None]:
    if not ids:
        return {}
    rows = store.conn.execute(
        "SELECT id, title FROM documents WHERE id IN (SELECT value FROM json_each(?))", (json.dumps(ids),)
    ).fetchall()
    return {r["id"]: r["title"] for r in rows}


# --- search ------------------------------------------------------------------------------


def search(store: Store, query: str, limit: int = 10, offset: int = 0, exact: bool = False) -> dict[str, Any]:
    """A search run whole behind the database's search gate (:mod:`opis.web.gate`), in a read
    snapshot that begins inside the gate (a request's earlier snapshot is ended first)."""
    fn = _need("opis.search", "search")
    with gate(store.path).hold():
        if store.conn.in_transaction:
            store.conn.rollback()  # a read transaction only: nothing to lose
            store.conn.execute("BEGIN")
        return fn(store, query, limit=limit, offset=offset, exact=exact).to_dict()


def search_available() -> bool:
    return available("opis.search", "search")


def words_pending(store: Store) -> bool:
    """The database's word list for prefix queries waits for ``opis reindex``."""
    return bool(available("opis.search.words", "pending") and _need("opis.search.words", "pending")(store.conn))


# --- entities ----------------------------------------------------------------------------


def get_entity(store: Store, entity_id: str) -> dict[str, Any]:
    if available("opis.store.entities", "get_entity"):
        ent = _need("opis.store.entities", "get_entity")(store, entity_id)
        if ent:
            return ent
    auth = optional("opis.authority")
    got = getattr(auth, "get", None) if auth else None
    ent = got(entity_id) if got else None
    if ent is None:
        raise NotFound(f"no entity with id {entity_id!r}")
    from opis.model import to_dict

    return to_dict(ent)


def entity_mentions(store: Store, entity_id: str) -> list[dict[str, Any]]:
    return list(_need("opis.store.entities", "entity_mentions")(store, entity_id))


def cooccurring(store: Store, entity_id: str, limit: int = 20) -> list[dict[str, Any]]:
    return list(_need("opis.store.entities", "cooccurring")(store, entity_id, limit=limit))


def list_entities(store: Store, type: str | None = None, limit: int = 100, offset: int = 0) -> list[dict[str, Any]]:
    return list(_need("opis.store.entities", "list_entities")(store, type=type, limit=limit, offset=offset))


def places_with_counts(store: Store) -> list[dict[str, Any]]:
    return list(_need("opis.store.entities", "places_with_counts")(store))


# --- archives ----------------------------------------------------------------------------


def archive_tree(store: Store, archive: str | None = None, fond: str | None = None, opis: str | None = None) -> list[dict[str, Any]]:
    return list(_need("opis.store.archrefs", "archive_tree")(store, archive=archive, fond=fond, opis=opis))


def citing(store: Store, archive: str, fond: str | None = None, opis: str | None = None, delo: str | None = None) -> list[dict[str, Any]]:
    return list(_need("opis.store.archrefs", "citing")(store, archive, fond=fond, opis=opis, delo=delo))


def archive_info(code: str) -> dict[str, Any] | None:
    mod = optional("opis.authority.archives")
    lookup = getattr(mod, "lookup", None) if mod else None
    if not lookup:
        return None
    arch = lookup(code)
    if arch is None:
        return None
    from opis.model import to_dict

    return to_dict(arch) if not isinstance(arch, dict) else arch


# --- claims and timeline -----------------------------------------------------------------


def list_claims(store: Store, about: str | None = None, date_from: str | None = None, date_to: str | None = None) -> list[dict[str, Any]]:
    return list(_need("opis.store.claims", "list_claims")(store, about=about, date_from=date_from, date_to=date_to))


def compare_claims(store: Store, about: str | None = None, date_from: str | None = None, date_to: str | None = None) -> list[dict[str, Any]]:
    return list(_need("opis.store.claims", "compare_claims")(store, about=about, date_from=date_from, date_to=date_to))


def timeline(store: Store, date_from: str | None = None, date_to: str | None = None,
             place: str | None = None, person: str | None = None) -> list[dict[str, Any]]:
    """Dated items; before the claims area lands, the documents' own dates."""
    if available("opis.timeline", "timeline"):
        fn = _need("opis.timeline", "timeline")
        return list(fn(store, date_from=date_from, date_to=date_to, place=place, person=person, limit=2001))  # one past the page's 2000
    if place or person:
        raise Unavailable("filtering the timeline by place or person needs opis.timeline")
    docs = list_documents(store, limit=10000, date_from=date_from, date_to=date_to)["documents"]
    return [
        {"kind": "document", "label": d["title"], "doc_id": d["id"], "start": None, "end": None,
         "date": {"edtf": d["date_edtf"], "earliest": d["date_earliest"], "latest": d["date_latest"]}}
        for d in docs if d["date_earliest"]
    ]


# --- exports -----------------------------------------------------------------------------

EXPORT_FORMATS = {
    "chicago": ("text/plain; charset=utf-8", "txt", "Chicago"),
    "bibtex": ("application/x-bibtex; charset=utf-8", "bib", "BibTeX"),
    "ris": ("application/x-research-info-systems; charset=utf-8", "ris", "RIS"),
    "csl-json": ("application/vnd.citationstyles.csl+json; charset=utf-8", "json", "CSL-JSON"),
    "tei": ("application/tei+xml; charset=utf-8", "xml", "TEI"),
    "json": ("application/ld+json; charset=utf-8", "jsonld", "JSON-LD"),
}


def export(record: dict[str, Any], fmt: str) -> str:
    return _need("opis.export", "export")(record, fmt)


def exports_available() -> bool:
    return available("opis.export", "export")
