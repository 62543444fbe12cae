"""Pipeline component 'language': the languages of the document and of each page.

Fills ``doc.languages`` (ISO 639-1, in order of share) when the reader did not, and
``doc.page_info[i].lang`` for every page that has none. The original language stated by a
record's metadata (``doc.original_language``) is the metadata component's, not touched here.

Every letter is identified once: a document with pages is read page by page and its languages
are those of the pages' letters summed (with the text between pages), not a second pass over
the whole text.
"""

from __future__ import annotations

from collections import Counter

from opis.lang import detect_languages, language_shares, languages_of
from opis.model import Document, Page
from opis.pipeline import component


def _tiled(pages: list[Page], length: int) -> bool:
    """Do the pages lie in order without overlapping, inside the text?"""
    pos = 0
    for p in pages:
        if p.start < pos or p.end < p.start or p.end > length:
            return False
        pos = p.end
    return True


def _by_page(doc: Document) -> None:
    """Each page's language from its own letters; the document's from all of them together."""
    total: Counter[str] = Counter()
    pos = 0
    for page in doc.page_info:
        if not doc.languages:
            total.update(dict(language_shares(doc.text[pos:page.start])))
        if page.lang is None or not doc.languages:
            shares = language_shares(doc.text[page.start:page.end])
            total.update(dict(shares))
            if page.lang is None:
                langs = languages_of(shares)
                page.lang = langs[0] if langs else None
        pos = page.end
    if not doc.languages:
        total.update(dict(language_shares(doc.text[pos:])))
        doc.languages = languages_of(total.most_common())


@component(
    "language",
    requires=["text", "page_info"],
    assigns=["languages", "page_info"],
)
def language(doc: Document) -> Document:
    """Set the document's languages and each page's language, per page when the pages tile the text."""
    if doc.page_info and _tiled(doc.page_info, len(doc.text)):
        _by_page(doc)
        return doc
    if not doc.languages:
        doc.languages = detect_languages(doc.text)
    for page in doc.page_info:
        if page.lang is None:
            langs = detect_languages(doc.text[page.start:page.end])
            page.lang = langs[0] if langs else None
    return doc
