"""Lines with boxes -> text with line breaks and a blank line between blocks (PDF and OCR readers).

Both the PDF text layer and Tesseract give text as positioned lines, not as paragraphs. The
layout recognisers work on text whose blocks are separated by blank lines (as in the text
pages), so a block break is put wherever the vertical gap between two lines is clearly larger
than the page's ordinary leading, or where the reading order jumps to another column.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass

CJK_RE = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")


@dataclass
class Line:
    """One printed line; coordinates grow downwards (top < bottom), in any unit."""

    text: str
    left: float
    top: float
    right: float
    bottom: float

    @property
    def height(self) -> float:
        return max(self.bottom - self.top, 0.0)


def join_words(words: list[str]) -> str:
    """Join words with spaces, except between two CJK characters (OCR splits Chinese per glyph)."""
    out = ""
    for w in words:
        if not w:
            continue
        if out and not (CJK_RE.match(out[-1]) and CJK_RE.match(w[0])):
            out += " "
        out += w
    return out


def block_breaks(lines: list[Line]) -> list[bool]:
    """For each line after the first: does a new block (blank line) start before it?"""
    if len(lines) < 2:
        return []
    heights = [ln.height for ln in lines if ln.height > 0]
    h = statistics.median(heights) if heights else 1.0
    gaps = [b.top - a.bottom for a, b in zip(lines, lines[1:], strict=False)]
    forward = sorted(g for g in gaps if g > -0.5 * h)
    leading = forward[len(forward) // 10] if forward else 0.0
    leading = min(max(leading, 0.0), 0.8 * h)
    threshold = leading + 0.8 * h
    out = []
    for a, b, gap in zip(lines, lines[1:], gaps, strict=False):
        jumped_column = b.top < a.top - 0.5 * h and b.left > a.left + 2 * h
        out.append(gap > threshold or jumped_column)
    return out


def lines_to_text(lines: list[Line]) -> str:
    """Lines in reading order -> text: "\\n" between lines, "\\n\\n" between blocks."""
    if not lines:
        return ""
    parts = [lines[0].text]
    for line, brk in zip(lines[1:], block_breaks(lines), strict=False):
        parts.append("\n\n" if brk else "\n")
        parts.append(line.text)
    return "".join(parts).strip("\n")
