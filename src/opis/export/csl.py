"""CSL-JSON (an array with one item), valid against the CSL-data schema shipped as ``csl-data.json``."""

from __future__ import annotations

import json
from typing import Any

from opis.export import common
from opis.model import Document


def item(doc: Document) -> dict[str, Any]:
    """The document as one CSL-JSON item."""
    out: dict[str, Any] = {"id": common.cite_key(doc), "type": "article-journal" if common.is_article(doc) else "manuscript"}
    if doc.title:
        out["title"] = doc.title
    authors = [common.split_name(n) for n in common.agent_names(doc)]
    if authors:
        out["author"] = authors
    recipients = [common.split_name(n) for n in common.agent_names(doc, "recipients")]
    if recipients:
        out["recipient"] = recipients
    translators = [common.split_name(n) for n in doc.translators or []]
    if translators:
        out["translator"] = translators
    contributors = [common.split_name(n) for n in doc.contributors or []]
    if contributors:
        out["contributor"] = contributors
    if parts := common.date_parts(doc):
        out["issued"] = {"date-parts": [parts]}
    if code := common.archive_code(doc):
        out["archive"] = code
    if sig := common.signature(doc):
        out["archive_location"] = sig
    if pub := common.publisher(doc):
        out["source"] = pub
    if u := common.url(doc):
        out["URL"] = u
    if doc.doi:
        out["DOI"] = doc.doi
    for value, dst in ((doc.journal, "container-title"), (doc.volume, "volume"), (doc.issue, "issue"),
                       (doc.pages, "page"), (doc.summary, "abstract"), (doc.doc_type, "genre")):
        if value:
            out[dst] = str(value)
    if doc.abstract and "abstract" not in out:
        out["abstract"] = doc.abstract
    if doc.original_language:
        out["language"] = doc.original_language
    return out


def render(doc: Document) -> str:
    """The document as CSL-JSON: an array of one item."""
    return json.dumps([item(doc)], ensure_ascii=False, indent=2)
