"""CSL-JSON (an array with one item), valid against the CSL-data schema shipped as ``csl-data.json``.

Only variables CSL processors know are written (citeproc-py, citeproc-js, pandoc): an archive
record is a ``manuscript`` with the holding archive in ``archive``, the place in it (fond, opis,
delo, folios) in ``archive_location``, the digital archive that publishes it in ``source``, its
recipients in ``recipient`` and the credits in the source's words ("Obtained by X and translated
by Y") in ``note``; a journal article is ``article-journal``. Titles lose the source's inline
marks (``*…*``).
"""

from __future__ import annotations

import json
from typing import Any

from opis import inline
from opis.export import common
from opis.model import Document


def _names(names: list[str]) -> list[dict[str, str]]:
    return [common.split_name(n) for n in names]


def item(doc: Document) -> dict[str, Any]:
    """The document as one CSL-JSON item."""
    out: dict[str, Any] = {"id": common.cite_key(doc), "type": "article-journal" if common.is_article(doc) else "manuscript"}
    if doc.title:
        out["title"] = inline.to_plain(doc.title)
    for role, names in (("author", common.agent_names(doc)), ("recipient", common.agent_names(doc, "recipients")),
                        ("translator", doc.translators or [])):
        if names:
            out[role] = _names(names)
    if parts := common.calendar_parts(doc):
        out["issued"] = {"date-parts": [parts]}
    archive, location = common.archive_and_location(doc)
    if archive:
        out["archive"] = archive
    if location:
        out["archive_location"] = location
    if pub := common.publisher(doc):
        out["source"] = pub
    if credits := common.credit_line(doc):
        out["note"] = credits
    if u := common.url(doc):
        out["URL"] = u
    if doc.doi:
        out["DOI"] = doc.doi
    for value, dst in ((doc.journal, "container-title"), (doc.volume, "volume"), (doc.issue, "issue"),
                       (doc.pages, "page"), (doc.abstract or doc.summary, "abstract"),
                       (None if common.is_article(doc) else doc.doc_type, "genre")):
        if value:
            out[dst] = inline.to_plain(str(value))
    if doc.keywords:
        out["keyword"] = ", ".join(doc.keywords)
    if doc.original_language:
        out["language"] = common.lang_code(doc.original_language)
    return out


def render(doc: Document) -> str:
    """The document as CSL-JSON: an array of one item."""
    return json.dumps([item(doc)], ensure_ascii=False, indent=2)


def render_all(docs) -> dict[str, str]:
    """Several documents as one CSL-JSON array (``references.json``)."""
    return {"references.json": json.dumps([item(d) for d in docs], ensure_ascii=False, indent=2)}
