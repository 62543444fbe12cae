"""The archive authority: canonical codes, names in every script, former names and aliases.

``lookup("GA RF")``, ``lookup("ГА РФ")``, ``lookup("RTsKhIDNI")`` and
``lookup("Gosudarstvennyi arkhiv Rossiiskoi Federatsii")`` all give the one entry whose
``code`` is the key every other part of opis uses (``GARF``, ``RGASPI`` ...).
The data is ``authority/data/archives.csv`` (sources noted in its header).
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from unidecode import unidecode

DATA_FILE = Path(__file__).resolve().parent / "data" / "archives.csv"


@dataclass(frozen=True)
class Archive:
    code: str
    name_translit: str
    name_cyrillic: str | None = None
    name_en: str | None = None
    country: str | None = None
    aliases: tuple[str, ...] = field(default_factory=tuple)

    @property
    def names(self) -> list[str]:
        out = [self.code, self.name_translit, self.name_cyrillic, self.name_en, *self.aliases]
        return [n for n in out if n]

    def to_dict(self) -> dict:
        return {
            "code": self.code, "name_translit": self.name_translit, "name_cyrillic": self.name_cyrillic,
            "name_en": self.name_en, "country": self.country, "aliases": list(self.aliases),
        }


def key(name: str) -> str:
    """Comparison key for an archive code or name: Latin, lower case, no punctuation or spaces.

    ``GA RF``, ``GARF``, ``ГА РФ`` and ``ga-rf`` share one key; so do the apostrophe variants of
    transliterated names (``Spetsial'nyi`` / ``Spetsial’nyi``).
    """
    text = unicodedata.normalize("NFKC", name)
    text = unidecode(text).lower()
    return re.sub(r"[^a-z0-9]", "", text)


def _load_rows() -> list[Archive]:
    data = DATA_FILE.read_text(encoding="utf-8")
    lines = [ln for ln in data.splitlines() if ln.strip() and not ln.startswith("#")]
    out = []
    for row in csv.DictReader(lines):
        aliases = tuple(a.strip() for a in (row.get("aliases") or "").split("|") if a.strip())
        out.append(
            Archive(
                code=row["code"].strip(),
                name_translit=row["name_translit"].strip(),
                name_cyrillic=(row.get("name_cyrillic") or "").strip() or None,
                name_en=(row.get("name_en") or "").strip() or None,
                country=(row.get("country") or "").strip() or None,
                aliases=aliases,
            )
        )
    return out


@lru_cache(maxsize=1)
def _index() -> tuple[tuple[Archive, ...], dict[str, Archive]]:
    rows = _load_rows()
    idx: dict[str, Archive] = {}
    # codes first, then names, then aliases: a code always wins over someone else's alias
    for attr in ("code", "name_translit", "name_cyrillic", "name_en"):
        for a in rows:
            v = getattr(a, attr)
            if v:
                idx.setdefault(key(v), a)
    for a in rows:
        for alias in a.aliases:
            idx.setdefault(key(alias), a)
    return tuple(rows), idx


def lookup(code_or_name: str) -> Archive | None:
    """The archive a code, abbreviation, former name or full name (any script) refers to."""
    if not code_or_name or not code_or_name.strip():
        return None
    k = key(code_or_name)
    if not k:
        return None
    return _index()[1].get(k)


def archives() -> list[Archive]:
    """Every entry of the authority, in file order."""
    return list(_index()[0])


def alias_surfaces() -> list[str]:
    """Every code and short alias as written (for recognising an archive at the start of a string)."""
    out: set[str] = set()
    for a in _index()[0]:
        for n in (a.code, *a.aliases):
            if n and len(n) <= 40:
                out.add(n)
    return sorted(out, key=len, reverse=True)
