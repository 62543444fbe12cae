"""Cheap sentence spans for long texts (no parser): the parser then runs only where it is needed."""

from __future__ import annotations

import re

_ABBREV = re.compile(
    r"(?:\b[A-ZА-Я]\.|\bNo\.|\bNos\.|\bf\.|\bop\.|\bd\.|\bl\.|\bll\.|\bpp?\.|\bCde\.|\bvs\.|\betc\.|\bapprox\.|\bcf\.|"
    r"\bGen\.|\bCol\.|\bMaj\.|\bLt\.|\bCapt\.|\bMr\.|\bDr\.|\bSt\.|\bProf\.|\bvol\.|\bed\.|\bArt\.|\bгг?\.|\bт\.)$"
)


def sentences(text: str) -> list[tuple[int, int]]:
    """Cheap sentence spans (no parser needed): split at . ! ? followed by space + capital/quote, and at blank lines."""
    out, start = [], 0
    for m in re.finditer(r"(?<=[.!?])[\"”»]?\s+(?=[A-ZА-Я\"“«(])|\n\s*\n", text):
        prev = text[max(0, m.start() - 10):m.start() + 1]
        if _ABBREV.search(prev.strip()):
            continue
        out.append((start, m.start()))
        start = m.end()
    out.append((start, len(text)))
    return [(a, b) for a, b in out if b > a]
