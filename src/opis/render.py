"""Plain-text rendering of a document for the terminal (``opis show``)."""

from __future__ import annotations

from opis.model import Agent, Document


def _names(items: list[Agent | str]) -> str:
    """Agents as 'canonical (as written)' when the two differ."""
    out = []
    for i in items:
        if isinstance(i, Agent):
            name, surface = i.name, i.surface
            out.append(f"{name} ({surface})" if surface and surface != name else str(name))
        else:
            out.append(str(i))
    return "; ".join(out)


def _journal(doc: Document) -> str:
    parts = (doc.journal, doc.volume, doc.issue and f"no. {doc.issue}", doc.pages)
    return " ".join(str(x) for x in parts if x)


def record_summary(doc: Document) -> str:
    """Title, the metadata one per line, then the summary (or abstract)."""
    date = doc.date
    prov = doc.provenance
    lines = [doc.title or "(untitled)", ""]
    rows = [
        ("id", doc.id),
        ("date", date and date.edtf and f"{date.edtf}  ({date.earliest} .. {date.latest})"),
        ("type", doc.doc_type),
        ("authors", _names(doc.authors)),
        ("recipients", _names(doc.recipients)),
        ("classification", doc.classification),
        ("number", doc.document_number),
        ("original language", doc.original_language),
        ("languages", ", ".join(doc.languages)),
        ("translators", "; ".join(doc.translators)),
        ("contributors", "; ".join(doc.contributors)),
        ("funders", "; ".join(doc.funders)),
        ("journal", _journal(doc)),
        ("doi", doc.doi),
        ("edn", doc.edn),
        ("keywords", "; ".join(doc.keywords)),
        ("source", doc.source_url),
        ("record id", doc.record_id),
        ("archival refs", " | ".join(r.raw for r in doc.archival_refs)),
        ("notes", len(doc.notes) or None),
        ("bibliography", len(doc.bibliography) or None),
        ("mentions", len(doc.mentions) or None),
        ("claims", len(doc.claims) or None),
        ("file", prov.path if prov else None),
        ("layout", prov.layout if prov else None),
        ("text", f"{len(doc.text or ''):,} characters"),
    ]
    width = max(len(k) for k, _ in rows)
    for key, value in rows:
        if value not in (None, "", []):
            lines.append(f"{key:>{width}}: {value}")
    if doc.summary:
        lines += ["", doc.summary]
    elif doc.abstract:
        lines += ["", doc.abstract]
    return "\n".join(lines)
