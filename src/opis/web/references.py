"""An article's reference list for its page: each CSL-JSON entry as bibliography pieces (Chicago
bibliography order: authors, title, container, place and publisher, year, pages, DOI) and the
notes that cite it, so the page links notes to entries and entries back to their notes.

Pure functions over the record's ``bibliography`` and ``notes`` (``Note.citations[].ref`` names
the ``id`` of the entry a note cites); the page template prints the pieces, italic where
``italic`` is true. Nothing here parses text: it reads what the reference parser stored.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

ITALIC_TITLE = {"book", "thesis", "report", "manuscript", "map", "motion_picture", "webpage"}


@dataclass(frozen=True)
class Piece:
    """A run of an entry's text; ``italic`` for titles of whole works and journals."""

    text: str
    italic: bool = False


@dataclass
class Entry:
    """One reference: its anchor id, pieces, link (DOI or URL) and the notes that cite it."""

    anchor: str
    pieces: list[Piece]
    link: str | None = None
    notes: list[int] = field(default_factory=list)


def _name(person: Mapping[str, Any], first: bool) -> str:
    family, given = person.get("family") or "", person.get("given") or ""
    literal = person.get("literal") or ""
    if literal or not family:
        return literal or given
    return f"{family}, {given}" if first and given else f"{given} {family}".strip()


def authors(names: Iterable[Mapping[str, Any]]) -> str:
    """The entry's authors in bibliography form: "Barmin, V.A., S.V. Dmitriev, and V.G. Shmatov"."""
    people = [n for n in (_name(p, i == 0) for i, p in enumerate(names or [])) if n]
    if len(people) <= 1:
        return "".join(people)
    if len(people) == 2:
        return f"{people[0]}, and {people[1]}" if "," in people[0] else " and ".join(people)
    return ", ".join(people[:-1]) + ", and " + people[-1]


def _year(item: Mapping[str, Any]) -> str:
    parts = ((item.get("issued") or {}).get("date-parts") or [[]])[0] or []
    return str(parts[0]) if parts and parts[0] else ""


def _end(text: str) -> str:
    return text if text.endswith((".", "?", "!", "»", "”")) else text + "."


def pieces(item: Mapping[str, Any]) -> list[Piece]:
    """The entry as pieces of a Chicago-style bibliography entry (what the record holds of it)."""
    out: list[Piece] = []
    who = authors(item.get("author") or [])
    if who:
        out.append(Piece(_end(who) + " "))
    title = item.get("title") or ""
    kind = item.get("type") or ""
    whole = kind in ITALIC_TITLE
    if title:
        translated = f" [{item['translated-title']}]" if item.get("translated-title") else ""
        if whole:
            out += [Piece(title, italic=True), Piece(translated + ". ")]
        else:
            out.append(Piece(f"“{title}”{translated}. " if translated else f"“{title}.” "))
    container = item.get("container-title")
    if container:
        out.append(Piece("In " if kind == "chapter" else ""))
        out.append(Piece(container, italic=True))
    tail = _publication(item, kind)
    if tail:
        out.append(Piece(tail))
    return [p for p in out if p.text]


def _publication(item: Mapping[str, Any], kind: str) -> str:
    """Volume, issue, place, publisher, year and pages, as Chicago puts them after the title."""
    year, page = _year(item), item.get("page") or ""
    if kind.startswith("article"):
        s = "".join([f" {item['volume']}" if item.get("volume") else "",
                     f", no. {item['issue']}" if item.get("issue") else "",
                     f" ({year})" if year else ""])
        return s + (f": {page.replace('-', '–')}." if page else ".")
    where = ": ".join(p for p in (item.get("publisher-place"), item.get("publisher")) if p)
    s = ", ".join(p for p in (where, year) if p)
    pages = f", {page.replace('-', '–')}" if page and item.get("container-title") else ""
    if item.get("container-title"):
        return pages + ". " + (_end(s) if s else "") if s else _end(pages) if pages else "."
    return _end(s) if s else ""


def link(item: Mapping[str, Any]) -> str | None:
    """The entry's DOI as a URL, else its http(s) URL; None when it has neither."""
    if item.get("DOI"):
        return "https://doi.org/" + str(item["DOI"])
    url = str(item.get("URL") or "")
    return url if url.startswith(("https://", "http://")) else None


def citing_notes(notes: Iterable[Any]) -> dict[str, list[int]]:
    """Entry id → the numbers of the notes that cite it, in note order."""
    out: dict[str, list[int]] = {}
    for note in notes or []:
        n, cites = _get(note, "n"), _get(note, "citations") or []
        for c in cites:
            ref = c.get("ref") if isinstance(c, Mapping) else None
            if ref and n is not None and n not in out.setdefault(ref, []):
                out[ref].append(n)
    return out


def anchor(ref_id: str) -> str:
    """The HTML id of an entry on the page."""
    return "ref-" + "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in str(ref_id))


def entries(bibliography: Iterable[Mapping[str, Any]], notes: Iterable[Any]) -> list[Entry]:
    """The reference list of a record, each entry with its pieces, link and citing notes."""
    cited = citing_notes(notes)
    out = []
    for i, item in enumerate(bibliography or []):
        ref_id = str(item.get("id") or f"item{i + 1}")
        out.append(Entry(anchor(ref_id), pieces(item), link(item), cited.get(ref_id, [])))
    return out


def note_refs(note: Any, listed: Mapping[str, Mapping[str, Any]]) -> list[tuple[str, str]]:
    """(anchor, short label "Mozokhin 2004") of the list entries a note cites; ``listed``: the
    reference list's entries by id (a citation of a work not in the list is left out)."""
    out = []
    for c in _get(note, "citations") or []:
        item = listed.get(c.get("ref")) if isinstance(c, Mapping) else None
        if item is None:
            continue
        first = (item.get("author") or [{}])[0]
        who = first.get("family") or first.get("literal") or " ".join(str(item.get("title") or "").split()[:4])
        label = " ".join(p for p in (who, _year(item)) if p) or str(c["ref"])
        pair = (anchor(c["ref"]), label)
        if pair not in out:
            out.append(pair)
    return out


def _get(obj: Any, key: str) -> Any:
    return obj.get(key) if isinstance(obj, Mapping) else getattr(obj, key, None)
