"""Places of publication in citations: bibliographic, not places a document discusses.

``(Moscow: Nauka, 1990)``, ``Barnaul: Izdatel'stvo BGPU Publ., 1998``, ``Alma-Ata, 1998``,
``Moscow – Leningrad: Nauka, 1937``: a place name followed by a publisher and a year (or by the
year alone) in a footnote, or in a line of the body that reads as a reference (it names a
publisher, ``Publ.``, ``Press``, pages or a volume). Such a mention keeps its place entity but gets
``role = "publication_place"`` (:data:`opis.model.PUBLICATION_PLACE`), which keeps it off the map,
out of co-occurrence, out of ``coverage`` and out of the document's place context.
"""

from __future__ import annotations

import re

from opis.model import PUBLICATION_PLACE, Mention

_YEAR = r"(?:1[5-9]\d\d|20\d\d)"
# "Moscow: Nauka, 1990" / "Moscow – Leningrad: Nauka 1937" / "Novosibirsk: [N.s.], 2015"
_PUBLISHER = re.compile(
    rf"^(?:\s*[–—-]\s*[A-ZА-ЯЁ][\w.'’-]+(?:\s[A-ZА-ЯЁ][\w.'’-]+)?)*[ \t]*:[ \t]*[^:()\n]{{0,160}}?\b{_YEAR}\b"
    r"(?![–—-]\d)"
)
# "Alma-Ata, 1998" / "Moscow 1956." (the year right after the place)
_YEAR_ONLY = re.compile(rf"^[ \t]*,?[ \t]*{_YEAR}[ \t]*(?:[).;]|,[ \t]*(?:pp?|S|С|с)\.|$)", re.MULTILINE)
# what a reference line names besides the place
_REFERENCE_LINE = re.compile(
    r"\b(?:Publ\.|Publishers?|Press|Verlag|Izd(?:\.|atel)|Editions?|Éditions|pp?\.\s*\d|[Vv]ol\.\s*\d|eds?\.)"
)


def _line(text: str, start: int, end: int) -> str:
    a = text.rfind("\n", 0, start) + 1
    b = text.find("\n", end)
    return text[a : b if b != -1 else len(text)]


def is_publication_place(text: str, start: int, end: int, in_note: bool) -> bool:
    """Whether the place name at ``text[start:end]`` is a citation's place of publication."""
    after = text[end : end + 220]
    if not (_PUBLISHER.match(after) or _YEAR_ONLY.match(after)):
        return False
    return in_note or bool(_REFERENCE_LINE.search(_line(text, start, end)))


def mark_publication_places(text: str, mentions: list[Mention], in_note: bool = False) -> None:
    """Set ``role`` on the places of publication among ``mentions`` of ``text`` (in place)."""
    for m in mentions:
        if m.type != "PLACE" or m.start is None or m.end is None:
            continue
        if is_publication_place(text, m.start, m.end, in_note):
            m.role = PUBLICATION_PLACE
