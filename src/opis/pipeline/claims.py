"""Pipeline component 'claims' (placeholder until its issue lands: passes the document through)."""

from opis.model import Document
from opis.pipeline import component


@component("claims")
def claims(doc: Document) -> Document:
    return doc
