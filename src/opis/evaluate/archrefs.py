"""Scores for archival references, footnotes and the bibliography (``opis eval``).

* ``archival_refs``: the record's own signatures, exact match of archive/fond/opis/delo/folios;
* ``footnote.archival_refs``: per footnote, exact match of all parts (Ibid. resolved);
* ``footnote.published``: which footnotes cite published legal sources (not archival files);
* ``footnote.ibid_bibliographic``: bibliographic Ibid. resolved to the right work and pages;
* ``footnote.abbreviations``: codes defined in notes ("(thereafter – X)");
* ``footnote.count`` / ``bibliography.count``.
"""

from __future__ import annotations

from typing import Any

from opis.evaluate import Tally, set_tally, value_tally
from opis.refs.parse import learn_abbreviations, norm_folio

PARTS = ("archive", "fond", "opis", "delo")


def _canon_archive(code: str | None) -> str | None:
    if not code:
        return code
    from opis.authority.archives import lookup

    arc = lookup(code)
    return arc.code if arc else code


def ref_key(ref: dict[str, Any]) -> tuple:
    return (
        _canon_archive(ref.get("archive")),
        *(ref.get(p) for p in PARTS[1:]),
        tuple(norm_folio(f) for f in ref.get("folios") or []),
    )


def score(gold: dict[str, Any], record: dict[str, Any]) -> list[Tally]:
    out: list[Tally] = []
    meta = gold.get("metadata") or {}
    if "archival_refs" in meta:
        got = [ref_key(r) for r in record.get("archival_refs") or [] if r.get("kind") == "archival"]
        out.append(set_tally("archival_refs", [ref_key(r) for r in meta["archival_refs"]], got))
    notes = {str(n["n"]): n for n in record.get("notes") or []}
    if "archival_refs_by_footnote" in gold:
        gold_refs = [(n, *ref_key(r)) for n, r in gold["archival_refs_by_footnote"].items()]
        got_refs = [
            (n, *ref_key(r)) for n, note in notes.items() for r in note.get("archival_refs") or []
            if r.get("kind") == "archival"
        ]
        out.append(set_tally("footnote.archival_refs", gold_refs, got_refs))
    if "published_source_footnotes" in gold:
        got_pub = sorted({n for n, note in notes.items() for r in note.get("archival_refs") or [] if r.get("kind") == "published"})
        out.append(set_tally("footnote.published", sorted(gold["published_source_footnotes"]), got_pub))
    if "ibid_bibliographic" in gold:
        gold_ib, got_ib = [], []
        for n, spec in gold["ibid_bibliographic"].items():
            gold_ib.append((n, spec["resolves_to_footnote"], spec["pages"]))
            note, target = notes.get(n), notes.get(str(spec["resolves_to_footnote"]))
            for cit in (note or {}).get("citations") or []:
                if not cit.get("ibid"):
                    continue
                titles = {c.get("title") for c in (target or {}).get("citations") or []}
                resolved = spec["resolves_to_footnote"] if cit.get("title") in titles else None
                got_ib.append((n, resolved, cit.get("locator")))
        out.append(set_tally("footnote.ibid_bibliographic", gold_ib, got_ib))
    if "archive_abbreviations" in gold:
        got_ab = sorted({a.code for note in notes.values() for a in learn_abbreviations(note.get("text") or "")})
        out.append(set_tally("footnote.abbreviations", sorted(gold["archive_abbreviations"]), got_ab))
    if "footnote_count" in meta:
        out.append(value_tally("footnote.count", meta["footnote_count"], len(notes) if notes else None))
    if "reference_count" in meta:
        bib = record.get("bibliography") or []
        out.append(value_tally("bibliography.count", meta["reference_count"], len(bib) if bib else None))
    return out
