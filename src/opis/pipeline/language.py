"""Pipeline component 'language' (placeholder until its issue lands: passes the document through)."""

from opis.model import Document
from opis.pipeline import component


@component("language")
def language(doc: Document) -> Document:
    return doc
