"""JSON-LD with schema.org types and Dublin Core terms (``json`` / ``json-ld`` export)."""

from __future__ import annotations

import json
from typing import Any

from opis.export import common


def render(record: dict[str, Any]) -> str:
    article = common.is_article(record)
    out: dict[str, Any] = {
        "@context": {"@vocab": "https://schema.org/", "dc": "http://purl.org/dc/terms/"},
        "@type": "ScholarlyArticle" if article else "ArchiveComponent",
        "@id": common.url(record) or f"urn:opis:{record.get('id')}",
        "name": record.get("title"),
        "dc:title": record.get("title"),
        "dc:identifier": record.get("record_id") or record.get("id"),
    }
    authors = common.agent_names(record)
    if authors:
        out["author"] = [{"@type": "Person", "name": n} for n in authors]
        out["dc:creator"] = authors
    if parts := common.date_parts(record):
        iso = "-".join(f"{p:02d}" if i else str(p) for i, p in enumerate(parts))
        out["dateCreated"] = iso
        out["dc:date"] = iso
    if record.get("translators"):
        out["translator"] = [{"@type": "Person", "name": n} for n in record["translators"]]
    if record.get("summary"):
        out["description"] = record["summary"]
        out["dc:description"] = record["summary"]
    if record.get("original_language"):
        out["inLanguage"] = record["original_language"]
    if sig := common.signature(record):
        out["identifier"] = sig
        out["dc:source"] = sig
    if code := common.archive_code(record):
        out["holdingArchive"] = {"@type": "ArchiveOrganization", "name": code}
    if pub := common.publisher(record):
        out["publisher"] = {"@type": "Organization", "name": pub}
    if u := common.url(record):
        out["url"] = u
    if record.get("doi"):
        out["sameAs"] = f"https://doi.org/{record['doi']}"
    if record.get("journal"):
        out["isPartOf"] = {"@type": "Periodical", "name": record["journal"], "volumeNumber": record.get("volume"),
                           "issueNumber": record.get("issue")}
    if record.get("rights"):
        out["dc:rights"] = record["rights"]
    return json.dumps({k: v for k, v in out.items() if v is not None}, ensure_ascii=False, indent=2)
