"""Lines with boxes -> paragraphs, line breaks and a blank line between blocks (PDF and OCR readers).

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
        """The line's height in its coordinates' unit (0 when its box is inverted)."""
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


def column_margins(lines: list[Line]) -> list[float]:
    """For each line, the right edge of its text column: the 90th percentile of the right edges
    of the lines that share some of its horizontal extent."""
    out = []
    for ln in lines:
        rights = sorted(o.right for o in lines if o.left < ln.right and o.right > ln.left)
        out.append(rights[int(0.9 * (len(rights) - 1))] if rights else ln.right)
    return out


def soft_wrap(a: Line, b: Line, margin: float) -> bool:
    """Was ``a`` broken only because the first word of ``b`` did not fit before the margin?"""
    if not a.text or not b.text or a.right <= a.left:
        return False
    char_w = (a.right - a.left) / max(len(a.text), 1)
    first = b.text[0] if CJK_RE.match(b.text[0]) else b.text.split()[0]
    return a.right + (len(first) + 1) * char_w > margin


def _joiner(a: Line, b: Line) -> str:
    if CJK_RE.match(a.text[-1]) or CJK_RE.match(b.text[0]) or a.text.endswith("-"):
        return ""
    return " "


def lines_to_text(lines: list[Line]) -> str:
    """Lines in reading order -> text: one paragraph per line of text, a blank line between blocks.

    Lines that wrap only because the next word did not fit are joined (as on the text pages, where
    a paragraph is one line); a line that ends short of the margin keeps its line break.
    """
    if not lines:
        return ""
    margins = column_margins(lines)
    parts = [lines[0].text]
    for i, brk in enumerate(block_breaks(lines), start=1):
        a, b = lines[i - 1], lines[i]
        if brk:
            parts.append("\n\n")
        elif soft_wrap(a, b, margins[i - 1]):
            parts.append(_joiner(a, b))
        else:
            parts.append("\n")
        parts.append(b.text)
    return "".join(parts).strip("\n")
