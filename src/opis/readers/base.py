"""What every reader returns: a RawDocument (clean text + layout hints + source facts)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from opis.model import Heading, Page

# raw.fields key under which the record reader keeps the page text its facts' spans point into
PAGE_TEXT_KEY = "__page_text__"


@dataclass
class RawNote:
    """A footnote as the layout recogniser found it; ``anchor`` is the marker offset in text."""

    n: int
    text: str
    anchor: int | None = None


@dataclass
class RawDocument:
    """What a reader returns: the clean text of a file, what it knows of the source (path,
    checksum, format, reader), the layout the recognisers found, the labelled fields and facts with
    their spans, the footnotes and references, the pages (PDF, scans), languages and warnings."""

    path: str
    sha256: str  # of the file's bytes; a reader may leave it "" and opis.readers.read fills it in (one hash per file)
    format: str  # text | markdown | html | pdf | docx | odt | image
    reader: str  # module that read it, e.g. "opis.readers.html"
    text: str  # clean text (boilerplate removed once the layout is recognised)
    size: int = 0
    layout: str = "plain"  # plain | archive_record | article
    fields: dict[str, str] = field(default_factory=dict)  # labelled blocks: "Citation", "Summary", ...
    notes: list[RawNote] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    pages: list[Page] = field(default_factory=list)
    headings: list[Heading] = field(default_factory=list)  # section headings, spans into ``text``
    languages: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    facts: list = field(default_factory=list)  # record facts with spans (opis.readers.layouts.record.facts.Fact)


def sha256_file(path: str | Path) -> str:
    """The SHA-256 of a file's bytes (hex), read in 1 MiB blocks."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
