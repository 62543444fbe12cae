"""An example opis plugin: the ``plaintext-card`` export format, a document as a catalogue card.

Declared in its package's ``pyproject.toml`` under ``[project.entry-points.opis]``; opis finds it
with ``pm.load_setuptools_entrypoints("opis")`` once the package is installed.
"""

from __future__ import annotations

import textwrap

from opis.export import Exporter
from opis.hookspecs import hookimpl
from opis.model import Document

NAME = "plaintext-card"
WIDTH = 60


def render(doc: Document) -> str:
    """Title, date, archival signatures and the document's id, as a boxed plain-text card."""
    lines = textwrap.wrap(doc.title or "(untitled)", WIDTH)
    lines.append(f"Date: {doc.date.edtf or 'unknown'}")
    lines += [f"Archive: {ref.raw}" for ref in doc.archival_refs if ref.raw][:3]
    lines.append(f"opis id: {doc.id}")
    rule = "+" + "-" * (WIDTH + 2) + "+"
    return "\n".join([rule, *(f"| {line[:WIDTH]:<{WIDTH}} |" for line in lines), rule]) + "\n"


@hookimpl
def register_exporters() -> list[Exporter]:
    """The ``plaintext-card`` format."""
    return [Exporter(NAME, render, media_type="text/plain; charset=utf-8", extension="card.txt",
                     label="Catalogue card")]
