"""Pipeline component 'archrefs' (placeholder until its issue lands: passes the document through)."""

from opis.model import Document
from opis.pipeline import component


@component("archrefs")
def archrefs(doc: Document) -> Document:
    return doc
