"""Pipeline component 'boilerplate' (placeholder until its issue lands: passes the document through)."""

from opis.model import Document
from opis.pipeline import component


@component("boilerplate")
def boilerplate(doc: Document) -> Document:
    return doc
