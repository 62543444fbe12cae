"""A document's text cut into paragraph-sized passages, the units found by meaning.

Passages follow the text's paragraphs (blank lines, :func:`opis.extract.claims.paragraphs`):
short neighbours (a heading, a one-line address) are joined up to ``TARGET`` characters, a
paragraph longer than ``LIMIT`` is cut at sentence ends, and a passage with fewer than
``MIN_LETTERS`` letters (page furniture, a lone date, a folio number) is left out. Offsets are
the text's own, so a hit can highlight its passage on the document page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from opis.extract.claims import paragraphs

TARGET = 400  # characters: short paragraphs are joined up to about this
LIMIT = 1200  # characters: a longer paragraph is cut at sentence ends
MIN_LETTERS = 40  # a passage with fewer letters is not embedded

_SENTENCE_END = re.compile(r"(?<=[.!?。！？])[\"'»”)\]]*\s+")
_LETTER = re.compile(r"[^\W\d_]")


@dataclass(frozen=True)
class Passage:
    """One passage: its number in the document and its [start, end) offsets in the text."""

    n: int
    start: int
    end: int


def _cut(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """[start, end) cut at sentence ends into pieces of at most about LIMIT characters."""
    if end - start <= LIMIT:
        return [(start, end)]
    out, piece = [], start
    for m in _SENTENCE_END.finditer(text, start, end):
        if m.end() - piece > LIMIT and m.start() > piece:
            out.append((piece, m.start()))
            piece = m.end()
    rest = (piece, end)
    while rest[1] - rest[0] > LIMIT * 2:  # no sentence end for long: cut at a space
        cut = text.rfind(" ", rest[0], rest[0] + LIMIT)
        cut = cut if cut > rest[0] else rest[0] + LIMIT
        out.append((rest[0], cut))
        rest = (cut + 1, rest[1])
    out.append(rest)
    return out


def _letters(text: str) -> int:
    return len(_LETTER.findall(text))


def split(text: str) -> list[Passage]:
    """The passages of ``text`` in reading order, numbered from 0."""
    spans: list[tuple[int, int]] = []
    for start, end in paragraphs(text):
        chunk = text[start:end]
        start += len(chunk) - len(chunk.lstrip())
        end -= len(chunk) - len(chunk.rstrip())
        if end <= start:
            continue
        for piece in _cut(text, start, end):
            if spans and piece[0] - spans[-1][0] <= TARGET and piece[1] - spans[-1][0] <= LIMIT \
                    and spans[-1][1] - spans[-1][0] < TARGET:
                spans[-1] = (spans[-1][0], piece[1])  # a short neighbour joins the one before
            else:
                spans.append(piece)
    kept = [(s, e) for s, e in spans if _letters(text[s:e]) >= MIN_LETTERS]
    return [Passage(i, s, e) for i, (s, e) in enumerate(kept)]
