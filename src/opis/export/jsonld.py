"""JSON-LD with schema.org types and Dublin Core terms (``json`` / ``json-ld`` export)."""

from __future__ import annotations

import json
from typing import Any

from opis.export import common
from opis.model import Document


def render(doc: Document) -> str:
    """The document as JSON-LD (schema.org and Dublin Core); absent values are left out."""
    article = common.is_article(doc)
    out: dict[str, Any] = {
        "@context": {"@vocab": "https://schema.org/", "dc": "http://purl.org/dc/terms/"},
        "@type": "ScholarlyArticle" if article else "ArchiveComponent",
        "@id": common.url(doc) or f"urn:opis:{doc.id}",
        "name": doc.title,
        "dc:title": doc.title,
        "dc:identifier": doc.record_id or doc.id,
    }
    authors = common.agent_names(doc)
    if authors:
        out["author"] = [{"@type": "Person", "name": n} for n in authors]
        out["dc:creator"] = authors
    if parts := common.date_parts(doc):
        iso = common.iso_parts(parts)
        out["dateCreated"] = iso
        out["dc:date"] = iso
    if doc.translators:
        out["translator"] = [{"@type": "Person", "name": n} for n in doc.translators]
    if doc.summary:
        out["description"] = doc.summary
        out["dc:description"] = doc.summary
    if doc.original_language:
        out["inLanguage"] = doc.original_language
    if sig := common.signature(doc):
        out["identifier"] = sig
        out["dc:source"] = sig
    if code := common.archive_code(doc):
        out["holdingArchive"] = {"@type": "ArchiveOrganization", "name": code}
    if pub := common.publisher(doc):
        out["publisher"] = {"@type": "Organization", "name": pub}
    if u := common.url(doc):
        out["url"] = u
    if doc.doi:
        out["sameAs"] = f"https://doi.org/{doc.doi}"
    if doc.journal:
        out["isPartOf"] = {"@type": "Periodical", "name": doc.journal, "volumeNumber": doc.volume,
                           "issueNumber": doc.issue}
    if doc.rights:
        out["dc:rights"] = doc.rights
    return json.dumps({k: v for k, v in out.items() if v is not None}, ensure_ascii=False, indent=2)
