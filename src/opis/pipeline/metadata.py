"""Pipeline component 'metadata' (placeholder until its issue lands: passes the document through)."""

from opis.model import Document
from opis.pipeline import component


@component("metadata")
def metadata(doc: Document) -> Document:
    return doc
