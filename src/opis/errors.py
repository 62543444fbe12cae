"""The opis error hierarchy. Every error names the file (or input) and the problem."""

from __future__ import annotations


class OpisError(Exception):
    """Base class: ``str(err)`` is one line a user can act on."""

    def __init__(self, message: str, path: str | None = None):
        self.path = path
        self.message = message
        super().__init__(f"{path}: {message}" if path else message)


class ReadError(OpisError):
    """A file could not be read: missing, empty, binary, undecodable, too large, corrupt."""


class UnsupportedFormat(ReadError):
    """No reader handles this kind of file."""


class ExtractionError(OpisError):
    """A pipeline component failed on a document."""


class StoreError(OpisError):
    """The store could not be opened or written."""


class NotFound(OpisError):
    """A document, entity or other record does not exist."""


class QuerySyntaxError(OpisError):
    """A search query is malformed; ``position`` points at the problem."""

    def __init__(self, message: str, query: str = "", position: int | None = None):
        self.query = query
        self.position = position
        super().__init__(message)
