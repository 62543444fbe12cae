"""Pipeline component 'notes' (placeholder until its issue lands: passes the document through)."""

from opis.model import Document
from opis.pipeline import component


@component("notes")
def notes(doc: Document) -> Document:
    return doc
