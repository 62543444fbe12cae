"""JSON-LD with schema.org types and Dublin Core terms (``json`` / ``json-ld`` export).

People, places and organisations carry their authority ids: ``@id`` a Wikidata entity URI when
the authority files know one (``urn:opis:entity:…`` otherwise) and ``identifier`` the opis
entity id; authors are ``author``, recipients ``recipient``, translators ``translator``, the
other credits ``contributor``; the people, places and organisations the text mentions are
``mentions``, most mentioned first (places with their coordinates). The archival
signature is ``identifier`` and ``dc:source``, the holding archive ``holdingArchive``. Rights text
loses the e-mail-protection placeholder of saved web pages ("[email protected]").
"""

from __future__ import annotations

import json
from typing import Any

from opis import inline
from opis.export import common
from opis.model import Agent, Document, Entity

TYPES = {"PERSON": "Person", "PLACE": "Place", "ORG": "Organization", "UNIT": "Organization"}
WIKIDATA = "http://www.wikidata.org/entity/"
GEONAMES = "https://sws.geonames.org/"


def _entity_node(e: Entity) -> dict[str, Any]:
    node: dict[str, Any] = {"@type": TYPES[e.type], "@id": WIKIDATA + e.wikidata if e.wikidata else f"urn:opis:entity:{e.id}",
                            "name": e.label, "identifier": e.id}
    same = [f"{GEONAMES}{e.geonames}/"] if e.geonames else []
    if same:
        node["sameAs"] = same
    if e.type == "PLACE" and e.lat is not None and e.lon is not None:
        node["geo"] = {"@type": "GeoCoordinates", "latitude": e.lat, "longitude": e.lon}
    return node


def _agent(a: Agent | str, entities: dict[str, Entity]) -> dict[str, Any]:
    """An author or recipient: the linked entity's node, else a Person with the name as written."""
    name = a.name if isinstance(a, Agent) else a
    entity_id = a.entity_id if isinstance(a, Agent) else None
    e = entities.get(entity_id) if entity_id else None
    node = _entity_node(e) if e is not None and e.type in TYPES else {"@type": "Person", "name": name}
    if isinstance(a, Agent) and a.affiliation:
        node["affiliation"] = {"@type": "Organization", "name": a.affiliation}
    return node


def _mentions(doc: Document) -> list[dict[str, Any]]:
    counts: dict[str, int] = {}
    for m in doc.mentions or []:
        if m.entity_id:
            counts[m.entity_id] = counts.get(m.entity_id, 0) + 1
    return [_entity_node(e) for e in sorted(doc.entities or [], key=lambda e: (-counts.get(e.id, 0), e.label or ""))
            if e.type in TYPES and counts.get(e.id)]


def _people(doc: Document, out: dict[str, Any]) -> None:
    entities = {e.id: e for e in doc.entities or []}
    if doc.authors:
        out["author"] = [_agent(a, entities) for a in doc.authors]
        out["dc:creator"] = common.agent_names(doc)
    if doc.recipients:
        out["recipient"] = [_agent(a, entities) for a in doc.recipients]
    if doc.translators:
        out["translator"] = [{"@type": "Person", "name": n} for n in doc.translators]
    others = [c for c in doc.credits or [] if not c.role.lower().startswith("translat")]
    if others:
        out["contributor"] = [{"@type": "Person", "name": c.name, "roleName": c.role} for c in others]
    elif doc.contributors:
        out["contributor"] = [{"@type": "Person", "name": n} for n in doc.contributors]


def render(doc: Document) -> str:
    """The document as JSON-LD (schema.org and Dublin Core); absent values are left out."""
    article = common.is_article(doc)
    title = inline.to_plain(doc.title) or None
    out: dict[str, Any] = {
        "@context": {"@vocab": "https://schema.org/", "dc": "http://purl.org/dc/terms/"},
        "@type": "ScholarlyArticle" if article else "ArchiveComponent",
        "@id": common.url(doc) or f"urn:opis:{doc.id}",
        "name": title,
        "dc:title": title,
        "dc:identifier": doc.record_id or doc.id,
    }
    _people(doc, out)
    if parts := common.calendar_parts(doc):
        iso = common.iso_parts(parts)
        out["dateCreated"] = iso
        out["dc:date"] = iso
    if summary := common.clean(inline.to_plain(doc.abstract or doc.summary)):
        out["description"] = summary
        out["dc:description"] = summary
    if doc.original_language:
        out["inLanguage"] = common.lang_code(doc.original_language)
    if doc.keywords:
        out["keywords"] = doc.keywords
    if sig := common.signature(doc):
        out["identifier"] = sig
        out["dc:source"] = sig
    if code := common.archive_code(doc):
        out["holdingArchive"] = {"@type": "ArchiveOrganization", "name": common.repository(doc) or code,
                                 "identifier": code}
    if pub := common.publisher(doc):
        out["publisher"] = {"@type": "Organization", "name": pub}
    if u := common.url(doc):
        out["url"] = u
    if doc.doi:
        out["sameAs"] = f"https://doi.org/{doc.doi}"
    if doc.journal:
        out["isPartOf"] = {"@type": "Periodical", "name": inline.to_plain(doc.journal), "volumeNumber": doc.volume,
                           "issueNumber": doc.issue}
    if mentions := _mentions(doc):
        out["mentions"] = mentions
    if rights := common.clean(doc.rights):
        out["dc:rights"] = rights
    return json.dumps({k: v for k, v in out.items() if v is not None}, ensure_ascii=False, indent=2)
