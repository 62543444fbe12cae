"""BibTeX (BibLaTeX field names, UTF-8): @misc for archive records, @article for articles."""

from __future__ import annotations

import re

from opis.export import common
from opis.model import Document

_SPECIAL = re.compile(r"([&%$#_{}])")


def escape(value: str) -> str:
    """The value with BibTeX's special characters escaped."""
    value = value.replace("\\", r"\textbackslash{}")
    value = _SPECIAL.sub(r"\\\1", value)
    return value.replace("~", r"\textasciitilde{}").replace("^", r"\textasciicircum{}")


def unescape(value: str) -> str:
    """Inverse of ``escape`` (used by tests and importers of our own output)."""
    value = value.replace(r"\textasciitilde{}", "~").replace(r"\textasciicircum{}", "^")
    value = re.sub(r"\\([&%$#_{}])", r"\1", value)
    return value.replace(r"\textbackslash{}", "\\")


def render(doc: Document) -> str:
    """The document as one BibTeX entry."""
    article = common.is_article(doc)
    fields: list[tuple[str, str]] = []
    if doc.title:
        fields.append(("title", "{" + escape(doc.title) + "}"))
    names = common.agent_names(doc)
    if names:
        fields.append(("author", " and ".join(_name(n) for n in names)))
    if doc.translators:
        fields.append(("translator", " and ".join(_name(n) for n in doc.translators)))
    parts = common.date_parts(doc)
    if parts:
        fields.append(("date", common.iso_parts(parts)))
        fields.append(("year", str(parts[0])))
    for value, dst in ((doc.journal, "journal"), (doc.volume, "volume"), (doc.issue, "number"),
                       (doc.pages, "pages"), (doc.doi, "doi")):
        if value:
            fields.append((dst, escape(str(value))))
    if code := common.archive_code(doc):
        fields.append(("archive", escape(code)))
    if sig := common.signature(doc):
        fields.append(("archive_location", escape(sig)))
        fields.append(("note", escape(sig)))
    if pub := common.publisher(doc):
        fields.append(("howpublished", escape(pub)))
    if u := common.url(doc):
        fields.append(("url", u))
    if doc.summary:
        fields.append(("abstract", escape(doc.summary)))
    if doc.original_language:
        fields.append(("langid", escape(doc.original_language.lower())))
    body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields)
    return f"@{'article' if article else 'misc'}{{{common.cite_key(doc)},\n{body}\n}}\n"


def _name(name: str) -> str:
    n = common.split_name(name)
    return escape(f"{n['family']}, {n['given']}" if n.get("given") else n["family"])
