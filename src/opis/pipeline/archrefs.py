"""Pipeline component 'archrefs': parse each ``doc.archival_refs[i].raw`` into its parts.

The metadata component finds the signature strings (e.g. the "Citation"/"Document Information"
block of an archive page); this component fills archive code, fond, opis, delo, folios and extra
parts, keeping the raw string and its span. Unparseable strings stay ``kind="unparsed"``.
References inside footnotes are parsed by the 'notes' component (they need Ibid. context).
"""

from __future__ import annotations

from opis.model import Document
from opis.pipeline import component
from opis.refs.parse import parse_ref


@component("archrefs")
def archrefs(doc: Document) -> Document:
    out = []
    for ref in doc.archival_refs:
        if ref.kind == "archival" and (ref.fond or ref.delo):  # already parsed upstream
            out.append(ref)
            continue
        parsed = parse_ref(ref.raw)
        parsed.start, parsed.end, parsed.note = ref.start, ref.end, ref.note
        if parsed.kind == "unparsed":
            doc.warnings.append(f"archival reference not understood: {ref.raw!r}")
        out.append(parsed)
    doc.archival_refs = out
    return doc
