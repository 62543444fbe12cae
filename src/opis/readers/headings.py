"""Section headings: kept as spans over the clean text, whatever layout cleaned it.

Every format reader writes a heading the same way, as a Markdown ATX line (``## Conclusion``):
Markdown and text files have them as written, the HTML reader turns ``h1``–``h6`` into them, the
DOCX reader heading paragraph styles and outline levels, the ODT reader ``text:h``. The layout
recognisers then remove the markup. :func:`find_headings` compares the two texts: a paragraph of
the clean text whose words are those of a heading line of the marked text, in the same order, is
that heading. It reads the clean text only, so it cannot move an offset any layout recorded.
"""

from __future__ import annotations

import re

from opis.model import Heading
from opis.readers.layouts.common import clean_inline, one_line

_ATX_RE = re.compile(r"^[ \t]{0,3}(#{1,6})[ \t]+(\S[^\n]*?)[ \t]*#*[ \t]*$", re.MULTILINE)
_PAR_RE = re.compile(r"[^\n]*\S[^\n]*(?:\n[^\n]*\S[^\n]*)*")

# how each format reader's Markdown heading came to be: the rule a heading span names
RULES = {
    "html": "html.h{level}",
    "docx": "docx.heading_style",
    "odt": "odt.heading",
}
DEFAULT_RULE = "markdown.atx_heading"
MAX_HEADING = 300  # characters: a longer "heading" is a paragraph marked up as one


def _key(text: str) -> str:
    """The words of a heading or paragraph as compared: markup removed, one line, case folded."""
    return one_line(clean_inline(text)).strip(" *_").casefold()


def marked_headings(marked: str) -> list[tuple[int, str]]:
    """(level, words) of each ATX heading line of a marked-up text, in order."""
    out = []
    for m in _ATX_RE.finditer(marked):
        words = _key(m.group(2))
        if words and len(words) <= MAX_HEADING:
            out.append((len(m.group(1)), words))
    return out


def find_headings(marked: str, clean: str, fmt: str) -> list[Heading]:
    """The headings of ``marked`` (the format reader's text) as spans of ``clean`` (the layout's
    text): each matched, in order, to the next paragraph of ``clean`` with the same words; a
    heading the layout removed (a title taken into the metadata, a labelled block) matches none."""
    wanted = marked_headings(marked)
    if not wanted:
        return []
    pars = [(m.start(), m.end(), _key(m.group(0))) for m in _PAR_RE.finditer(clean)]
    out: list[Heading] = []
    j = 0
    for level, words in wanted:
        for k in range(j, len(pars)):
            start, end, key = pars[k]
            if key == words:
                rule = RULES.get(fmt, DEFAULT_RULE).format(level=level)
                out.append(Heading(start=start, end=end, level=level, rule=rule))
                j = k + 1
                break
    return out
