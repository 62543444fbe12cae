"""Resolve a name as written in a source to one authority entry.

Steps, first hit wins (each step tries the surface and its cleaned forms: honorifics and ranks
dropped, ``X District``/``Lake X`` reduced to ``X``, ``USSR NKVD`` to ``NKVD``, possessives,
plural unit names):

1. ``exact``    – a listed name, ignoring case (so ``JIANG JIESHI`` and ``塔城`` are exact);
2. ``exact``    – initials + surname (``I.V. Stalin``, ``Stalin I. V.``) or a bare surname the
                  authority lists as such and that names one person only (score 0.9);
3. ``translit`` – the transliteration-normalised key (``normalize``) of a listed name;
4. ``gloss``    – the editorial gloss (``Chuguchak [Tacheng]``) through steps 1–3;
5. ``fuzzy``    – rapidfuzz ratio on normalised keys of curated entries within the same type group,
                  only for keys of at least 6 letters, same first letter, score ≥ 90 (≥ 86 from 10
                  letters on). Generated GeoNames rows are never matched fuzzily.

Each ``Match`` says which name matched (``via``): the entry's label (or a spelling of it), another
name of a curated entry, or an *alternate* name of a generated row (a former or foreign name:
Ustinov for Izhevsk, Stalin for Varna) that only the document's context can confirm.

Types: PERSON, PLACE and ORG/UNIT (one group: a source may call a detachment an organisation).
When a name fits several entries, the requested type wins, then the higher priority (curated
entries before GeoNames rows, then population), then the entry whose preferred label it is.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import ahocorasick
from rapidfuzz import fuzz, process

from opis.model import Entity

from .loader import Record, script_of
from .normalize import normalize, russian_stem_key, simple_key

GROUPS = {"PERSON": "PERSON", "PLACE": "PLACE", "ORG": "ORG", "UNIT": "ORG"}
# what NER libraries call the same things
TYPE_ALIASES = {"PER": "PERSON", "GPE": "PLACE", "LOC": "PLACE", "FAC": "PLACE", "NORP": None, "MIL": "UNIT"}


@dataclass
class Match:
    """An authority entry a name matched, how it matched (exact, translit, gloss, fuzzy), its score, and which
    name matched."""

    entity: Entity
    method: str  # exact | translit | gloss | fuzzy
    score: float
    #: which of the entry's names matched: ``label`` (its preferred name or a spelling of it in
    #: another script or romanisation), ``variant`` (another name of a curated entry: Chuguchak for
    #: Tacheng), ``alternate`` (another name of a generated GeoNames row: a former or foreign name
    #: such as Ustinov for Izhevsk) or ``fuzzy``. Linking trusts an ``alternate`` only in context.
    via: str = "label"


_HONORIFICS = [
    "cde", "comrade", "comrades", "tov", "tovarishch", "marshal of the soviet union", "marshal",
    "generalissimo", "general of the army", "colonel-general", "colonel general", "lieutenant general",
    "lieutenant-general", "major general", "major-general", "general", "colonel", "lieutenant colonel",
    "lieutenant", "major", "captain", "admiral", "commander", "commissar", "people's commissar",
    "vice minister", "deputy minister", "minister", "foreign minister", "vice premier", "premier",
    "vice chairman", "chairman", "president", "vice president", "ambassador", "consul", "consul general",
    "secretary", "general secretary", "first secretary", "mr", "mrs", "ms", "dr", "prof", "sir",
    "товарищ", "тов", "т", "маршал", "генерал", "министр", "председатель",
]
_HONORIFIC_RE = re.compile(
    r"^(?:" + "|".join(re.escape(h) for h in sorted(_HONORIFICS, key=len, reverse=True)) + r")\.?\s+",
    re.IGNORECASE,
)
_PLACE_SUFFIX = re.compile(
    r"\s+(?:district|districts|county|counties|province|prefecture|oblast|oblast'|uezd|uyezd|region|"
    r"okrug|krai|kray|raion|rayon|volost|city|town|village|autonomous region|special district|"
    r"border area|area|municipality|banner|league|aimag|aimak|guberniia|guberniya|governorate|"
    r"область|район|уезд|округ|край)\.?$",
    re.IGNORECASE,
)
_PLACE_PREFIX = re.compile(r"^(?:the\s+)?(?:city|town|village|district|county|province|port|fortress|"
                           r"settlement|post|lake|oblast|region|republic)\s+of\s+", re.IGNORECASE)
_LAKE = re.compile(r"^(?:lake|ozero|оз\.?|озеро)\s+(.+)$", re.IGNORECASE)
_HAN_SUFFIX = re.compile(r"(?:市|县|縣|省|地区|地區|专区|專區|自治州|州|镇|鎮)$")
_ORG_AFFIX = [
    re.compile(r"^(?:USSR|Soviet|СССР)\s+(?=\S)", re.IGNORECASE),
    re.compile(r"\s+(?:of the USSR|of the Soviet Union|USSR|СССР|of the RSFSR|of the PRC)$", re.IGNORECASE),
]
_POSSESSIVE = re.compile(r"(?:'s|’s|s'|s’)$")
_COORD_UNITS = re.compile(r"^(\d+(?:st|nd|rd|th))(?:,\s*\d+(?:st|nd|rd|th))*\s+and\s+\d+(?:st|nd|rd|th)\s+(.+?)s$",
                          re.IGNORECASE)
_INITIALS_FIRST = re.compile(r"^((?:[^\W\d_]{1,2}\.\s*-?\s*){1,3})\s*([^\W\d_][\w'’-]+)$")
_INITIALS_LAST = re.compile(r"^([^\W\d_][\w'’-]+),?\s+((?:[^\W\d_]{1,2}\.\s*){1,3})$")
_GLOSS_IN_SURFACE = re.compile(r"^(.+?)\s*\[(?!sic\b)([^\]]+)\]$", re.IGNORECASE)

# Words that are also place or person names somewhere in GeoNames: never found by ``find_names``
# in running text when they come only from the generated long tail.
_COMMON_WORDS = frozenset(["a", "an", "and", "are", "as", "at", "be", "been", "but", "by", "can", "de", "did", "do", "for", "from", "had", "has", "have", "he", "her", "his", "i", "if", "in", "is", "it", "its", "la", "le", "may", "more", "most", "much", "must", "no", "nor", "not", "of", "on", "one", "or", "our", "out", "over", "said", "she", "so", "some", "such", "than", "that", "the", "their", "them", "then", "there", "these", "they", "this", "those", "to", "under", "up", "us", "was", "we", "were", "what", "when", "where", "which", "who", "will", "with", "would", "you", "your", "police", "split", "nice", "mobile", "reading", "bath", "march", "may", "victoria", "union", "asia", "europe", "university", "opposition", "ocean", "mission", "orange", "independence", "liberty", "hope", "progress", "plenty", "unity", "industry", "energy"])

_RU_CAP_WORD = re.compile(r"(?<![\w-])[А-ЯЁ][\w-]*[а-яёА-ЯЁ](?![\w])")

_UNIT_PLURAL = re.compile(r"(division|detachment|brigade|regiment|army|corps|district|squadron|outpost)s$",
                          re.IGNORECASE)


def _type_key(type: str | None) -> str | None:
    if type is None:
        return None
    t = type.upper()
    t = TYPE_ALIASES.get(t, t)
    return t if t in GROUPS else None


class Resolver:
    """Indexes over a list of records, built once; every lookup is a dict access or a scan of a
    few candidates (fuzzy matching excepted)."""

    def __init__(self, records: Iterable[Record]):
        self.records: dict[str, Record] = {}
        self.exact: dict[str, list[str]] = defaultdict(list)
        self.translit: dict[str, list[str]] = defaultdict(list)
        self.ru_stem: dict[str, list[str]] = defaultdict(list)  # Russian names without case endings
        self.surname: dict[str, list[str]] = defaultdict(list)  # bare-surname key -> persons
        self.initials: dict[str, list[tuple[str, str]]] = defaultdict(list)  # surname key -> (id, initials)
        self._labels: dict[str, str] = {}
        for rec in records:
            self._add(rec)
        self._fuzzy: dict[str, tuple[list[str], list[str]]] | None = None
        self._automaton = None

    # -- building ----------------------------------------------------------------------
    def _add(self, rec: Record) -> None:
        self.records[rec.id] = rec
        for name in rec.names():
            _push(self.exact[simple_key(name)], rec.id)
            key = normalize(name)
            if key:
                _push(self.translit[key], rec.id)
            stem = russian_stem_key(name, listed=True)
            if stem and rec.source == "curated":  # inflected forms: curated entries only
                _push(self.ru_stem[stem], rec.id)
        if rec.entity.type == "PERSON":
            for s in rec.surnames:
                _push(self.surname[normalize(s)], rec.id)
                stem = russian_stem_key(s, listed=True)
                if stem:
                    _push(self.ru_stem[stem], rec.id)
            for name in rec.names():
                if script_of(name) not in ("Latn", "Cyrl"):
                    continue
                toks = [t for t in re.split(r"[\s.]+", name) if t]
                if len(toks) < 2:
                    continue
                inits = "".join(normalize(t)[:1] for t in toks[:-1])
                entry = (rec.id, inits)
                if entry not in self.initials[normalize(toks[-1])]:
                    self.initials[normalize(toks[-1])].append(entry)

    # -- lookups ---------------------------------------------------------------------------
    def get(self, entity_id: str) -> Record | None:
        """The authority record with this id, or None."""
        return self.records.get(entity_id)

    def _rank(self, ids: list[str], type: str | None, name: str | None = None) -> list[str]:
        group = GROUPS.get(type) if type else None
        ok = [i for i in ids if group is None or GROUPS[self.records[i].entity.type] == group]
        if len(ok) < 2:
            return ok

        def key(i: str) -> tuple:
            r = self.records[i]
            is_label = name is not None and simple_key(r.entity.label) == simple_key(name)
            return (r.entity.type != type, -r.priority, not is_label, -(r.population or 0))

        return sorted(ok, key=key)

    def via(self, entity_id: str, form: str) -> str:
        """How ``form`` names the entry: ``label``, ``variant`` or ``alternate`` (see ``Match.via``)."""
        rec = self.records[entity_id]
        key, norm = simple_key(form), normalize(form)
        label = rec.entity.label
        if key == simple_key(label) or (norm and norm == normalize(label)):
            return "label"
        if rec.entity.type != "PLACE":
            return "label"
        for n in rec.names():
            if (simple_key(n) == key or (norm and normalize(n) == norm)) and _label_like(n, label):
                return "label"
        return "variant" if rec.source == "curated" else "alternate"

    def _match(self, entity_id: str, method: str, score: float, form: str) -> Match:
        via = "fuzzy" if method == "fuzzy" else self.via(entity_id, form)
        return Match(self.records[entity_id].entity, method, score, via)

    def _best(self, ids: list[str], type: str | None, name: str | None = None) -> str | None:
        ranked = self._rank(ids, type, name)
        return ranked[0] if ranked else None

    def forms(self, surface: str, type: str | None = None) -> list[str]:
        """The surface and its cleaned forms, most literal first."""
        s = " ".join(surface.replace("\u00ad", "").split()).strip(" ,;:()\"“”«»")
        s = re.sub(r"^(?:the|The|THE)\s+", "", s)
        out: list[str] = []

        def add(x: str) -> None:
            x = x.strip(" ,;:.-") if not re.search(r"\b\w\.$", x) else x.strip(" ,;:-")
            if x and x not in out:
                out.append(x)

        add(s)
        add(_POSSESSIVE.sub("", s))
        for x in list(out):
            y = x
            while True:
                z = _HONORIFIC_RE.sub("", y, count=1)
                if z == y:
                    break
                y = z
                add(y)
        if type in (None, "PLACE"):
            for x in list(out):
                y = _PLACE_PREFIX.sub("", x)
                add(y)
                y = _PLACE_SUFFIX.sub("", y)
                add(y)
                m = _LAKE.match(x)
                if m:
                    add(m.group(1))
                add(_HAN_SUFFIX.sub("", x))
        if type in (None, "ORG", "UNIT"):
            for x in list(out):
                y = x
                for rx in _ORG_AFFIX:
                    y = rx.sub("", y)
                    add(y)
                m = _COORD_UNITS.match(x)
                if m:
                    add(f"{m.group(1)} {m.group(2)}")
                add(_UNIT_PLURAL.sub(r"\1", x))
        return out

    def _exact(self, forms: list[str], type: str | None) -> tuple[str, str] | None:
        for f in forms:
            best = self._best(self.exact.get(simple_key(f), []), type, f)
            if best:
                return best, f
        return None

    def _translit(self, forms: list[str], type: str | None) -> tuple[str, str] | None:
        for f in forms:
            key = normalize(f)
            if len(key) < 3 and not f.isupper():
                continue
            best = self._best(self.translit.get(key, []), type, f)
            if best:
                return best, f
        return None

    def _russian(self, forms: list[str], type: str | None) -> str | None:
        """An inflected Russian form (``из Кульджи``, ``Сталину``) by its stem key."""
        for f in forms:
            stem = russian_stem_key(f)
            if stem:
                best = self._best(self.ru_stem.get(stem, []), type, f)
                if best:
                    return best
        return None

    def _person_parts(self, forms: list[str], type: str | None) -> str | None:
        if type not in (None, "PERSON"):
            return None
        for f in forms:
            m = _INITIALS_FIRST.match(f)
            inits = surname = None
            if m:
                inits, surname = m.group(1), m.group(2)
            else:
                m = _INITIALS_LAST.match(f)
                if m:
                    surname, inits = m.group(1), m.group(2)
            if inits and surname:
                want = "".join(normalize(t)[:1] for t in re.split(r"[\s.\-]+", inits) if t)
                cands = [pid for pid, have in self.initials.get(normalize(surname), []) if have.startswith(want)]
                cands = list(dict.fromkeys(cands))
                if len(cands) == 1:
                    return cands[0]
        for f in forms:
            if " " in f or "." in f:
                continue
            cands = self.surname.get(normalize(f), [])
            if len(cands) == 1:
                return cands[0]
        return None

    def _fuzzy_index(self) -> dict[tuple[str, str], tuple[list[str], list[str]]]:
        """Normalised keys of 6+ letters by (type group, first letter): a fuzzy match must share
        the first letter, so each lookup scans one small bucket."""
        if self._fuzzy is None:
            idx: dict[tuple[str, str], tuple[list[str], list[str]]] = {}
            for key, ids in self.translit.items():
                if len(key) < 6:
                    continue
                for i in ids:
                    if self.records[i].source != "curated":
                        continue  # a near-miss on a long-tail name is a guess (Nikolaevka is not Mykolayiv)
                    keys, owners = idx.setdefault((GROUPS[self.records[i].entity.type], key[0]), ([], []))
                    keys.append(key)
                    owners.append(i)
            self._fuzzy = idx
        return self._fuzzy

    def _fuzzy_match(self, forms: list[str], type: str | None) -> tuple[str, float] | None:
        groups = [GROUPS[type]] if type else ["PLACE", "PERSON", "ORG"]
        best: tuple[str, float] | None = None
        for f in forms:
            key = normalize(f)
            if len(key) < 6:
                continue
            cutoff = 86.0 if len(key) >= 10 else 90.0
            for g in groups:
                keys, owners = self._fuzzy_index().get((g, key[0]), ([], []))
                hit = process.extractOne(key, keys, scorer=fuzz.ratio, score_cutoff=cutoff)
                if hit and (best is None or hit[1] > best[1]):
                    best = (owners[hit[2]], hit[1])
        return best

    def resolve(self, surface: str, type: str | None = None, *, gloss: str | None = None,
                lang: str | None = None) -> Match | None:
        """The entry ``surface`` names, or None. ``type`` (PERSON, PLACE, ORG, UNIT or an NER label
        such as GPE) restricts the type group; ``gloss`` is the editor's bracketed modern name;
        ``lang`` is accepted for the interface but not needed: every script is matched anyway."""
        if not surface or not surface.strip():
            return None
        type = _type_key(type)
        fast = self._best(self.exact.get(simple_key(surface), []), type, surface)
        if fast:
            return self._match(fast, "exact", 1.0, surface)  # O(1): the name as listed
        m = _GLOSS_IN_SURFACE.match(surface.strip())
        if m and gloss is None:
            surface, gloss = m.group(1), m.group(2)
        forms = self.forms(surface, type)
        hit = self._exact(forms, type)
        if hit:
            score = 1.0 if simple_key(hit[1]) == simple_key(surface) else 0.97
            return self._match(hit[0], "exact", score, hit[1])
        pid = self._person_parts(forms, type)
        if pid:
            return self._match(pid, "exact", 0.9, surface)
        hit = self._translit(forms, type)
        if hit:
            return self._match(hit[0], "translit", 0.95, hit[1])
        best = self._russian(forms, type)
        if best:
            return self._match(best, "translit", 0.9, surface)
        if gloss:
            g = self.resolve(gloss, type)
            if g and g.method != "fuzzy":
                return Match(g.entity, "gloss", 0.9 * g.score, g.via)
        fz = self._fuzzy_match(forms, type)
        if fz:
            return self._match(fz[0], "fuzzy", round(fz[1] / 100.0 * 0.85, 3), surface)
        if gloss:
            g = self.resolve(gloss, type)
            if g:
                return Match(g.entity, "gloss", 0.8 * g.score, g.via)
        return None

    def matches(self, surface: str, type: str | None = None) -> list[Match]:
        """Every entry ``surface`` names at the most literal level that names any (the name as
        listed, else its transliteration key, else a Russian case form), best ranked first; no
        fuzzy step. Linking chooses among them by the document's context."""
        type = _type_key(type)
        forms = self.forms(surface, type)
        seen: dict[str, Match] = {}
        for f in forms:
            for i in self._rank(self.exact.get(simple_key(f), []), type, f):
                seen.setdefault(i, self._match(i, "exact", 1.0 if f == forms[0] else 0.97, f))
        if not seen:
            for f in forms:
                key = normalize(f)
                if len(key) >= 3 or f.isupper():
                    for i in self._rank(self.translit.get(key, []), type, f):
                        seen.setdefault(i, self._match(i, "translit", 0.95, f))
        if not seen:
            best = self._russian(forms, type)
            if best:
                seen[best] = self._match(best, "translit", 0.9, surface)
        return list(seen.values())

    def person_name(self, surface: str) -> bool:
        """``surface`` is a listed person's name or surname (Stalin, Beria, Ustinov): such a word
        names a place only where the text says so, never through a place's alternate name."""
        key = normalize(surface)
        if not key:
            return False
        if self.surname.get(key) or self.initials.get(key):
            return True
        return any(self.records[i].entity.type == "PERSON" for i in self.exact.get(simple_key(surface), []))

    def candidates(self, term: str, type: str | None = None) -> list[str]:
        """Ids of every entry ``term`` names exactly or by its normalised key (no fuzzy)."""
        type = _type_key(type)
        forms = self.forms(term, type)
        ids: list[str] = []
        for f in forms:
            for i in self._rank(self.exact.get(simple_key(f), []), type, f):
                _push(ids, i)
        if not ids:
            for f in forms:
                key = normalize(f)
                if len(key) >= 3 or f.isupper():
                    for i in self._rank(self.translit.get(key, []), type, f):
                        _push(ids, i)
        if not ids:
            best = self._russian(forms, type)
            if best:
                ids.append(best)
        if not ids:
            pid = self._person_parts(forms, type)
            if pid:
                ids.append(pid)
        return ids

    # -- scanning text ----------------------------------------------------------------
    def automaton(self):
        """The Aho-Corasick automaton of the findable normalised names, built on first use."""
        if self._automaton is None:
            auto = ahocorasick.Automaton()
            for key, ids in self.exact.items():
                names = self._findable(key, ids)
                if names:
                    auto.add_word(key, (key, names))
            auto.make_automaton()
            self._automaton = auto
        return self._automaton

    def _findable(self, key: str, ids: list[str]) -> list[str]:
        if len(key) < 2 or key in _COMMON_WORDS:
            return []
        keep = []
        for i in ids:
            rec = self.records[i]
            if rec.source != "curated":
                # long-tail rows: only the label and its spellings in other scripts are looked for
                # in running text (not former or alternative names such as a city's old village name)
                if len(key) < 4 or key in _COMMON_WORDS:
                    continue
                if not any(simple_key(n) == key and _label_like(n, rec.entity.label) for n in rec.names()):
                    continue
            keep.append(i)
        return keep

    def find_names(self, text: str) -> list[tuple[int, int, str]]:
        """Every authority name in ``text`` as ``(start, end, entity_id)``: leftmost-longest,
        non-overlapping, on word boundaries, starting with a capital (or a non-Latin letter);
        all-capital names (``US``, ``NKVD``) only in capitals."""
        if not text:
            return []
        lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
        lowered = lowered.replace("’", "'").replace("–", "-").replace("—", "-")
        hits: list[tuple[int, int, str]] = []
        for end_idx, (key, ids) in self.automaton().iter(lowered):
            start = end_idx - len(key) + 1
            end = end_idx + 1
            if not _boundary(text, start, end):
                continue
            span = text[start:end]
            if not self._case_ok(span, ids):
                continue
            best = self._best(ids, None, span)
            if best and self.records[best].source != "curated" and _in_compound(text, start, end):
                continue  # "Kyzyl-Aul" is not Kyzyl: long-tail names only as whole words
            if best:
                hits.append((start, end, best))
        hits.extend(self._russian_hits(text))
        hits.sort(key=lambda h: (h[0], -(h[1] - h[0])))
        out: list[tuple[int, int, str]] = []
        last_end = -1
        for h in hits:
            if h[0] >= last_end:
                out.append(h)
                last_end = h[1]
        return out

    def _russian_hits(self, text: str) -> list[tuple[int, int, str]]:
        """Inflected Russian names (one to three capitalised words) found by their stem key."""
        out = []
        words = list(_RU_CAP_WORD.finditer(text))
        for i, first in enumerate(words):
            for j in range(min(i + 3, len(words)) - 1, i - 1, -1):
                between = text[first.start():words[j].end()]
                if j > i and not re.fullmatch(r"[\w\-]+(?:\s+[\w\-]+)*", between):
                    continue
                stem = russian_stem_key(between)
                ids = self.ru_stem.get(stem or "", [])
                if ids:
                    out.append((first.start(), words[j].end(), self._best(ids, None, between)))
                    break
        return out

    def _case_ok(self, span: str, ids: list[str]) -> bool:
        first = span[0]
        if first.isalpha() and first.lower() != first.upper() and not first.isupper():
            return False
        for i in ids:
            for name in self.records[i].names():
                if simple_key(name) == simple_key(span):
                    if name.isupper() and len(name) <= 5 and not span.isupper():
                        continue
                    return True
        return False

    def iter_records(self, type: str | None = None) -> Iterator[Record]:
        """The authority records, all or those of one type."""
        type = _type_key(type)
        for rec in self.records.values():
            if type is None or rec.entity.type == type:
                yield rec


def _label_like(name: str, label: str) -> bool:
    """``name`` is the label or a spelling of it (Новосибирск / Novosibirsk), not another name:
    the same first letter and a close transliteration key (Mopan is not Belmopan, Alekseevka not
    Oleksiyivka)."""
    if name == label:
        return True
    a, b = normalize(name), normalize(label)
    return bool(a and b) and a[0] == b[0] and fuzz.ratio(a, b) >= 75


def _push(lst: list[str], item: str) -> None:
    if item not in lst:
        lst.append(item)


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() and script_of(ch) != "Hani"


def _in_compound(text: str, start: int, end: int) -> bool:
    before = start >= 2 and text[start - 1] == "-" and text[start - 2].isalpha()
    after = end + 1 < len(text) and text[end] == "-" and text[end + 1].isalpha()
    return before or after


def _boundary(text: str, start: int, end: int) -> bool:
    if start > 0 and _is_word_char(text[start - 1]) and _is_word_char(text[start]):
        return False
    return not (end < len(text) and _is_word_char(text[end]) and _is_word_char(text[end - 1]))
