"""Pipeline component 'apparatus' (placeholder until its issue lands: passes the document through)."""

from opis.model import Document
from opis.pipeline import component


@component("apparatus")
def apparatus(doc: Document) -> Document:
    return doc
