"""Where a document is, and whether a reading of a place name fits it.

A place name is read in the light of the document's other places: the countries of the places it
names unambiguously (*anchors*: a curated entry by any of its names, a country, a capital or a
large city by its own name) and of the demonyms it uses (``Soviet``, ``Chinese``). A weaker
reading — a small GeoNames town, a GeoNames row's alternate name (a former or foreign name:
``Ustinov`` for Izhevsk, ``Mopan`` for Belmopan), a near-miss spelling — is accepted only when its
country is one of those. A name that is also a person's name never names a place through an
alternate or variant name (``Stalin`` is not Varna, ``Filippov [Stalin]`` is Stalin's
pseudonym). What does not fit stays unresolved: a wrong place is worse than none.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: a GeoNames city this large is known by its own name anywhere (homonyms this size are rare)
PROMINENT_POPULATION = 250_000


def _authority():
    from opis import authority

    return authority


@dataclass(frozen=True)
class PlaceContext:
    """The countries (ISO codes as on ``Entity.country``; ``SU`` for the Soviet Union) a document
    concerns, from its anchor places and demonyms."""

    countries: frozenset[str] = field(default_factory=frozenset)


def prominent(entity_id: str) -> bool:
    """A country, a capital or a city of ``PROMINENT_POPULATION`` or more."""
    rec = _authority().record(entity_id)
    if rec is None:
        return False
    return rec.kind in ("country", "capital") or (rec.population or 0) >= PROMINENT_POPULATION


def is_anchor(match) -> bool:
    """A reading sure enough to say where the document is (needs no context itself)."""
    if match is None or match.entity.type != "PLACE" or match.method == "fuzzy" or match.via == "alternate":
        return False
    rec = _authority().record(match.entity.id)
    if rec is None:
        return False
    return rec.source == "curated" or (match.via == "label" and prominent(match.entity.id))


def document_context(anchors, demonym_countries=()) -> PlaceContext:
    """The context of a document from its anchor matches and the country ids of its demonyms."""
    auth = _authority()
    codes: set[str] = set()
    for m in anchors:
        if m.entity.country:
            codes.add(m.entity.country)
    for cid in demonym_countries:
        ent = auth.get(cid)
        if ent is not None and ent.country:
            codes.add(ent.country)
    return PlaceContext(frozenset(codes))


def fits(match, context: PlaceContext, person_like: bool = False) -> bool:
    """Whether a place reading may be kept in this document (see the module docstring)."""
    if match is None:
        return False
    if match.entity.type != "PLACE":
        return True
    if person_like and match.via != "label":
        return False
    in_context = bool(match.entity.country) and match.entity.country in context.countries
    if match.method == "fuzzy" or match.via == "alternate":
        return in_context
    rec = _authority().record(match.entity.id)
    if rec is None or rec.source == "curated":
        return True
    return prominent(match.entity.id) or in_context


def choose(matches, context: PlaceContext, person_like: bool = False):
    """The first reading (in the resolver's order) that fits, those in the context's countries
    first; None when none fits."""
    ok = [m for m in matches if fits(m, context, person_like)]
    if not ok:
        return None
    inside = [m for m in ok if m.entity.country and m.entity.country in context.countries]
    return (inside or ok)[0]
