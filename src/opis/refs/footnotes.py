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
    has_file = bool(ref.fond or ref.opis or ref.delo)
    if ref.ibid:
        if isinstance(last, dict) and not has_file:
            pages = ref.pages or (", ".join(ref.folios) if ref.folios else None)
            cit = resolve_citation(pages, last)
            cit["raw"] = seg
            note.citations.append(cit)
            return cit
        if isinstance(last, ArchivalRef) and ref.kind in ("archival", "book", "unparsed"):
            if ref.kind == "book":  # bare numbers after an archival file are folios
                ref.folios = [p.strip() for p in (ref.pages or "").split(",") if p.strip()]
                ref.pages = None
            full = resolve_archival(ref, last)
            full.note, full.start, full.end = note.n, start, end
            note.archival_refs.append(full)
            return full
        ref.note, ref.start, ref.end = note.n, start, end
        ref.kind = "unparsed"
        note.archival_refs.append(ref)
        return None
    if ref.kind == "archival" and ref.archive is None and has_file and note.archival_refs:
        # "…, d. 438, l. 76; d. 439, l. 5": a later part of the same note continues the file above
        full = resolve_archival(ref, note.archival_refs[-1])
        full.ibid = False
        ref = full
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
