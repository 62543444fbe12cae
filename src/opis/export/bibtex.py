"""BibTeX (BibLaTeX field names, UTF-8): @misc for archive records, @article for articles."""

from __future__ import annotations

import re
from typing import Any

from opis.export import common

_SPECIAL = re.compile(r"([&%$#_{}])")


def escape(value: str) -> str:
    value = value.replace("\\", r"\textbackslash{}")
    value = _SPECIAL.sub(r"\\\1", value)
    return value.replace("~", r"\textasciitilde{}").replace("^", r"\textasciicircum{}")


def unescape(value: str) -> str:
    """Inverse of ``escape`` (used by tests and importers of our own output)."""
    value = value.replace(r"\textasciitilde{}", "~").replace(r"\textasciicircum{}", "^")
    value = re.sub(r"\\([&%$#_{}])", r"\1", value)
    return value.replace(r"\textbackslash{}", "\\")


def render(record: dict[str, Any]) -> str:
    article = common.is_article(record)
    fields: list[tuple[str, str]] = []
    if record.get("title"):
        fields.append(("title", "{" + escape(record["title"]) + "}"))
    names = common.agent_names(record)
    if names:
        fields.append(("author", " and ".join(_name(n) for n in names)))
    if record.get("translators"):
        fields.append(("translator", " and ".join(_name(n) for n in record["translators"])))
    parts = common.date_parts(record)
    if parts:
        fields.append(("date", "-".join(f"{p:02d}" if i else str(p) for i, p in enumerate(parts))))
        fields.append(("year", str(parts[0])))
    for src, dst in (("journal", "journal"), ("volume", "volume"), ("issue", "number"), ("pages", "pages"),
                     ("doi", "doi")):
        if record.get(src):
            fields.append((dst, escape(str(record[src]))))
    if code := common.archive_code(record):
        fields.append(("archive", escape(code)))
    if sig := common.signature(record):
        fields.append(("archive_location", escape(sig)))
        fields.append(("note", escape(sig)))
    if pub := common.publisher(record):
        fields.append(("howpublished", escape(pub)))
    if u := common.url(record):
        fields.append(("url", u))
    if record.get("summary"):
        fields.append(("abstract", escape(record["summary"])))
    if record.get("original_language"):
        fields.append(("langid", escape(record["original_language"].lower())))
    body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields)
    return f"@{'article' if article else 'misc'}{{{common.cite_key(record)},\n{body}\n}}\n"


def _name(name: str) -> str:
    n = common.split_name(name)
    return escape(f"{n['family']}, {n['given']}" if n.get("given") else n["family"])
