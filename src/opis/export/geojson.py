"""GeoJSON (RFC 7946): the places of the documents that have coordinates, one Point feature each.

Each feature's ``properties``: ``id`` (the entity id), ``label``, ``country``, ``wikidata``,
``geonames``, ``documents`` (how many of the exported documents mention it), ``mentions`` (how
many times, text and notes), and ``document_list`` — ``{"id", "title", "date", "mentions"}`` per
document, in date order. Coordinates are ``[longitude, latitude]`` as the RFC orders them; a
place without coordinates is left out (its mentions are still in the CSV export).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from opis.model import Document


@dataclass
class _Place:
    """A place being collected: its entity facts and the documents mentioning it."""

    props: dict[str, Any]
    lon: float
    lat: float
    docs: list[dict[str, Any]] = field(default_factory=list)


def _add(places: dict[str, _Place], doc: Document) -> None:
    """Add the places of one document (with coordinates) and its mention counts."""
    counts: dict[str, int] = {}
    for m in doc.mentions or []:
        if m.entity_id:
            counts[m.entity_id] = counts.get(m.entity_id, 0) + 1
    for e in doc.entities or []:
        if e.type != "PLACE" or e.lat is None or e.lon is None:
            continue
        place = places.get(e.id)
        if place is None:
            props = {"id": e.id, "label": e.label, "country": e.country, "wikidata": e.wikidata,
                     "geonames": e.geonames}
            place = places[e.id] = _Place({k: v for k, v in props.items() if v is not None}, float(e.lon), float(e.lat))
        place.docs.append({"id": doc.id, "title": doc.title, "date": doc.date.edtf if doc.date else None,
                           "mentions": counts.get(e.id, 0)})


def collection(docs: Iterable[Document]) -> dict[str, Any]:
    """The places of ``docs`` as a GeoJSON FeatureCollection (a dict), most documents first."""
    places: dict[str, _Place] = {}
    for doc in docs:
        _add(places, doc)
    features = []
    for p in sorted(places.values(), key=lambda p: (-len(p.docs), p.props.get("label") or "")):
        p.docs.sort(key=lambda d: (d["date"] is None, d["date"] or "", d["id"]))
        props = {**p.props, "documents": len(p.docs), "mentions": sum(d["mentions"] for d in p.docs),
                 "document_list": p.docs}
        features.append({"type": "Feature", "id": p.props["id"],
                         "geometry": {"type": "Point", "coordinates": [p.lon, p.lat]}, "properties": props})
    return {"type": "FeatureCollection", "features": features}


def render(doc: Document) -> str:
    """The places of one document as GeoJSON."""
    return json.dumps(collection([doc]), ensure_ascii=False, indent=2)


def render_all(docs: Iterable[Document]) -> dict[str, str]:
    """The places of all ``docs`` as one GeoJSON file, ``places.geojson``."""
    return {"places.geojson": json.dumps(collection(docs), ensure_ascii=False, indent=2)}
