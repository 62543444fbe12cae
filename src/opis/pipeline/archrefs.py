"""Pipeline component 'archrefs': parse each ``doc.archival_refs[i].raw`` into its parts.

The metadata component finds the signature strings (e.g. the "Citation"/"Document Information"
block of an archive page); this component fills archive code, fond, opis, delo, folios and extra
parts (``opis.refs.archival.parse_archival``: several references in one string become several
entries; the archive is mapped to its authority code), keeping the raw string, its span and the
rule that read it. Unparseable strings stay ``kind="unparsed"``.
When metadata found none, a line of the text that is nothing but a signature of a known archive,
optionally after a label ("Основание: ГАРФ. Ф. Р-9401 ...", "Source: RGASPI, f. 17 ..."), is
taken as the document's own reference. References inside footnotes are parsed by the 'notes'
component (they need Ibid. context).
"""

from __future__ import annotations

import re

from opis.model import ArchivalRef, Document
from opis.pipeline import component
from opis.refs.archival import parse_archival
from opis.refs.parse import parse_ref

SOURCE_LABEL_RE = re.compile(
    r"^\s*(?:Основание|Источник|Подлинник|Копия|Source|Archival (?:source|reference|signature)|Archive|Архив)\s*:\s*",
    re.IGNORECASE,
)
MAX_LINE = 200


@component(
    "archrefs",
    requires=["text", "archival_refs"],
    assigns=["archival_refs"],
)
def archrefs(doc: Document) -> Document:
    """Parse the raw archival references into archive, fond, opis, delo and folios, spans shifted onto the
    text; unreadable ones kept as ``unparsed``."""
    out = []
    for ref in doc.archival_refs:
        if ref.kind == "archival" and (ref.fond or ref.delo or ref.rule):  # already parsed upstream
            out.append(ref)
            continue
        for parsed in parse_archival(ref.raw) or [ArchivalRef(raw=ref.raw, kind="unparsed")]:
            # spans of the pieces are relative to the raw string; shift them onto the document
            if ref.start is not None and parsed.start is not None:
                parsed.start, parsed.end = ref.start + parsed.start, ref.start + (parsed.end or 0)
            else:
                parsed.start, parsed.end = ref.start, ref.end
            parsed.note = ref.note
            if parsed.kind == "unparsed":
                doc.warnings.append(f"archival reference not understood: {parsed.raw!r}")
            out.append(parsed)
    if not out:
        out = list(signatures_in_text(doc.text))
    doc.archival_refs = out
    return doc


def signatures_in_text(text: str):
    """Lines that are a signature of a known archive (with an optional source label), with spans."""
    pos = 0
    for line in text.splitlines(keepends=True):
        start = pos
        pos += len(line)
        body = line.strip()
        if not body or len(body) > MAX_LINE:
            continue
        label = SOURCE_LABEL_RE.match(body)
        candidate = body[label.end() :] if label else body
        ref: ArchivalRef = parse_ref(candidate)
        if ref.kind != "archival" or not ref.known_archive or not (ref.fond or ref.delo):
            continue
        offset = start + line.index(candidate)
        ref.start, ref.end = offset, offset + len(candidate)
        ref.rule = f"source-line:{ref.rule}" if ref.rule else "source-line"
        yield ref
