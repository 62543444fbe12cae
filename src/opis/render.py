"""Plain-text rendering of a record for the terminal."""

from __future__ import annotations

from typing import Any


def _names(items: list[Any]) -> str:
    """Agents as 'canonical (as written)' when the two differ."""
    out = []
    for i in items:
        if isinstance(i, dict):
            name, surface = i.get("name"), i.get("surface")
            out.append(f"{name} ({surface})" if surface and surface != name else str(name))
        else:
            out.append(str(i))
    return "; ".join(out)


def record_summary(rec: dict[str, Any]) -> str:
    date = rec.get("date") or {}
    lines = [rec.get("title") or "(untitled)", ""]
    rows = [
        ("id", rec.get("id")),
        ("date", date.get("edtf") and f"{date['edtf']}  ({date.get('earliest')} .. {date.get('latest')})"),
        ("type", rec.get("doc_type")),
        ("authors", _names(rec.get("authors", []))),
        ("recipients", _names(rec.get("recipients", []))),
        ("classification", rec.get("classification")),
        ("number", rec.get("document_number")),
        ("original language", rec.get("original_language")),
        ("languages", ", ".join(rec.get("languages", []))),
        ("translators", "; ".join(rec.get("translators", []))),
        ("contributors", "; ".join(rec.get("contributors", []))),
        ("funders", "; ".join(rec.get("funders", []))),
        ("journal", " ".join(str(x) for x in (rec.get("journal"), rec.get("volume"), rec.get("issue") and f"no. {rec['issue']}", rec.get("pages")) if x)),
        ("doi", rec.get("doi")),
        ("edn", rec.get("edn")),
        ("keywords", "; ".join(rec.get("keywords", []))),
        ("source", rec.get("source_url")),
        ("record id", rec.get("record_id")),
        ("archival refs", " | ".join(r["raw"] for r in rec.get("archival_refs", []))),
        ("notes", len(rec.get("notes", [])) or None),
        ("bibliography", len(rec.get("bibliography", [])) or None),
        ("mentions", len(rec.get("mentions", [])) or None),
        ("claims", len(rec.get("claims", [])) or None),
        ("file", (rec.get("provenance") or {}).get("path")),
        ("layout", (rec.get("provenance") or {}).get("layout")),
        ("text", f"{len(rec.get('text') or ''):,} characters"),
    ]
    width = max(len(k) for k, _ in rows)
    for key, value in rows:
        if value not in (None, "", []):
            lines.append(f"{key:>{width}}: {value}")
    if rec.get("summary"):
        lines += ["", rec["summary"]]
    elif rec.get("abstract"):
        lines += ["", rec["abstract"]]
    return "\n".join(lines)
