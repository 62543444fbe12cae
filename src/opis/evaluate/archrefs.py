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
    """The comparison key of an archival reference: canonical archive code, fond, opis, delo and normalised
    folios."""
    return (
        _canon_archive(ref.get("archive")),
        *(ref.get(p) for p in PARTS[1:]),
        tuple(norm_folio(f) for f in ref.get("folios") or []),
    )


def score(gold: dict[str, Any], record: dict[str, Any]) -> list[Tally]:
    """The tallies of a record against its gold: one per gold key present (``_RULES``, in order)."""
    meta = gold.get("metadata") or {}
    notes = {str(n["n"]): n for n in record.get("notes") or []}
    out: list[Tally] = []
    for in_metadata, key, rule in _RULES:
        src = meta if in_metadata else gold
        if key in src:
            out.append(rule(src[key], record, notes))
    return out


Notes = dict[str, dict[str, Any]]


def _body_refs(want: list[dict[str, Any]], record: dict[str, Any], notes: Notes) -> Tally:
    got = [ref_key(r) for r in record.get("archival_refs") or [] if r.get("kind") == "archival"]
    return set_tally("archival_refs", [ref_key(r) for r in want], got)


def _footnote_refs(want: dict[str, Any], record: dict[str, Any], notes: Notes) -> Tally:
    gold_refs = [(n, *ref_key(r)) for n, r in want.items()]
    got_refs = [
        (n, *ref_key(r)) for n, note in notes.items() for r in note.get("archival_refs") or []
        if r.get("kind") == "archival"
    ]
    return set_tally("footnote.archival_refs", gold_refs, got_refs)


def _published(want: list[str], record: dict[str, Any], notes: Notes) -> Tally:
    got_pub = sorted({n for n, note in notes.items() for r in note.get("archival_refs") or [] if r.get("kind") == "published"})
    return set_tally("footnote.published", sorted(want), got_pub)


def _ibid(want: dict[str, Any], record: dict[str, Any], notes: Notes) -> Tally:
    gold_ib, got_ib = [], []
    for n, spec in want.items():
        gold_ib.append((n, spec["resolves_to_footnote"], spec["pages"]))
        note, target = notes.get(n), notes.get(str(spec["resolves_to_footnote"]))
        titles = {c.get("title") for c in (target or {}).get("citations") or []}
        for cit in (note or {}).get("citations") or []:
            if cit.get("ibid"):
                resolved = spec["resolves_to_footnote"] if cit.get("title") in titles else None
                got_ib.append((n, resolved, cit.get("locator")))
    return set_tally("footnote.ibid_bibliographic", gold_ib, got_ib)


def _abbreviations(want: list[str], record: dict[str, Any], notes: Notes) -> Tally:
    got_ab = sorted({a.code for note in notes.values() for a in learn_abbreviations(note.get("text") or "")})
    return set_tally("footnote.abbreviations", sorted(want), got_ab)


def _footnote_count(want: int, record: dict[str, Any], notes: Notes) -> Tally:
    return value_tally("footnote.count", want, len(notes) if notes else None)


def _reference_count(want: int, record: dict[str, Any], notes: Notes) -> Tally:
    bib = record.get("bibliography") or []
    return value_tally("bibliography.count", want, len(bib) if bib else None)


# (the key is in the gold's "metadata", the gold key, its tally), in the order of the report
_RULES = (
    (True, "archival_refs", _body_refs),
    (False, "archival_refs_by_footnote", _footnote_refs),
    (False, "published_source_footnotes", _published),
    (False, "ibid_bibliographic", _ibid),
    (False, "archive_abbreviations", _abbreviations),
    (True, "footnote_count", _footnote_count),
    (True, "reference_count", _reference_count),
)
