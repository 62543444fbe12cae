"""Pipeline component 'linking': each mention to one entity; the record's entities and coverage.

Each PERSON/PLACE/ORG/UNIT mention is resolved through the authority (``opis.authority.resolve``:
exact variant, transliteration-normalised key, the editorial gloss, then fuzzy). A name the
authority does not know becomes a *collection entity* with a stable id derived from a normalised
key (``person~puchkov``, ``place~kosh-tologoy``), so the same unknown name in two documents is
one entity. People are clustered: initials and case do not matter (``A.I. PUCHKOV`` = ``Puchkov``),
and within a document a bare surname joins the full name it abbreviates (``Iskhakov`` ->
``Iskhakov Marghub``).

``doc.entities`` lists every entity the document mentions (id, type, label, variants, lat, lon,
country, wikidata, geonames); ``doc.coverage`` the labels of the countries and regions the
document concerns, rolled up from its places (a town gives its region and country) and from
demonyms in the text (``Soviet`` -> Soviet Union), most frequent first.
"""

from __future__ import annotations

import copy
import hashlib
import re
from collections import Counter
from functools import lru_cache

from opis.model import PUBLICATION_PLACE, Document, Entity, Mention, Variant
from opis.pipeline import component, place_context
from opis.pipeline.names import PLACE_SUFFIXES, TITLE_WORDS, is_generic_body, title_case, unit_names
from opis.pipeline.place_context import PlaceContext

TYPES = ("PERSON", "PLACE", "ORG", "UNIT")
FUZZY_MIN = 0.75  # scores of fuzzy matches are 0.85 * similarity (see opis.authority.resolver)
_GROUP = {"PERSON": "PERSON", "PLACE": "PLACE", "ORG": "ORG", "UNIT": "ORG"}

_INITIAL = re.compile(r"^(?:[^\W\d_]{1,2}\.\s*-?)+$")
_PLACE_SUFFIX = re.compile(r"\s+(?:" + "|".join(re.escape(s) for s in PLACE_SUFFIXES) + r")$", re.IGNORECASE)
_LOWER_WORD = re.compile(r"(?<![\w-])[a-z][a-z'’]+(?![\w-])")
_DEMONYM_WORD = re.compile(r"(?<![\w-])([A-Z][a-z]+(?:-[A-Z][a-z]+)?|[A-Z]{4,})(?:-|\b)")


def _authority():
    from opis import authority

    return authority


# --- keys and ids ------------------------------------------------------------------------


def _slug(key: str) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", key.lower()).strip("-")
    return s or hashlib.sha1(key.encode("utf-8")).hexdigest()[:10]


def person_tokens(surface: str) -> list[str]:
    """The name words of a personal name without titles and initials (``Cde. I.V. STALIN`` -> ``Stalin``)."""
    words = re.findall(r"[^\W\d_][\w'’\-]*\.?", surface)
    out = []
    for w in words:
        if w.rstrip(".") in TITLE_WORDS or w in TITLE_WORDS or _INITIAL.match(w) or len(w.rstrip(".")) == 1:
            continue
        out.append(title_case(w.rstrip(".")) if w.isupper() else w.rstrip("."))
    return out


def collection_key(surface: str, type: str) -> str:
    """The normalised key a collection entity's id derives from."""
    norm = _authority().normalize
    s = re.sub(r"^(?:the|The|THE)\s+", "", surface.strip())
    s = re.sub(r"(?:'s|’s)$", "", s)
    if type == "PERSON":
        toks = person_tokens(s)
        s = " ".join(toks) if toks else s
    elif type == "PLACE":
        s = _PLACE_SUFFIX.sub("", s)
    elif type == "UNIT":
        s = unit_names(s)[0]
    words = [norm(w) for w in re.split(r"[\s\-–—/]+", s) if w]
    return " ".join(w for w in words if w) or s.lower()


def collection_id(surface: str, type: str) -> str:
    """The id of a collection entity (one the authority files do not have): its type and a slug of its
    normalised name."""
    return f"{type.lower()}~{_slug(collection_key(surface, type))}"


def _label(surfaces: list[str], type: str, words_in_text: set[str] | frozenset[str] = frozenset()) -> str:
    """The fullest form: most name words, mixed case preferred to capitals."""
    def score(s: str) -> tuple:
        toks = person_tokens(s) if type == "PERSON" else s.split()
        return (len(toks), not s.isupper(), len(s))

    best = max(surfaces, key=score)
    best = re.sub(r"^(?:the|The|THE)\s+", "", best)
    if type == "UNIT":
        return title_case(unit_names(best)[0])
    if type == "PERSON":
        toks = person_tokens(best)
        if toks:
            return " ".join(toks)
    return name_case(best, words_in_text)


_FUNCTION_WORDS = {"OF", "THE", "AND", "IN", "FOR", "ON", "TO", "AT", "BY", "WITH", "FROM"}


def name_case(name: str, words_in_text: set[str] | frozenset[str] = frozenset()) -> str:
    """An all-capital name in mixed case, its acronyms kept: ``NATO``, ``EU``, ``BK`` stay;
    ``MINISTRY OF FOREIGN AFFAIRS`` -> ``Ministry of Foreign Affairs``; ``USSR EMBASSY`` ->
    ``USSR Embassy``. In a longer name a word of up to four letters stays in capitals unless the
    text also writes it in lower case (``words_in_text``: ``RED ARMY`` -> ``Red Army``)."""
    words = name.split()
    if len(words) == 1 or not name.isupper():
        return name if len(words) == 1 and name.isupper() else title_case(name)

    def one(w: str) -> str:
        if w in _FUNCTION_WORDS:
            return w.lower()
        core = re.sub(r"[^A-ZА-ЯЁ]", "", w)
        vowels = sum(1 for c in core if c in "AEIOUYАЕЁИОУЫЭЮЯ")
        acronym = vowels == 0 or (len(core) <= 4 and w.lower() not in words_in_text)
        return w if acronym else title_case(w)

    out = [one(w) for w in words]
    out[0] = out[0][:1].upper() + out[0][1:]
    return " ".join(out)


# --- resolution --------------------------------------------------------------------------


def resolve_mention(m: Mention, name: str | None = None, context: PlaceContext | None = None,
                    person_like: bool = False):
    """The authority match for a mention, or None. The requested type first; then any type for an
    exact or transliteration match of an entry's own name (the model may call a town a person).
    A place reading must fit the document's ``context`` (:mod:`opis.pipeline.place_context`)."""
    auth = _authority()
    context = context or PlaceContext()
    hit = None
    if name and name != m.surface:
        hit = auth.resolve(name, m.type, gloss=m.gloss, lang=m.lang)
    if hit is None and _GROUP.get(m.type) == "PLACE":
        hit = _place_hit(m, context, person_like)
    elif hit is None:
        hit = auth.resolve(m.surface, m.type, gloss=m.gloss, lang=m.lang)
    if (hit is not None and hit.entity.type in ("ORG", "UNIT") and is_generic_body(m.surface)
            and not (hit.entity.country and hit.entity.country in context.countries)):
        return None  # "the Central Committee" of a Chinese document is not the Soviet one
    if (hit is not None and (hit.method != "fuzzy" or hit.score >= FUZZY_MIN)
            and _GROUP.get(hit.entity.type) == _GROUP.get(m.type)):
        return hit
    if m.source in ("ner", "gloss"):
        hit = auth.resolve(m.surface, None, gloss=m.gloss, lang=m.lang)
        if (hit is not None and hit.method in ("exact", "translit", "gloss") and hit.via == "label"
                and _curated(hit.entity.id)
                and not (hit.entity.type == "PLACE" and m.type == "PERSON" and person_like)
                and place_context.fits(hit, context, person_like)):
            return hit
    return None


def _curated(entity_id: str) -> bool:
    rec = _authority().record(entity_id)
    return rec is not None and rec.source == "curated"


def _place_hit(m: Mention, context: PlaceContext, person_like: bool):
    """The place reading of a PLACE mention that fits the document: the name's readings (its own
    and, failing those, its gloss's), then a fuzzy match, each checked against the context."""
    auth = _authority()
    hit = place_context.choose(auth.matches(m.surface, "PLACE"), context, person_like)
    if hit is None and m.gloss:
        gloss_person = auth.is_person_name(m.gloss)
        g = place_context.choose(auth.matches(m.gloss, "PLACE"), context, person_like or gloss_person)
        if g is not None:
            hit = type(g)(g.entity, "gloss", 0.9 * g.score, g.via)
    if hit is None and not auth.matches(m.surface, "PLACE"):
        fz = auth.resolve(m.surface, "PLACE")
        if fz is not None and fz.method == "fuzzy" and place_context.fits(fz, context, person_like):
            hit = fz
    return hit


def _person_words(mentions: list[Mention]) -> set[str]:
    """Normalised name words of the document's people (a place reading of them needs its own name)."""
    auth = _authority()
    out: set[str] = set()
    for m in mentions:
        if m.type == "PERSON":
            for t in person_tokens(m.surface):
                out.add(auth.normalize(t))
    return out


def _person_like(m: Mention, words: set[str]) -> bool:
    auth = _authority()
    key = auth.normalize(m.surface)
    return key in words or auth.is_person_name(m.surface) or (m.gloss is not None and auth.is_person_name(m.gloss))


def _preset_fits(m: Mention, context: PlaceContext, people: set[str]) -> bool:
    """The place the gazetteer found for ``m`` fits the document's context. A curated entry the
    gazetteer found by a longer name (``Alma-Ata region`` -> the oblast) is kept as found."""
    rec = _authority().record(m.entity_id)
    if rec is not None and rec.source == "curated":
        return not (_person_like(m, people) and _authority().normalize(rec.entity.label) != _authority().normalize(m.surface))
    for hit in _authority().matches(m.surface, "PLACE"):
        if hit.entity.id == m.entity_id:
            return place_context.fits(hit, context, _person_like(m, people))
    return False


def place_context_of(mentions: list[Mention], text: str = "") -> PlaceContext:
    """The document's context from its anchor places (not places of publication) and demonyms."""
    auth = _authority()
    anchors = []
    for m in mentions:
        if _GROUP.get(m.type) != "PLACE" or m.role == PUBLICATION_PLACE:
            continue
        for hit in auth.matches(m.surface, "PLACE")[:1]:
            if place_context.is_anchor(hit):
                anchors.append(hit)
    demonyms = [c for w in set(_DEMONYM_WORD.findall(text)) if (c := _demonym(w))]
    return place_context.document_context(anchors, demonyms)


def link_mentions(mentions: list[Mention], following=None, text: str = "") -> dict[str, Entity]:
    """Set ``entity_id`` on every mention; return the entities by id (authority or collection).

    ``following(mention)`` gives the text right after a mention (to complete ``5th Cavalry and
    3rd Rifle Divisions``); ``text`` is the document's text (its demonyms are part of the place
    context)."""
    auth = _authority()
    unit_name: dict[int, str] = {}
    for m in mentions:
        if m.type == "UNIT":
            unit_name[id(m)] = unit_names(m.surface, following(m) if following else "")[0]
    context = place_context_of(mentions, text)
    people = _person_words(mentions)
    ents: dict[str, Entity] = {}
    unresolved: list[Mention] = []
    for m in mentions:
        if m.type not in TYPES:
            continue
        ent = _preset_entity(auth, m, context, people)
        if ent is None:
            hit = resolve_mention(m, unit_name.get(id(m)), context, _person_like(m, people))
            ent = hit.entity if hit else None
        if ent is None:
            m.entity_id = None
            unresolved.append(m)
            continue
        m.type = ent.type  # the authority knows better than the recogniser (a detachment is a UNIT)
        m.entity_id = ent.id
        ents.setdefault(ent.id, ent)
    _link_collection(auth, mentions, unresolved, unit_name, ents, set(_LOWER_WORD.findall(text)))
    return ents


def _preset_entity(auth, m: Mention, context, people) -> Entity | None:
    """The authority entity a recogniser already gave the mention, if it fits the mention's type
    and the document."""
    if not (m.entity_id and ":" in m.entity_id):
        return None
    ent = auth.get(m.entity_id)
    if ent is not None and _GROUP.get(ent.type) != _GROUP.get(m.type) and m.source not in ("ner", "gloss"):
        return None
    if ent is not None and ent.type == "PLACE" and not _preset_fits(m, context, people):
        return None  # the recogniser's reading does not fit the document: read it again below
    if (ent is not None and ent.type in ("ORG", "UNIT") and is_generic_body(m.surface)
            and not (ent.country and ent.country in context.countries)):
        return None  # "our Politburo" in a Vietnamese record is not the Soviet one
    return ent


def _person_keys(auth, mentions: list[Mention], unresolved: list[Mention]) -> tuple[dict[str, str], dict[str, str]]:
    """(name word -> id of the longest unknown person containing it, name word -> id of a linked person)."""
    persons = [m for m in unresolved if m.type == "PERSON"]
    full: dict[str, str] = {}
    for m in sorted(persons, key=lambda x: -len(person_tokens(x.surface))):
        toks = person_tokens(m.surface)
        if len(toks) >= 2:
            cid = collection_id(m.surface, "PERSON")
            for t in toks:
                full.setdefault(auth.normalize(t), cid)
    linked_persons: dict[str, str] = {}
    for m in mentions:
        if m.type == "PERSON" and m.entity_id:
            for t in person_tokens(m.surface):
                linked_persons.setdefault(auth.normalize(t), m.entity_id)
    return full, linked_persons


def _link_collection(auth, mentions: list[Mention], unresolved: list[Mention], unit_name: dict[int, str],
                     ents: dict[str, Entity], lower: set[str]) -> None:
    """Collection entities for the unresolved mentions; people clustered within the document by
    shared name words (a lone surname joins the full name that contains it)."""
    full, linked_persons = _person_keys(auth, mentions, unresolved)
    surfaces: dict[str, list[str]] = {}
    for m in unresolved:
        cid = None
        if m.type == "PERSON":
            toks = person_tokens(m.surface)
            if len(toks) == 1:
                k = auth.normalize(toks[0])
                cid = full.get(k) or linked_persons.get(k)
        name = unit_name.get(id(m), m.surface)
        cid = cid or collection_id(name, m.type)
        m.entity_id = cid
        surfaces.setdefault(cid, []).append(name)
        if cid not in ents and ":" in cid:
            e = auth.get(cid)
            if e is not None:
                ents[cid] = e
    for cid, surfs in surfaces.items():
        if cid in ents:
            continue
        type = cid.split("~", 1)[0].upper()
        uniq = list(dict.fromkeys(surfs))
        ents[cid] = Entity(id=cid, type=type, label=_label(uniq, type, lower), variants=[Variant(s) for s in uniq])


# --- coverage ----------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def _rollup(place_id: str) -> tuple[str, ...]:
    """The regions and country a place lies in (itself when it is one)."""
    auth = _authority()
    out = []
    for pid in auth.hierarchy(place_id):
        rec = auth.record(pid)
        if rec is not None and rec.kind in ("country", "region", "historical region", "province", "state"):
            out.append(pid)
    country = auth.country_of(place_id)
    if country and country not in out:
        out.append(country)
    return tuple(out)


@lru_cache(maxsize=4096)
def _demonym(word: str) -> str | None:
    return _authority().demonym_country(word)


def coverage(doc: Document) -> list[str]:
    """Labels of the countries and regions ``doc`` concerns, most frequent first."""
    auth = _authority()
    counts: Counter[str] = Counter()
    for m in doc.mentions:
        if m.type == "PLACE" and m.entity_id and ":" in m.entity_id and m.role != PUBLICATION_PLACE:
            for pid in _rollup(m.entity_id):
                counts[pid] += 1
    for w in _DEMONYM_WORD.findall(doc.text):
        cid = _demonym(w)
        if cid:
            counts[cid] += 1
    out = []
    for pid, _ in counts.most_common():
        ent = auth.get(pid)
        if ent is not None and ent.label not in out:
            out.append(ent.label)
    return out


def build_entities(doc: Document, known: dict[str, Entity] | None = None) -> None:
    """``doc.entities`` from the mentions' entity ids (order of first mention)."""
    auth = _authority()
    known = dict(known or {})
    for e in doc.entities:
        known.setdefault(e.id, e)
    out: dict[str, Entity] = {}
    for m in doc.mentions:
        if not m.entity_id or m.entity_id in out:
            continue
        e = known.get(m.entity_id) or auth.get(m.entity_id)
        if e is None:
            type = m.entity_id.split("~", 1)[0].upper() if "~" in m.entity_id else m.type
            e = Entity(id=m.entity_id, type=type, label=_label([m.surface], type), variants=[Variant(m.surface)])
        out[m.entity_id] = copy.deepcopy(e)
    doc.entities = list(out.values())


@component(
    "linking",
    requires=["text", "mentions"],
    assigns=["mentions", "entities", "coverage"],
)
def linking(doc: Document) -> Document:
    """Link the mentions to entities, build the document's entities and its geographic coverage."""
    notes = {n.n: n.text for n in doc.notes}

    def following(m: Mention) -> str:
        if m.end is None:
            return ""
        text = doc.text if m.note is None else notes.get(m.note, "")
        return text[m.end : m.end + 80]

    ents = link_mentions(doc.mentions, following, doc.text)
    build_entities(doc, ents)
    doc.coverage = coverage(doc)
    return doc
