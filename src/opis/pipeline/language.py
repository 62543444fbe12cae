"""Pipeline component 'language': the languages of the document and of each page.

Fills ``doc.languages`` (ISO 639-1, in order of share) when the reader did not, and
``doc.page_info[i].lang`` for every page that has none. The original language stated by a
record's metadata (``doc.original_language``) is the metadata component's, not touched here.
"""

from opis.lang import detect_language, detect_languages
from opis.model import Document
from opis.pipeline import component


@component(
    "language",
    requires=["text", "page_info"],
    assigns=["languages", "page_info"],
)
def language(doc: Document) -> Document:
    if not doc.languages:
        doc.languages = detect_languages(doc.text)
    for page in doc.page_info:
        if page.lang is None:
            page.lang = detect_language(doc.text[page.start:page.end])
    return doc
