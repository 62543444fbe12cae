"""An example opis plugin: the ``plaintext-card`` export format, a record as a catalogue card.

Declared in its package's ``pyproject.toml`` under ``[project.entry-points.opis]``; opis finds it
with ``pm.load_setuptools_entrypoints("opis")`` once the package is installed.
"""

from __future__ import annotations

import textwrap
from typing import Any

from opis.export import Exporter
from opis.hookspecs import hookimpl

NAME = "plaintext-card"
WIDTH = 60


def render(record: dict[str, Any]) -> str:
    """Title, date, archival signatures and the record's id, as a boxed plain-text card."""
    date = (record.get("date") or {}).get("edtf")
    lines = textwrap.wrap(record.get("title") or "(untitled)", WIDTH)
    lines.append(f"Date: {date or 'unknown'}")
    lines += [f"Archive: {ref['raw']}" for ref in record.get("archival_refs") or [] if ref.get("raw")][:3]
    lines.append(f"opis id: {record['id']}")
    rule = "+" + "-" * (WIDTH + 2) + "+"
    return "\n".join([rule, *(f"| {line[:WIDTH]:<{WIDTH}} |" for line in lines), rule]) + "\n"


@hookimpl
def register_exporters() -> list[Exporter]:
    """The ``plaintext-card`` format."""
    return [Exporter(NAME, render, media_type="text/plain; charset=utf-8", extension="card.txt",
                     label="Catalogue card")]
