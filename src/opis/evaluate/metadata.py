"""Scorer for the record's descriptive metadata against gold ``metadata`` blocks.

Only the fields a gold file states are scored (a field absent from gold is not annotated).
Single values count right/wrong/missing/invented (``value_tally``); lists (translators,
contributors, funders, keywords, languages) and agents (authors, recipients) as sets. A gold
person's name matches a stored agent whose canonical ``name`` or written ``surface`` equals it.
Archival references are scored by the archival-references scorer, not here.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from opis.evaluate import Tally, set_tally, value_tally

SINGLE_FIELDS = [
    "title", "doc_type", "classification", "document_number", "original_language", "source_url",
    "record_id", "doi", "edn", "journal", "volume", "issue", "pages", "year",
]
LIST_FIELDS = ["translators", "contributors", "funders", "keywords", "languages"]
AGENT_FIELDS = ["authors", "recipients"]


def norm(value: Any) -> Any:
    """Compare text case- and space-insensitively, with typographic dashes and quotes folded."""
    if value is None or isinstance(value, int | float):
        return value
    s = unicodedata.normalize("NFC", str(value))
    s = s.replace("–", "-").replace("—", "-").replace("’", "'").replace("“", '"').replace("”", '"')
    return re.sub(r"\s+", " ", s).strip().casefold()


def _agent_names(agent: Any) -> set[str]:
    if isinstance(agent, dict):
        return {norm(agent.get(k)) for k in ("name", "surface") if agent.get(k)}
    return {norm(agent)}


def agent_tally(field: str, gold: list[str], got: list[Any]) -> Tally:
    """A gold name matches an agent by its canonical name or as written."""
    return set_tally(
        field, gold, got,
        match=lambda name, agent: norm(name) in _agent_names(agent),
        label=lambda a: a.get("name") if isinstance(a, dict) else a,
    )


def summary_tally(starts: str | None, summary: str | None) -> Tally:
    """Right when the summary starts with the gold's first characters, or both are absent."""
    got = norm(summary or "")
    if starts is None:
        return value_tally("metadata.summary", None, summary[:60] if summary else None)
    ok = bool(got) and got.startswith(norm(starts))
    t = Tally("metadata.summary", tp=int(ok), fn=int(not ok), fp=int(bool(got) and not ok))
    if not ok:
        t.misses.append(f"summary does not start with {starts!r}: {summary!r}")
    return t


def printed_reference(record: dict[str, Any]) -> str | None:
    """The archival reference as the page prints it: the words its source span holds, else the
    record's references joined."""
    for src in (record.get("provenance") or {}).get("fields") or []:
        if src.get("field") == "archival_refs":
            value = src.get("value")
            return "; ".join(value) if isinstance(value, list) else value
    refs = [r.get("raw") for r in record.get("archival_refs") or [] if r.get("raw")]
    return "; ".join(refs) or None


def score(gold: dict[str, Any], record: dict[str, Any]) -> list[Tally]:
    """Metadata tallies for one document, one per field the gold states (single values, lists, agents,
    counts)."""
    meta = gold.get("metadata") or {}
    out: list[Tally] = []
    for name in SINGLE_FIELDS:
        if name in meta:
            t = value_tally(f"metadata.{name}", norm(meta[name]), norm(record.get(name)))
            out.append(t)
    if "date" in meta:
        date = (record.get("date") or {}).get("edtf")
        out.append(value_tally("metadata.date", norm(meta["date"]), norm(date)))
    for name in LIST_FIELDS:
        if name in meta:
            out.append(set_tally(f"metadata.{name}", [norm(x) for x in meta[name] or []],
                                 [norm(x) for x in record.get(name) or []]))
    for name in AGENT_FIELDS:
        if name in meta:
            out.append(agent_tally(f"metadata.{name}", meta[name] or [], record.get(name) or []))
    if "summary_starts" in meta:
        out.append(summary_tally(meta["summary_starts"], record.get("summary")))
    if "archival_ref_raw" in meta:
        out.append(value_tally("metadata.archival_ref_raw", norm(meta["archival_ref_raw"]), norm(printed_reference(record))))
    if "footnote_count" in meta:
        out.append(value_tally("metadata.footnote_count", meta["footnote_count"], len(record.get("notes") or [])))
    if "reference_count" in meta:
        out.append(value_tally("metadata.reference_count", meta["reference_count"], len(record.get("bibliography") or [])))
    return out
