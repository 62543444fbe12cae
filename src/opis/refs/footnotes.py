"""Footnotes of an article: archival references and citations, ``Ibid.`` and abbreviations.

``annotate_notes(notes)`` walks the notes in order, as a reader does: abbreviations defined in a
note (``(thereafter – SGA MVD RK)``) hold for the rest of the document; ``Ibid.`` refers to the
last thing cited in the previous note (an archival file or a publication).
"""

from __future__ import annotations

from typing import Any

from opis.model import ArchivalRef, Note
from opis.refs.bibliography import parse_citation, split_citations
from opis.refs.ibid import resolve_archival, resolve_citation
from opis.refs.parse import Abbreviation, learn_abbreviations, parse_ref


def annotate_notes(notes: list[Note]) -> dict[str, Abbreviation]:
    """Fill ``archival_refs`` and ``citations`` of each note in place; returns the abbreviations learned."""
    abbreviations: dict[str, Abbreviation] = {}
    last: ArchivalRef | dict[str, Any] | None = None
    for note in sorted(notes, key=lambda x: x.n):
        for ab in learn_abbreviations(note.text):
            abbreviations.setdefault(ab.code, ab)
        note.archival_refs = []
        note.citations = []
        pos = 0
        for seg in split_citations(note.text):
            start = note.text.find(seg, pos)
            end = start + len(seg) if start >= 0 else None
            pos = end or pos
            last = _one(note, seg, start if start >= 0 else None, end, abbreviations, last)
    return abbreviations


def _one(note: Note, seg: str, start, end, abbreviations, last):
    ref = parse_ref(seg, abbreviations)
    if ref.ibid:
        if isinstance(last, dict) and ref.kind in ("book", "unparsed") or (isinstance(last, dict) and not ref.folios):
            cit = resolve_citation(ref.pages, last)
            cit["raw"] = seg
            note.citations.append(cit)
            return cit
        if isinstance(last, ArchivalRef) and ref.kind in ("archival", "book"):
            if ref.kind == "book":  # bare numbers after an archival file are folios
                ref.folios, ref.pages, ref.kind = [p.strip() for p in (ref.pages or "").split(",") if p.strip()], None, "archival"
            full = resolve_archival(ref, last)
            full.note, full.start, full.end = note.n, start, end
            note.archival_refs.append(full)
            return full
        ref.note, ref.start, ref.end = note.n, start, end
        ref.kind = "unparsed"
        note.archival_refs.append(ref)
        return last
    if ref.kind in ("archival", "published"):
        ref.note, ref.start, ref.end = note.n, start, end
        note.archival_refs.append(ref)
        return ref
    cit = parse_citation(seg)
    if cit is not None:
        cit["raw"] = seg
        note.citations.append(cit)
        return cit
    return None  # a note we do not understand: a following Ibid. cannot be resolved safely
