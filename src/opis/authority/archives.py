"""The archive authority: canonical codes, names in every script, former names and aliases.

``lookup("GA RF")``, ``lookup("ГА РФ")``, ``lookup("RTsKhIDNI")``,
``lookup("Gosudarstvennyi arkhiv Rossiiskoi Federatsii")`` and
``lookup("Archives of the Ministry of Foreign Affairs of the People's Republic of China")`` each give
the one entry whose ``code`` is the key every other part of opis uses (``GARF``, ``PRC FMA`` ...).
``find(text)`` finds the archives named inside a longer phrase ("…, Polish Foreign Ministry Archive
(AMSZ), Warsaw"), with their spans. The data is ``authority/data/archives.csv`` (columns and sources
in its header); ``country_words.csv`` lets descriptive names ("Hungarian National Archives",
"Brazilian Foreign Ministry Archives") resolve through the archive's country and kind.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from unidecode import unidecode

DATA_DIR = Path(__file__).resolve().parent / "data"
DATA_FILE = DATA_DIR / "archives.csv"
COUNTRY_FILE = DATA_DIR / "country_words.csv"

_CYRILLIC = re.compile(r"[\u0400-\u04ff]")


@dataclass(frozen=True)
class Archive:
    """One archive: its opis code, names (native, romanised, English), country, kind and citation scheme."""

    code: str
    name_translit: str  # the name in Latin letters: the romanised native name, or the native name itself
    name_native: str | None = None
    name_en: str | None = None
    country: str | None = None
    kind: str | None = None  # foreign-ministry, national, party, presidential, security, military, ...
    scheme: str | None = None  # fond-opis-delo, file-number, record-group, department-piece, german, ...
    aliases: tuple[str, ...] = field(default_factory=tuple)
    former: tuple[str, ...] = field(default_factory=tuple)
    name_cyrillic: str | None = None  # the native name when it is Cyrillic (the archive page shows it)

    @property
    def names(self) -> list[str]:
        """Every name the archive goes by (code, romanised, native, English, aliases, former), without
        repeats."""
        out = [self.code, self.name_translit, self.name_native, self.name_en, *self.aliases, *self.former]
        return list(dict.fromkeys(n for n in out if n))

    def to_dict(self) -> dict:
        """The archive as JSON-ready data."""
        return {
            "code": self.code, "name_translit": self.name_translit, "name_native": self.name_native,
            "name_en": self.name_en, "country": self.country, "kind": self.kind, "scheme": self.scheme,
            "aliases": list(self.aliases), "former": list(self.former), "name_cyrillic": self.name_cyrillic,
        }


@dataclass(frozen=True)
class ArchiveMatch:
    """An archive named in a text: the entry, the span and how it was recognised."""

    archive: Archive
    start: int
    end: int
    surface: str
    rule: str  # code | name | descriptor


def key(name: str) -> str:
    """Comparison key for an archive code or name: Latin, lower case, no punctuation or spaces.

    ``GA RF``, ``GARF``, ``ГА РФ`` and ``ga-rf`` share one key; so do the apostrophe variants of
    transliterated names (``Spetsial'nyi`` / ``Spetsial’nyi``).
    """
    text = unicodedata.normalize("NFKC", name)
    text = unidecode(text).lower()
    return re.sub(r"[^a-z0-9]", "", text)


_STOP = {"the", "of", "and", "for", "in", "at", "de", "des", "du", "la", "le", "der", "die", "das", "di", "del",
         "dello", "della", "im"}
_SPELLING = {"archives": "archive", "defence": "defense", "organisations": "organizations",
             "organisation": "organization", "centre": "center", "records": "record", "affaires": "affairs"}


def name_key(name: str) -> str:
    """A looser key for written-out names: articles and prepositions dropped, 'Archives' = 'Archive',
    British = American spelling, so "Archives of the Ministry of Foreign Affairs of the People's Republic
    of China" and "Archive of the Ministry of Foreign Affairs of the People's Republic of China" meet."""
    text = unidecode(unicodedata.normalize("NFKC", name)).lower().replace("&", " and ")
    text = re.sub(r"['’]s\b", "", text)
    words = [_SPELLING.get(w, w) for w in re.findall(r"[a-z0-9]+", text)]
    return " ".join(w for w in words if w not in _STOP)


def _split(value: str | None) -> tuple[str, ...]:
    return tuple(a.strip() for a in (value or "").split("|") if a.strip())


def _read_csv(path: Path) -> list[dict[str, str]]:
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip() and not ln.startswith("#")]
    return list(csv.DictReader(lines))


def _load_rows() -> list[Archive]:
    out = []
    for row in _read_csv(DATA_FILE):
        native = (row.get("name_native") or "").strip() or None
        latin = (row.get("name_latin") or "").strip() or None
        out.append(
            Archive(
                code=row["code"].strip(),
                name_translit=latin or native or row["code"].strip(),
                name_native=native,
                name_en=(row.get("name_en") or "").strip() or None,
                country=(row.get("country") or "").strip() or None,
                kind=(row.get("kind") or "").strip() or None,
                scheme=(row.get("scheme") or "").strip() or None,
                aliases=_split(row.get("aliases")),
                former=_split(row.get("former")),
                name_cyrillic=native if native and _CYRILLIC.search(native) else None,
            )
        )
    return out


@dataclass
class _Index:
    rows: tuple[Archive, ...]
    by_key: dict[str, Archive]
    by_name: dict[str, Archive]
    by_country_kind: dict[tuple[str, str], Archive]
    countries: dict[str, str]  # lower-case country word -> ISO code


def _unambiguous(pairs: list[tuple[str, Archive]]) -> dict[str, Archive]:
    """key -> archive, leaving out keys that two archives claim (first-come among equals is wrong)."""
    seen: dict[str, set[str]] = defaultdict(set)
    first: dict[str, Archive] = {}
    for k, a in pairs:
        if not k:
            continue
        seen[k].add(a.code)
        first.setdefault(k, a)
    return {k: first[k] for k, codes in seen.items() if len(codes) == 1}


@lru_cache(maxsize=1)
def _index() -> _Index:
    rows = _load_rows()
    by_key: dict[str, Archive] = {}
    # codes first, then names, then aliases, then former names: a code always wins over another
    # archive's alias; an alias two archives share (AMAE) resolves to neither
    for a in rows:
        by_key.setdefault(key(a.code), a)
    for level in (
        lambda a: (a.name_translit, a.name_native, a.name_en),
        lambda a: a.aliases,
        lambda a: a.former,
    ):
        pairs = [(key(n), a) for a in rows for n in level(a) if n]
        for k, a in _unambiguous(pairs).items():
            by_key.setdefault(k, a)
    name_pairs = [(name_key(n), a) for a in rows for n in a.names[1:] if len(name_key(n).split()) >= 2]
    by_name = _unambiguous(name_pairs)
    ck: dict[tuple[str, str], list[Archive]] = defaultdict(list)
    for a in rows:
        if a.country and a.kind:
            ck[(a.country, a.kind)].append(a)
    by_country_kind = {k: v[0] for k, v in ck.items() if len(v) == 1}
    countries: dict[str, str] = {}
    for row in _read_csv(COUNTRY_FILE):
        for w in _split(row["words"]):
            countries[w.lower()] = row["country"].strip()
    return _Index(tuple(rows), by_key, by_name, by_country_kind, countries)


_PAREN_CODE = re.compile(r"^(?P<name>.*?)\s*\((?P<code>[^()]{2,25})\)\s*$")


def lookup(code_or_name: str) -> Archive | None:
    """The archive a code, abbreviation, former name or full name (any script) refers to.

    Exact keys first; then written-out names compared loosely (``name_key``); then
    "Full name (CODE)"; then a descriptive name made of a country and a kind of archive
    ("Polish Foreign Ministry Archive", "Hungarian National Archives"). ``None`` when unknown or
    ambiguous.
    """
    if not code_or_name or not code_or_name.strip():
        return None
    idx = _index()
    k = key(code_or_name)
    if not k:
        return None
    if (hit := idx.by_key.get(k)) is not None:
        return hit
    nk = name_key(code_or_name)
    if len(nk.split()) >= 2 and (hit := idx.by_name.get(nk)) is not None:
        return hit
    if m := _PAREN_CODE.match(code_or_name.strip()):
        hit = lookup(m.group("code")) or (lookup(m.group("name")) if m.group("name") else None)
        if hit is not None:
            return hit
    m = _descriptor_re().fullmatch(code_or_name.strip().rstrip("."))
    if m:
        return _from_descriptor(m)
    return None


def by_country_kind(country: str, kind: str) -> Archive | None:
    """The one archive of ``kind`` in ``country`` (``("PL", "foreign-ministry")`` → AMSZ); None if 0 or 2+."""
    return _index().by_country_kind.get((country, kind))


def archives() -> list[Archive]:
    """Every entry of the authority, in file order."""
    return list(_index().rows)


def alias_surfaces() -> list[str]:
    """Every code and short alias as written (for recognising an archive at the start of a string)."""
    return list(_alias_surfaces())


@lru_cache(maxsize=1)
def _alias_surfaces() -> tuple[str, ...]:
    out: set[str] = set()
    for a in _index().rows:
        for n in (a.code, *a.aliases, *a.former):
            if n and len(n) <= 40 and lookup(n) is a:
                out.add(n)
    return tuple(sorted(out, key=len, reverse=True))


# --- archives inside a longer phrase ------------------------------------------------------------

_KINDS = [
    ("foreign-ministry", r"(?:Foreign\s+Ministry|Ministry\s+of\s+(?:Foreign|External)\s+(?:Affairs|Relations)|"
                         r"Foreign\s+Affairs\s+Ministry|Foreign\s+Office|MFA|Diplomatic)"),
    ("presidential", r"Presidential"),
    ("national", r"National"),
    ("military", r"Military"),
    ("party", r"(?:Communist\s+)?Party"),
]
_ARCHIVE_WORD = r"Archiv(?:es?|al\s+Collections?)?"


@lru_cache(maxsize=1)
def _descriptor_re() -> re.Pattern[str]:
    words = sorted(_index().countries, key=len, reverse=True)
    country = "(?P<{g}>" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words) + ")"
    kinds = "|".join(f"(?P<{name.replace('-', '_')}{{n}}>{rx})" for name, rx in _KINDS)
    alts = [
        # Polish Foreign Ministry Archive / Hungarian National Archives
        rf"(?:the\s+)?{country.format(g='c1')}\s+(?:{kinds.format(n=1)})\s+{_ARCHIVE_WORD}",
        # Archives of the Romanian Ministry of Foreign Affairs
        rf"(?:the\s+)?{_ARCHIVE_WORD}\s+of\s+the\s+{country.format(g='c2')}\s+(?:{kinds.format(n=2)})",
        # Archive of the Ministry of Foreign Affairs of Bulgaria / National Archives of Hungary
        rf"(?:the\s+)?(?:{_ARCHIVE_WORD}\s+of\s+the\s+(?:{kinds.format(n=3)})|(?:{kinds.format(n=4)})\s+{_ARCHIVE_WORD})"
        rf"\s+of\s+(?:the\s+)?{country.format(g='c3')}",
        # Ministry of External Relations Archives, Brasilia, Brazil
        rf"(?:the\s+)?(?:{kinds.format(n=5)})\s+{_ARCHIVE_WORD}(?:\s*,\s*[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*)*){{0,2}}?"
        rf"\s*,\s*{country.format(g='c4')}",
    ]
    return re.compile(r"(?<![\w])(?:" + "|".join(f"(?:{a})" for a in alts) + r")(?![\w])", re.IGNORECASE)


def _from_descriptor(m: re.Match[str]) -> Archive | None:
    idx = _index()
    word = next((m.group(g) for g in ("c1", "c2", "c3", "c4") if m.group(g)), None)
    kind = next(
        (name for name, _rx in _KINDS for n in range(1, 6) if m.groupdict().get(f"{name.replace('-', '_')}{n}")),
        None,
    )
    if word is None or kind is None:
        return None
    country = idx.countries.get(re.sub(r"\s+", " ", word).lower())
    return by_country_kind(country, kind) if country else None


def _is_code_like(surface: str) -> bool:
    """Codes and abbreviations (GARF, TsKhSD, SAPMO-BArch, ГА РФ) are matched case-sensitively;
    a surface with an ordinary word in it ("Kennedy Library", "Osobyi arkhiv") is a name."""
    def ordinary(w: str) -> bool:
        w = w.strip(".,'’")
        return len(w) >= 4 and w.isalpha() and (w.islower() or (w[0].isupper() and w[1:].islower()))
    return not any(ordinary(w) for w in surface.split())


def _surface_rx(surface: str) -> str:
    parts = []
    for w in surface.split():
        if re.fullmatch(r"(?i)archives?", w):
            parts.append(r"archives?")
            continue
        rx = re.escape(w)
        rx = re.sub(r"(?i)defen[cs]e", "defen[cs]e", rx)
        rx = re.sub(r"(?i)organi[sz]ation", "organi[sz]ation", rx)
        rx = rx.replace("'", "['’ʼ]").replace("’", "['’ʼ]")
        parts.append(rx)
    return r"\s+".join(parts)


@lru_cache(maxsize=1)
def _surface_res() -> tuple[re.Pattern[str], re.Pattern[str]]:
    codes, names = set(), set()
    for a in _index().rows:
        for n in a.names:
            if lookup(n) is not a:  # ambiguous or shadowed: never recognised by itself
                continue
            if n != a.code and len(n) <= 2:
                continue
            (codes if _is_code_like(n) else names).add(n)
    def alt(items):
        return "|".join(_surface_rx(s) for s in sorted(items, key=len, reverse=True))
    bound_l, bound_r = r"(?<![\w-])", r"(?![\w])"
    code_re = re.compile(f"{bound_l}(?:{alt(codes)}){bound_r}")
    name_re = re.compile(rf"{bound_l}(?:the\s+)?(?:{alt(names)}){bound_r}", re.IGNORECASE)
    return code_re, name_re


def find(text: str) -> list[ArchiveMatch]:
    """Archives named in ``text`` (codes, names in any script, descriptive names), leftmost-longest,
    without overlaps; "Full name (CODE)" of one archive comes back as one match."""
    if not text:
        return []
    code_re, name_re = _surface_res()
    cands: list[ArchiveMatch] = []
    for rule, rx in (("name", name_re), ("code", code_re)):
        for m in rx.finditer(text):
            surface = m.group(0)
            arc = lookup(re.sub(r"^the\s+", "", surface, flags=re.IGNORECASE))
            if arc is not None:
                cands.append(ArchiveMatch(arc, m.start(), m.end(), surface, rule))
    for m in _descriptor_re().finditer(text):
        arc = _from_descriptor(m)
        if arc is not None:
            cands.append(ArchiveMatch(arc, m.start(), m.end(), m.group(0), "descriptor"))
    cands.sort(key=lambda c: (c.start, -(c.end - c.start)))
    out: list[ArchiveMatch] = []
    for c in cands:
        if out and c.start < out[-1].end:
            continue
        prev = out[-1] if out else None
        if prev and prev.archive is c.archive and re.fullmatch(r"\s*(?:,\s*[^,()]{1,30}\s*)?\(\s*", text[prev.end : c.start]) \
                and text[c.end : c.end + 1] == ")":
            out[-1] = ArchiveMatch(c.archive, prev.start, c.end + 1, text[prev.start : c.end + 1], prev.rule)
            continue
        out.append(c)
    return out
