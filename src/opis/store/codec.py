"""The record JSON as it is kept in ``documents.record`` (issue 20, migration 0017_size.sql).

Three reversible rewrites make a record smaller before it is compressed; :func:`decode` undoes
them exactly (the same JSON, key for key and in the same order):

* **entities by reference**: each entry of ``entities`` (an entity as the record saw it, with its
  variants: often the largest part of a record, and the same in every record that names the
  entity) is kept once in ``record_entities``, keyed by a hash of its JSON; the record holds the
  keys. Two different entries whose hashes collide get different keys (the next free one), so a
  key always names exactly one entry.
* **text by reference**: a string that is a piece of the document's text is kept as its offsets:
  a value equal to ``text[start:end]`` of its own object (a mention's surface, a date's words) as
  ``{"\\u0000": null}``, and a longer string found in the text (a claim's or an event's sentence)
  as ``{"\\u0000": [start, end]}``.
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
from collections.abc import Callable, Iterable, Mapping
from typing import Any

MARK = "\x00"  # begins every key the encoding adds
VERSION = MARK + "v"
KEYS, COLUMNS = MARK + "k", MARK + "c"
MIN_FOUND = 24  # shortest string looked up in the text (offsets cost about 12 bytes)
LEVEL = 6

Lookup = Callable[[list[int]], Mapping[int, bytes]]


def dumps(obj: Any) -> str:
    """Compact JSON as the store keeps it."""
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def entity_key(body: bytes) -> int:
    """The key of an ``entities`` entry in ``record_entities``: 48 bits of its JSON's hash."""
    return int.from_bytes(hashlib.blake2b(body, digest_size=6).digest(), "big")


# --- encoding -----------------------------------------------------------------------------------
def _has_mark(obj: Any) -> bool:
    if isinstance(obj, dict):
        return any(k.startswith(MARK) or _has_mark(v) for k, v in obj.items())
    if isinstance(obj, list):
        return any(_has_mark(v) for v in obj)
    return False


def _own(obj: dict[str, Any], text: str) -> str | None:
    start, end = obj.get("start"), obj.get("end")
    if type(start) is int and type(end) is int and 0 <= start <= end <= len(text):
        return text[start:end]
    return None


def _refs(obj: Any, text: str) -> Any:
    """``obj`` with its pieces of ``text`` replaced by references."""
    if isinstance(obj, list):
        return [_refs(v, text) for v in obj]
    if not isinstance(obj, dict):
        return obj
    own = _own(obj, text)
    out: dict[str, Any] = {}
    for key, value in obj.items():
        if isinstance(value, str) and value:
            if own is not None and value == own and key not in ("start", "end"):
                out[key] = {MARK: None}
                continue
            if len(value) >= MIN_FOUND:
                at = text.find(value)
                if at >= 0:
                    out[key] = {MARK: [at, at + len(value)]}
                    continue
        out[key] = _refs(value, text)
    return out


def _columns(obj: Any) -> Any:
    """``obj`` with its lists of like objects turned into columns."""
    if isinstance(obj, dict):
        return {k: _columns(v) for k, v in obj.items()}
    if not isinstance(obj, list):
        return obj
    if len(obj) > 1 and all(type(v) is dict for v in obj):
        keys = list(obj[0])
        if keys and all(list(v) == keys for v in obj):
            return {KEYS: keys, COLUMNS: [_columns([v[k] for v in obj]) for k in keys]}
    return [_columns(v) for v in obj]


def encode(record: dict[str, Any], text: str) -> tuple[dict[str, Any], list[tuple[bytes, Any]]]:
    """(the record to store, its ``entities`` entries as ``(JSON bytes, entry)``): the record
    with ``"text": ""``, its entities replaced by the keys :func:`store_entities` gives them
    (placeholders here, filled in by it) and the rewrites of the module docstring. A record that
    cannot be encoded is returned as it is (text left out) with no entries."""
    body = {**record, "text": ""} if "text" in record else dict(record)
    if _has_mark(record):
        return body, []
    entities = [(dumps(e).encode("utf-8"), e) for e in body.get("entities") or []]
    if entities:
        body["entities"] = []  # the keys, set by store_entities
    body = _columns(_refs(body, text))
    body[VERSION] = 1
    return body, entities


def store_entities(conn, entries: list[tuple[bytes, Any]]) -> list[int]:
    """Keep each entry in ``record_entities`` (once: an entry stored before keeps its key) and
    return their keys, in order."""
    if not entries:
        return []
    keys = [entity_key(raw) for raw, _ in entries]
    have = dict(conn.execute(
        "SELECT key, body FROM record_entities WHERE key IN (SELECT value FROM json_each(?))", (json.dumps(keys),)))
    out = []
    for (raw, _), key in zip(entries, keys, strict=True):
        while True:
            if key not in have:
                row = conn.execute("SELECT body FROM record_entities WHERE key = ?", (key,)).fetchone()
                have[key] = row[0] if row else None
            if have[key] is None:
                have[key] = zlib.compress(raw, LEVEL)
                conn.execute("INSERT INTO record_entities (key, body) VALUES (?, ?)", (key, have[key]))
                break
            if zlib.decompress(have[key]) == raw:
                break
            key = (key + 1) % (1 << 48)  # a collision: the next key
        out.append(key)
    return out


def pack(conn, record: dict[str, Any], text: str) -> bytes:
    """The compressed ``documents.record`` of ``record`` (its entities stored in ``record_entities``)."""
    body, entries = encode(record, text)
    if entries:
        body["entities"] = store_entities(conn, entries)
    return zlib.compress(dumps(body).encode("utf-8"), LEVEL)


# --- decoding -----------------------------------------------------------------------------------
def _rows(obj: Any) -> Any:
    if isinstance(obj, list):
        return [_rows(v) for v in obj]
    if not isinstance(obj, dict):
        return obj
    if KEYS in obj and COLUMNS in obj and len(obj) == 2:
        keys, cols = obj[KEYS], [_rows(c) for c in obj[COLUMNS]]
        return [dict(zip(keys, values, strict=True)) for values in zip(*cols, strict=True)]
    return {k: _rows(v) for k, v in obj.items()}


def _text(obj: Any, text: str) -> Any:
    if isinstance(obj, list):
        return [_text(v, text) for v in obj]
    if not isinstance(obj, dict):
        return obj
    out: dict[str, Any] = {}
    for key, value in obj.items():
        if type(value) is dict and len(value) == 1 and MARK in value:
            at = value[MARK]
            out[key] = text[at[0]:at[1]] if at is not None else None  # own span: filled below
        else:
            out[key] = _text(value, text)
    own = None
    for key, value in obj.items():
        if type(value) is dict and len(value) == 1 and MARK in value and value[MARK] is None:
            own = own if own is not None else _own(out, text)
            out[key] = own
    return out


def entity_keys(body: dict[str, Any]) -> list[int]:
    """The ``record_entities`` keys an encoded record refers to."""
    return list(body.get("entities") or []) if VERSION in body else []


def decode(body: dict[str, Any], text: str, entities: Mapping[int, bytes]) -> dict[str, Any]:
    """The record JSON of an encoded record (``entities``: the JSON of its entries by key, each
    parsed anew so that no two records share an object); a record that is not encoded is
    returned as it is."""
    if VERSION not in body:
        return body
    keys = body.get("entities") or []
    out = _text(_rows({k: v for k, v in body.items() if k != VERSION}), text)
    if "entities" in out:
        out["entities"] = [json.loads(entities[k]) for k in keys]
    return out


def lookup(conn) -> Lookup:
    """Reads ``record_entities`` entries by key over ``conn`` (their JSON, decompressed)."""
    def read(keys: list[int]) -> dict[int, bytes]:
        out: dict[int, bytes] = {}
        wanted = list(dict.fromkeys(keys))
        for i in range(0, len(wanted), 500):
            for key, raw in conn.execute(
                    "SELECT key, body FROM record_entities WHERE key IN (SELECT value FROM json_each(?))",
                    (json.dumps(wanted[i:i + 500]),)):
                out[key] = zlib.decompress(raw)
        return out
    return read


def decode_many(bodies: Iterable[tuple[dict[str, Any], str]], read: Lookup) -> list[dict[str, Any]]:
    """:func:`decode` of several records, their entities read in one go."""
    items = list(bodies)
    found = read([k for body, _ in items for k in entity_keys(body)])
    return [decode(body, text, found) for body, text in items]
