"""Body blocks + footnotes -> one text in the markup the layout recognisers read (DOCX, ODT).

Markers stay where the reference stands as ``<sup>n</sup>``; the notes follow the body, one
block each, ``<sup>n</sup> text``, as on the text pages of journal articles.
"""

from __future__ import annotations

import re

MARKER_RE = re.compile(r"<sup>(\d+)</sup>")


def assemble_with_notes(blocks: list[str], notes: list[tuple[int, str]]) -> tuple[str, dict[int, int]]:
    """(text, {note number: offset of its first marker in the text})."""
    body = "\n\n".join(blocks)
    anchors: dict[int, int] = {}
    for m in MARKER_RE.finditer(body):
        anchors.setdefault(int(m.group(1)), m.start())
    tail = [f"<sup>{n}</sup> {text}" for n, text in notes if text]
    text = body + ("\n\n" + "\n\n".join(tail) if tail else "")
    return text, anchors
