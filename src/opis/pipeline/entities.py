"""Pipeline component 'entities' (placeholder until its issue lands: passes the document through)."""

from opis.model import Document
from opis.pipeline import component


@component("entities")
def entities(doc: Document) -> Document:
    return doc
