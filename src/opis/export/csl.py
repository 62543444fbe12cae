"""CSL-JSON (an array with one item), valid against the CSL-data schema shipped as ``csl-data.json``."""

from __future__ import annotations

import json
from typing import Any

from opis.export import common


def item(record: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"id": common.cite_key(record), "type": "article-journal" if common.is_article(record) else "manuscript"}
    if record.get("title"):
        out["title"] = record["title"]
    authors = [common.split_name(n) for n in common.agent_names(record)]
    if authors:
        out["author"] = authors
    recipients = [common.split_name(n) for n in common.agent_names(record, "recipients")]
    if recipients:
        out["recipient"] = recipients
    translators = [common.split_name(n) for n in record.get("translators") or []]
    if translators:
        out["translator"] = translators
    contributors = [common.split_name(n) for n in record.get("contributors") or []]
    if contributors:
        out["contributor"] = contributors
    if parts := common.date_parts(record):
        out["issued"] = {"date-parts": [parts]}
    if code := common.archive_code(record):
        out["archive"] = code
    if sig := common.signature(record):
        out["archive_location"] = sig
    if pub := common.publisher(record):
        out["source"] = pub
    if u := common.url(record):
        out["URL"] = u
    if record.get("doi"):
        out["DOI"] = record["doi"]
    for src, dst in (("journal", "container-title"), ("volume", "volume"), ("issue", "issue"), ("pages", "page"),
                     ("summary", "abstract"), ("doc_type", "genre")):
        if record.get(src):
            out[dst] = str(record[src])
    if record.get("abstract") and "abstract" not in out:
        out["abstract"] = record["abstract"]
    if record.get("original_language"):
        out["language"] = record["original_language"]
    return out


def render(record: dict[str, Any]) -> str:
    return json.dumps([item(record)], ensure_ascii=False, indent=2)
