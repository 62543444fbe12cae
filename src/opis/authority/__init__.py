"""Authorities for people, places, organisations and military units, and the name resolver.

Public API (other parts of opis code against exactly these)::

    resolve(surface, type=None, *, gloss=None, lang=None) -> Match | None
    matches(surface, type=None) -> list[Match]   # every entry it names (no fuzzy), best first
    is_person_name(word) -> bool         # a listed person's name or surname (Stalin, Beria)
    get(entity_id) -> Entity | None
    variants(term) -> list[str]          # every name of every entry ``term`` names; [] if none
    entries(type=None) -> Iterator[Entity]
    normalize(name) -> str               # the one transliteration-normalised name key
    find_names(text) -> list[(start, end, entity_id)]
    country_of(entity_id) -> str | None  # id of the country entry (``place:china``)
    demonym_country(word) -> str | None  # ``Soviet`` -> ``place:soviet-union``

Entity ids are stable slugs (``place:tacheng``, ``person:chiang-kai-shek``, ``org:nkvd``,
``unit:49th-border-detachment``); types are PERSON, PLACE, ORG, UNIT. ``Entity.country`` is an
ISO 3166-1 alpha-2 code (``SU`` for the Soviet Union; places carry their present-day country).
The data lives in ``authority/data/`` (format and sources in ``data/README.md``); indexes are built
once, lazily, on first use.
"""

from __future__ import annotations

import csv
import hashlib
import os
import pickle
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from opis.model import Entity

from .loader import DATA_DIR, AuthorityDataError, Record, load
from .normalize import normalize, simple_key, to_latin
from .resolver import Match, Resolver

__all__ = [
    "AuthorityDataError", "Match", "Record", "Resolver", "country_of", "demonym_country", "demonym_place",
    "entries", "find_names", "get", "hierarchy", "is_person_name", "matches", "normalize", "record", "renamings",
    "resolve", "resolver", "to_latin", "variants",
]


_CODE = ("__init__.py", "loader.py", "normalize.py", "resolver.py")


def _cache_path() -> Path:
    """Where the built indexes are pickled, keyed by a hash of the data files and this code."""
    digest = hashlib.sha256()
    here = Path(__file__).resolve().parent
    # model.py too: a pickled Entity must have the fields the current dataclass has
    for path in sorted(Path(DATA_DIR).glob("*.csv")) + [here / n for n in _CODE] + [here.parent / "model.py"]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    base = Path(os.environ.get("OPIS_CACHE_DIR") or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "opis")
    return base / f"authority-{digest.hexdigest()[:16]}.pickle"


@lru_cache(maxsize=1)
def resolver() -> Resolver:
    """The resolver over the bundled data files, built once: the first process pickles its
    indexes into the user cache (``$OPIS_CACHE_DIR`` or ``~/.cache/opis``); later processes load
    them in a fraction of the build time. A stale or unreadable cache is simply rebuilt."""
    try:
        path = _cache_path()
    except OSError:
        return Resolver(load())
    try:
        with path.open("rb") as fh:
            cached = pickle.load(fh)
        if isinstance(cached, Resolver):
            return cached
    except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError, TypeError):
        pass
    built = Resolver(load())
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with tmp.open("wb") as fh:
            pickle.dump(built, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:
        pass
    return built


def resolve(surface: str, type: str | None = None, *, gloss: str | None = None,
            lang: str | None = None) -> Match | None:
    """The authority entry ``surface`` names (see ``resolver`` for the steps), or None."""
    return resolver().resolve(surface, type, gloss=gloss, lang=lang)


def matches(surface: str, type: str | None = None) -> list[Match]:
    """Every entry ``surface`` names (exact, else transliteration; no fuzzy), best ranked first,
    each with the name it matched by (``Match.via``)."""
    if not surface or not surface.strip():
        return []
    return resolver().matches(surface, type)


def is_person_name(word: str) -> bool:
    """``word`` is a listed person's name or surname (``Stalin``, ``Beria``)."""
    return bool(word and word.strip()) and resolver().person_name(word)


def get(entity_id: str) -> Entity | None:
    """The authority entity with this id, or None when there is none."""
    rec = resolver().get(entity_id)
    return rec.entity if rec else None


def record(entity_id: str) -> Record | None:
    """The full record (parent region, priority, renamings ...) behind an entity."""
    return resolver().get(entity_id)


def variants(term: str) -> list[str]:
    """Every name, in every script, of each authority entry that ``term`` names; [] when none.
    Exact and transliteration matches only (no fuzzy), so search expansion stays precise."""
    if not term or not term.strip():
        return []
    r = resolver()
    ids = r.candidates(term)
    # a person's name expands to that person's names only (Stalin is not also Varna, Beria not
    # Aleppo); an alternate name of a generated place row (Mopan, Ustinov) expands to nothing
    if any(r.records[i].entity.type == "PERSON" for i in ids):
        ids = [i for i in ids if r.records[i].entity.type == "PERSON"]
    forms = r.forms(term)
    ids = [i for i in ids if r.records[i].source == "curated" or any(r.via(i, f) != "alternate" for f in forms)]
    out: dict[str, None] = {}
    for i in ids:
        for name in r.records[i].names():
            out.setdefault(name, None)
    return list(out)


def entries(type: str | None = None) -> Iterator[Entity]:
    """Every authority entity, or those of one type (PERSON, PLACE, ORG)."""
    for rec in resolver().iter_records(type):
        yield rec.entity


def find_names(text: str) -> list[tuple[int, int, str]]:
    """Authority names in ``text`` as ``(start, end, entity_id)`` (Aho–Corasick over all names)."""
    return resolver().find_names(text)


@lru_cache(maxsize=1)
def _countries() -> dict[str, str]:
    out: dict[str, str] = {}
    for rec in resolver().iter_records("PLACE"):
        if rec.kind == "country" and rec.entity.country:
            out.setdefault(rec.entity.country, rec.id)
    return out


def country_of(entity_id: str) -> str | None:
    """Id of the country entry an entry belongs to (a country gives itself); None if unknown."""
    rec = resolver().get(entity_id)
    if rec is None:
        return None
    if rec.kind == "country":
        return rec.id
    code = rec.entity.country
    return _countries().get(code) if code else None


def hierarchy(entity_id: str) -> list[str]:
    """The entry and its enclosing regions, innermost first (``place:tacheng`` ->
    ``place:tarbagatai``, ``place:xinjiang``, ``place:china``)."""
    out: list[str] = []
    cur: str | None = entity_id
    r = resolver()
    while cur and cur not in out and r.get(cur):
        out.append(cur)
        cur = r.get(cur).parent
    country = country_of(entity_id)
    if country and country not in out:
        out.append(country)
    return out


def renamings(entity_id: str) -> list[str]:
    """The chain of names a body went through, oldest first (Cheka -> GPU -> OGPU -> NKVD ...)."""
    r = resolver()
    if not r.get(entity_id):
        return []
    first = entity_id
    seen = {first}
    while (pred := r.get(first).predecessor) and r.get(pred) and pred not in seen:
        first = pred
        seen.add(first)
    chain = [first]
    while (succ := r.get(chain[-1]).successor) and r.get(succ) and succ not in chain:
        chain.append(succ)
    return chain


@lru_cache(maxsize=1)
def _demonyms() -> dict[str, str]:
    path = Path(DATA_DIR) / "demonyms.csv"
    out: dict[str, str] = {}
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip() and not ln.startswith("#")]
    for row in csv.DictReader(lines):
        out[simple_key(row["word"])] = row["place"]
    return out


def demonym_place(word: str) -> str | None:
    """The place a demonym or adjective refers to (``Manchurian`` -> ``place:manchuria``)."""
    if not word:
        return None
    key = simple_key(word.strip())
    hit = _demonyms().get(key)
    if hit is None and key.endswith("s"):
        hit = _demonyms().get(key[:-1])
    if hit is None and key.endswith("-"):
        hit = _demonyms().get(key[:-1])
    return hit


def demonym_country(word: str) -> str | None:
    """The country id a demonym names: ``Soviet`` -> ``place:soviet-union``, ``Chinese`` ->
    ``place:china``, ``Sino-`` -> ``place:china``; None for words that are not demonyms."""
    place = demonym_place(word)
    return country_of(place) if place else None
