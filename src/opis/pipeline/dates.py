"""Pipeline component 'dates' (placeholder until its issue lands: passes the document through)."""

from opis.model import Document
from opis.pipeline import component


@component("dates")
def dates(doc: Document) -> Document:
    return doc
