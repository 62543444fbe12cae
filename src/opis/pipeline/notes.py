"""Pipeline component 'notes': footnotes and the reference list of an article.

Each ``doc.notes`` item gets its archival references (``Ibid.`` and in-note abbreviations
resolved) and its citations of publications; the reference list
(``doc.fields["__references__"]``, one entry per line) becomes CSL-JSON items in
``doc.bibliography``; short-form and full notes are linked to their entry (``citation["ref"]``).
"""

from __future__ import annotations

from opis.model import Document
from opis.pipeline import component
from opis.refs.bibliography import item_id, match_entry, parse_reference
from opis.refs.footnotes import annotate_notes


@component(
    "notes",
    requires=["notes", "fields"],
    assigns=["notes", "bibliography"],
)
def notes(doc: Document) -> Document:
    """Annotate the notes (citations, references), parse the reference list into a bibliography, and link
    citations to its entries."""
    if doc.notes:
        annotate_notes(doc.notes)
    lines = [ln.strip() for ln in (doc.fields.get("__references__") or "").splitlines() if ln.strip()]
    if lines and not doc.bibliography:
        taken: set[str] = set()
        for line in lines:
            item = parse_reference(line)
            if item is None:
                item = {"type": "document", "title": line}
                doc.warnings.append(f"reference list: could not parse entry {line[:80]!r}")
            item["id"] = item_id(item, taken)
            doc.bibliography.append(item)
    if doc.bibliography:
        for note in doc.notes:
            for cit in note.citations:
                entry = match_entry(cit, doc.bibliography)
                if entry is not None:
                    cit["ref"] = entry["id"]
    return doc
