"""BibTeX (BibLaTeX field names, UTF-8): @misc for archive records, @article for articles.

The archival signature is kept where biblatex's styles print it and reference managers show it:
``note`` (the holding archive and the signature, e.g. ``GARF, Fond R-9401ss, …``),
``howpublished`` (the digital archive that publishes the record), ``addendum`` (the credits in
the source's words); ``archive`` and ``archive_location`` repeat the parts for tools that map
them (JabRef, Zotero with Better BibTeX). The source's emphasis becomes ``\\emph{…}``.
"""

from __future__ import annotations

import re

from opis import inline
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


def _text(value: str) -> str:
    """A field value: escaped, the source's emphasis as \\emph."""
    return inline.to_latex(value, escape)


def fields(doc: Document) -> list[tuple[str, str]]:
    """The entry's (field, value) pairs, values already escaped."""
    out: list[tuple[str, str]] = []
    if doc.title:
        out.append(("title", "{" + _text(doc.title) + "}"))
    names = common.agent_names(doc)
    if names:
        out.append(("author", " and ".join(_name(n) for n in names)))
    if doc.translators:
        out.append(("translator", " and ".join(_name(n) for n in doc.translators)))
    parts = common.calendar_parts(doc)
    if parts:
        out.append(("date", common.iso_parts(parts)))
        out.append(("year", str(parts[0])))
    for value, dst in ((doc.journal, "journal"), (doc.volume, "volume"), (doc.issue, "number"),
                       (doc.pages, "pages"), (doc.doi, "doi")):
        if value:
            out.append((dst, _text(str(value))))
    archive, location = common.archive_and_location(doc)
    if archive:
        out.append(("archive", escape(archive)))
    if location:
        out.append(("archive_location", escape(location)))
    if sig := common.signature(doc):
        ref = common.main_ref(doc)
        named = sig if not archive or (ref and common.names_archive(sig, ref)) else f"{archive}, {sig}"
        out.append(("note", escape(named)))
    if pub := common.publisher(doc):
        out.append(("howpublished", escape(pub)))
    if credits := common.credit_line(doc):
        out.append(("addendum", escape(credits)))
    if u := common.url(doc):
        out.append(("url", u))
    if abstract := doc.abstract or doc.summary:
        out.append(("abstract", _text(abstract)))
    if doc.keywords:
        out.append(("keywords", escape(", ".join(doc.keywords))))
    if doc.original_language:
        out.append(("langid", escape(doc.original_language.lower())))
    return out


def render(doc: Document) -> str:
    """The document as one BibTeX entry."""
    body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields(doc))
    return f"@{'article' if common.is_article(doc) else 'misc'}{{{common.cite_key(doc)},\n{body}\n}}\n"


def render_all(docs) -> dict[str, str]:
    """Several documents as one ``.bib`` file."""
    return {"references.bib": "\n".join(render(d) for d in docs)}


def _name(name: str) -> str:
    n = common.split_name(name)
    return escape(f"{n['family']}, {n['given']}" if n.get("given") else n["family"])
