"""The record JSON as it is kept in ``documents.record`` (issue 20, migration 0017_size.sql).

Three reversible rewrites make a record smaller before it is compressed; :func:`decode` undoes
them exactly (the same JSON, key for key and in the same order):

* **entities by reference**: each entry of ``entities`` (an entity as the record saw it, with its
  variants: often the largest part of a record, and the same in every record that names the
  entity) is kept once in ``record_entities`` under a small integer key, found again by a hash of
  its JSON (two entries whose hashes collide are told apart by their JSON); the record holds the
  keys.
* **text by reference**: a string that is a piece of the document's text is kept as its offsets:
  a value equal to ``text[start:end]`` of its own object (a mention's surface, a date's words) as
  ``{"\\u0000": null}``, and a longer string found in the text (a claim's or an event's sentence)
  as ``{"\\u0000": [start, end]}``.
* **mentions from their table**: the mentions of people, places, organisations and units are
  rows of ``mentions`` (written with the record, in its order) that hold every field but the
  language; when the rows give them back exactly, the record keeps only their count and
  languages, and the other mentions with their positions.
* **lists as columns**: a list of objects that all have the same keys in the same order (mentions,
  claims, dates …) as ``{"\\u0000k": [keys], "\\u0000c": [column, …]}``, which compresses better
  than repeating the keys.

An encoded record has the top-level key ``"\\u0000v"``; a record without it is read as it is (a
record written before 0017). A record that already uses a key beginning with ``"\\u0000"`` is
kept as it is (never the case for opis's own records; ``fields`` of a plugin could).
"""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Callable, Mapping
from typing import Any

from opis.store.entities import ENTITY_TYPES

MARK = "\x00"  # begins every key the encoding adds
VERSION = MARK + "v"
KEYS, COLUMNS, MENTIONS = MARK + "k", MARK + "c", MARK + "m"
MIN_FOUND = 24  # shortest string looked up in the text (offsets cost about 12 bytes)
LEVEL = 6

Lookup = Callable[[list[int]], Mapping[int, bytes]]


def dumps(obj: Any) -> str:
    """Compact JSON as the store keeps it."""
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def entity_hash(body: bytes) -> int:
    """The hash an ``entities`` entry is found by in ``record_entities`` (64 bits of its JSON's)."""
    return int.from_bytes(hashlib.blake2b(body, digest_size=8).digest(), "big", signed=True)


# --- encoding -----------------------------------------------------------------------------------
class _Unencodable(Exception):
    """A record that uses a key the encoding reserves (kept as it is)."""


def _own(obj: dict[str, Any], text: str) -> str | None:
    start, end = obj.get("start"), obj.get("end")
    if type(start) is int and type(end) is int and 0 <= start <= end <= len(text):
        return text[start:end]
    return None


_NESTED = (dict, list)


def _refs(obj: Any, text: str, found: dict[str, int]) -> Any:
    """``obj`` with its pieces of ``text`` replaced by references (``found``: where strings were
    found so far; raises _Unencodable on a reserved key)."""
    if type(obj) is list:
        return [_refs(v, text, found) if type(v) in _NESTED else v for v in obj]
    own = _own(obj, text)
    out: dict[str, Any] = {}
    for key, value in obj.items():
        if type(key) is not str or key[:1] == MARK:
            raise _Unencodable(key)
        cls = type(value)
        if cls is str and value:
            if own is not None and value == own and key not in ("start", "end"):
                out[key] = {MARK: None}
                continue
            if len(value) >= MIN_FOUND:
                at = found.get(value)
                if at is None:
                    at = found[value] = text.find(value)
                if at >= 0:
                    out[key] = {MARK: [at, at + len(value)]}
                    continue
            out[key] = value
        elif cls is dict or cls is list:
            out[key] = _refs(value, text, found)
        else:
            out[key] = value
    return out


def _columns(obj: Any) -> Any:
    """``obj`` (a dict or a list) with its lists of like objects turned into columns."""
    if type(obj) is dict:
        return {k: _columns(v) if type(v) in _NESTED else v for k, v in obj.items()}
    if len(obj) > 1 and type(obj[0]) is dict:
        keys = list(obj[0])
        if keys and all(type(v) is dict and list(v) == keys for v in obj):
            return {KEYS: keys, COLUMNS: [_columns([v[k] for v in obj]) for k in keys]}
    return [_columns(v) if type(v) in _NESTED else v for v in obj]


# A mention of these types is a row of the ``mentions`` table (opis.store.entities), which holds
# every field of it but its language: such mentions are read back from their rows.
TABLE_TYPES = frozenset(ENTITY_TYPES)
MENTION_KEYS = ["start", "end", "surface", "type", "entity_id", "gloss", "source", "lang", "note", "role"]
#: the columns of a ``mentions`` row a mention is rebuilt from, in the order of :func:`mention_from_row`
MENTION_COLUMNS = "span_start, span_end, surface, type, entity_id, gloss, source, note, role"


def mention_from_row(row: tuple, lang: Any) -> dict[str, Any]:
    """A mention of the record JSON from its ``mentions`` row (MENTION_COLUMNS) and language."""
    start, end, surface, type_, entity_id, gloss, source, note, role = row
    return {"start": start, "end": end, "surface": surface, "type": type_, "entity_id": entity_id,
            "gloss": gloss, "source": source, "lang": lang, "note": note, "role": role}


def _split_mentions(mentions: Any, rows: list[tuple]) -> tuple[int, list[Any], list[list[Any]]] | None:
    """(how many mentions the rows give back, their languages, the others with their positions),
    or None unless ``rows`` give back exactly the record's mentions of TABLE_TYPES."""
    if type(mentions) is not list:
        return None
    table = [m for m in mentions if type(m) is dict and m.get("type") in TABLE_TYPES]
    if len(table) != len(rows):
        return None
    for m, row in zip(table, rows, strict=True):
        if (list(m) != MENTION_KEYS or mention_from_row(row, m["lang"]) != m
                or not all(v is None or type(v) in (int, str) for v in m.values())):
            return None
    other = [[i, m] for i, m in enumerate(mentions) if not (type(m) is dict and m.get("type") in TABLE_TYPES)]
    return len(table), [m["lang"] for m in table], other


def encode(record: dict[str, Any], text: str, mention_rows: list[tuple] | None = None
           ) -> tuple[dict[str, Any], list[tuple[bytes, Any]]]:
    """(the record to store, its ``entities`` entries as ``(JSON bytes, entry)``): the record
    with ``"text": ""``, its entities replaced by the keys :func:`store_entities` gives them
    (placeholders here, filled in by it) and the rewrites of the module docstring.
    ``mention_rows``: the ``mentions`` rows (MENTION_COLUMNS, in order) stored with the record;
    when they give back its mentions of TABLE_TYPES exactly, those are left out of the record
    and read from the rows (:func:`decode`). A record that cannot be encoded is returned as it
    is (text left out) with no entries."""
    body = {**record, "text": ""} if "text" in record else dict(record)
    entities = [(dumps(e).encode("utf-8"), e) for e in body.get("entities") or []]
    if entities:
        body["entities"] = []  # the keys, set by store_entities
    split = _split_mentions(body.get("mentions"), mention_rows) if mention_rows is not None else None
    if split is not None:
        body["mentions"] = []
    found: dict[str, int] = {}
    try:
        out = _columns(_refs(body, text, found))
        if split is not None:
            out["mentions"] = {MENTIONS: split[0], "lang": split[1], "other": _columns(_refs(split[2], text, found))}
    except _Unencodable:
        return ({**record, "text": ""} if "text" in record else dict(record)), []
    out[VERSION] = 1
    return out, entities


def store_entities(conn, entries: list[tuple[bytes, Any]]) -> list[int]:
    """Keep each entry in ``record_entities`` (once: an entry stored before keeps its key) and
    return their keys, in order."""
    if not entries:
        return []
    hashes = [entity_hash(raw) for raw, _ in entries]
    have: dict[int, list[tuple[int, bytes]]] = {}
    wanted = list(dict.fromkeys(hashes))
    for i in range(0, len(wanted), 500):
        chunk = wanted[i:i + 500]
        for key, digest, body in conn.execute(
                f"SELECT key, hash, body FROM record_entities WHERE hash IN ({','.join('?' * len(chunk))})", chunk):
            have.setdefault(digest, []).append((key, zlib.decompress(body)))
    out = []
    for (raw, _), digest in zip(entries, hashes, strict=True):
        key = next((k for k, stored in have.get(digest, ()) if stored == raw), None)
        if key is None:
            key = conn.execute("INSERT INTO record_entities (hash, body) VALUES (?, ?)",
                               (digest, zlib.compress(raw, LEVEL))).lastrowid
            have.setdefault(digest, []).append((key, raw))
        out.append(key)
    return out


def _by_key(conn, keys: list[int]) -> list[tuple[int, bytes]]:
    """The ``record_entities`` rows of ``keys`` (500 at a time)."""
    out: list[tuple[int, bytes]] = []
    wanted = list(dict.fromkeys(keys))
    for i in range(0, len(wanted), 500):
        chunk = wanted[i:i + 500]
        out += conn.execute(f"SELECT key, body FROM record_entities WHERE key IN ({','.join('?' * len(chunk))})",
                            chunk).fetchall()
    return out


def pack(conn, record: dict[str, Any], text: str, mention_rows: list[tuple] | None = None) -> bytes:
    """The compressed ``documents.record`` of ``record`` (its entities stored in
    ``record_entities``; ``mention_rows``: see :func:`encode`)."""
    body, entries = encode(record, text, mention_rows)
    if entries:
        body["entities"] = store_entities(conn, entries)
    return zlib.compress(dumps(body).encode("utf-8"), LEVEL)


# --- decoding -----------------------------------------------------------------------------------
def _is_mark(value: Any) -> bool:
    return type(value) is dict and len(value) == 1 and MARK in value


def _resolve(obj: dict[str, Any], text: str) -> None:
    """Put back, in place, the pieces of ``text`` the values of ``obj`` refer to."""
    own = None
    for key, value in obj.items():
        if _is_mark(value):
            at = value[MARK]
            if at is None:
                own = _own(obj, text) if own is None else own
                obj[key] = own
            else:
                obj[key] = text[at[0]:at[1]]


def _decode(obj: Any, text: str) -> Any:
    """An encoded dict or list as it was (columns back to objects, text references resolved;
    a reference that is an element of a column is resolved in the object it goes back to)."""
    if type(obj) is list:
        return [_decode(v, text) if type(v) in _NESTED and not _is_mark(v) else v for v in obj]
    if len(obj) == 2 and KEYS in obj and COLUMNS in obj:
        keys = obj[KEYS]
        cols = [_decode(c, text) for c in obj[COLUMNS]]
        rows = [dict(zip(keys, values, strict=True)) for values in zip(*cols, strict=True)]
        if any(_is_mark(v) for col in cols for v in col):
            for row in rows:
                _resolve(row, text)
        return rows
    out = {k: _decode(v, text) if type(v) in _NESTED and not _is_mark(v) else v for k, v in obj.items()}
    if any(_is_mark(v) for v in out.values()):
        _resolve(out, text)
    return out


def entity_keys(body: dict[str, Any]) -> list[int]:
    """The ``record_entities`` keys an encoded record refers to."""
    return list(body.get("entities") or []) if VERSION in body else []


def needs_mentions(body: dict[str, Any]) -> bool:
    """Whether an encoded record reads some of its mentions from the ``mentions`` table."""
    return VERSION in body and type(body.get("mentions")) is dict and MENTIONS in body["mentions"]


def decode(body: dict[str, Any], text: str, entities: Mapping[int, bytes],
           mention_rows: list[tuple] | None = None, fields: tuple[str, ...] | None = None) -> dict[str, Any]:
    """The record JSON of an encoded record (``entities``: the JSON of its entries by key, each
    parsed anew so that no two records share an object; ``mention_rows``: its ``mentions`` rows,
    MENTION_COLUMNS in order, when :func:`needs_mentions`; ``fields``: only these keys of it); a
    record that is not encoded is returned as it is."""
    if VERSION not in body:
        return body if fields is None else {k: body[k] for k in fields if k in body}
    keys = body.get("entities") or []
    out = _decode({k: v for k, v in body.items() if k != VERSION and (fields is None or k in fields)}, text)
    if "entities" in out:
        out["entities"] = [json.loads(entities[k]) for k in keys]
    kept = out.get("mentions")
    if type(kept) is dict and MENTIONS in kept:
        if mention_rows is None or len(mention_rows) != kept[MENTIONS]:
            raise ValueError(f"the record has {kept[MENTIONS]} mentions in the mentions table, which holds"
                             f" {'none' if mention_rows is None else len(mention_rows)}")
        mentions = [mention_from_row(row, lang) for row, lang in zip(mention_rows, kept["lang"], strict=True)]
        for at, mention in kept["other"]:
            mentions.insert(at, mention)
        out["mentions"] = mentions
    return out


def lookup(conn) -> Lookup:
    """Reads ``record_entities`` entries by key over ``conn`` (their JSON, decompressed)."""
    def read(keys: list[int]) -> dict[int, bytes]:
        return {key: zlib.decompress(raw) for key, raw in _by_key(conn, keys)}
    return read


def mention_rows(conn, doc_ids: list[str]) -> dict[str, list[tuple]]:
    """The ``mentions`` rows (MENTION_COLUMNS, in order) of each of ``doc_ids`` that has some."""
    out: dict[str, list[tuple]] = {}
    wanted = list(dict.fromkeys(doc_ids))
    for i in range(0, len(wanted), 500):
        chunk = wanted[i:i + 500]
        for row in conn.execute(f"SELECT doc_id, {MENTION_COLUMNS} FROM mentions"
                                f" WHERE doc_id IN ({','.join('?' * len(chunk))}) ORDER BY doc_id, n", chunk):
            out.setdefault(row[0], []).append(tuple(row[1:]))
    return out
