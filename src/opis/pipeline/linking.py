"""Pipeline component 'linking' (placeholder until its issue lands: passes the document through)."""

from opis.model import Document
from opis.pipeline import component


@component("linking")
def linking(doc: Document) -> Document:
    return doc
