"""Text helpers shared by the layout recognisers: paragraphs, inline markup, boilerplate lines.

The recognisers work on text (what the text, Markdown, HTML, PDF, DOCX and OCR readers return),
so markup is handled in its textual form: Markdown emphasis (``**bold**``, ``*italic*``),
headings (``## Title``), autolinks (``<https://...>``), ``[label](url)`` links and HTML
superscripts (``<sup>12</sup>``) that many converters keep.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# --- boilerplate: lines of web chrome and rights statements that are not part of a document ----

BOILERPLATE_LINES = [
    r"skip to (?:main )?content",
    r"skip to navigation",
    r"original uploaded date",
    r"record id",
    r"(?:print|share|download|email|cite)(?: this)?(?: (?:page|document|record))?",
    r"back to top",
    r"toggle navigation",
    r"menu",
    r"search",
]
BOILERPLATE_LINE_RE = re.compile(r"^\s*(?:" + "|".join(BOILERPLATE_LINES) + r")\s*:?\s*$", re.IGNORECASE)

# Rights statements of digital archives: a paragraph that talks about reuse/copyright/permission.
RIGHTS_RE = re.compile(
    r"(?:welcomes reuse of|subject to copyright|rights holders?|rights status|request permission"
    r"|all rights reserved|creative commons|permission for commercial use)",
    re.IGNORECASE,
)


# The text a saved web page shows where Cloudflare's e-mail protection hid an address ("[email
# protected]", with a no-break space or its entity between the words), with the "at" before it:
# page furniture, never words of the record. The one rule for it: the metadata stage drops it from
# values, the exports from what they write (opis.export.common.clean).
EMAIL_PLACEHOLDER_RE = re.compile(r"\s*(?:\bat\s+)?\[email(?:\s|&#160;|&nbsp;|\u00a0)+protected\]", re.IGNORECASE)


def drop_email_placeholders(text: str) -> str:
    """``text`` without Cloudflare's e-mail-protection placeholders ("… contact us at [email
    protected]." -> "… contact us.")."""
    return EMAIL_PLACEHOLDER_RE.sub("", text)


def is_boilerplate_line(line: str) -> bool:
    """Whether the line is site boilerplate (navigation, share links ...)."""
    return bool(BOILERPLATE_LINE_RE.match(line))


def is_rights_paragraph(par: str) -> bool:
    """Whether the paragraph is a rights or copyright statement."""
    return bool(RIGHTS_RE.search(par))


# --- paragraphs ---------------------------------------------------------------------------


@dataclass
class Par:
    """A paragraph (block of non-blank lines) with its offset in the source text."""

    text: str
    start: int

    @property
    def first_line(self) -> str:
        """The paragraph's first line, stripped."""
        return self.text.split("\n", 1)[0].strip()


def paragraphs(text: str) -> list[Par]:
    """Split text into blocks separated by blank lines (whitespace-only lines count as blank)."""
    out: list[Par] = []
    for m in re.finditer(r"(?:[^\n]*\S[^\n]*(?:\n|$))+", text):
        block = m.group(0).rstrip("\n")
        out.append(Par(block.strip(), m.start() + (len(block) - len(block.lstrip()))))
    return out


def one_line(text: str) -> str:
    """Join wrapped lines into one and squeeze spaces."""
    return re.sub(r"\s+", " ", text).strip()


# --- inline markup --------------------------------------------------------------------------

_SUP_RE = re.compile(r"<sup>\s*([^<]*?)\s*</sup>", re.IGNORECASE)
_LINK_RE = re.compile(r"\[([^\]\n]+)\]\((?:mailto:)?[^)\s]+\)")
_AUTOLINK_RE = re.compile(r"<((?:https?|ftp)://[^>\s]+|[^>\s@]+@[^>\s@]+)>")
_BOLD_RE = re.compile(r"\*\*(.+?)\*\*", re.DOTALL)
_ITALIC_RE = re.compile(r"(?<![\w*])\*(?!\s)([^*\n]+?)(?<!\s)\*(?![\w*])")
_UNDERSCORE_RE = re.compile(r"(?<!\w)__?(?!\s)([^_\n]+?)(?<!\s)__?(?!\w)")
_HEADING_RE = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+", re.MULTILINE)
_TAG_RE = re.compile(r"</?(?:sup|sub|em|i|b|strong|span|br)\s*/?>", re.IGNORECASE)


def strip_links(text: str) -> str:
    """``[label](url)`` -> label; ``<https://x>`` -> https://x."""
    return _AUTOLINK_RE.sub(r"\1", _LINK_RE.sub(r"\1", text))


def strip_sup(text: str) -> str:
    """``19<sup>th</sup>`` -> ``19th`` (ordinals and other superscripts kept as plain text)."""
    return _SUP_RE.sub(r"\1", text)


def strip_emphasis(text: str) -> str:
    """The text without Markdown bold and italic markers."""
    text = _BOLD_RE.sub(r"\1", text)
    text = _ITALIC_RE.sub(r"\1", text)
    return text


def clean_inline(text: str, keep_italics: bool = False) -> str:
    """Plain text from Markdown-ish text: headings, emphasis, links, stray inline tags removed."""
    text = _HEADING_RE.sub("", text)
    text = strip_links(text)
    text = strip_sup(text)
    text = _BOLD_RE.sub(r"\1", text)
    if not keep_italics:
        text = _ITALIC_RE.sub(r"\1", text)
    text = _TAG_RE.sub("", text)
    return text


def is_heading(line: str) -> bool:
    """Whether the line is a Markdown ATX heading."""
    return bool(re.match(r"^[ \t]{0,3}#{1,6}[ \t]+\S", line))


def heading_text(line: str) -> str:
    """The words of a Markdown heading, without its hashes and emphasis, on one line."""
    return one_line(strip_emphasis(_HEADING_RE.sub("", line)))


def normalise_whitespace(text: str) -> str:
    """Trim line ends, squeeze runs of blank lines to one, strip the ends of the text."""
    text = re.sub(r"[ \t\u00a0]+\n", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


_END_PUNCT = tuple('.!?:;…"”»)]\'')


def join_broken_paragraphs(pars: list[str], force: set[int] | None = None) -> list[str]:
    """Re-join a paragraph split by a page break: the first part ends without sentence punctuation
    and is a full-length line of prose, and the next one starts in lower case (or, at indices in ``force``, where footnotes were cut
    out between the two parts, with any letter)."""
    force = force or set()
    out: list[str] = []
    for i, p in enumerate(pars):
        if out and _continues(out[-1], p, i in force):
            out[-1] = out[-1].rstrip() + " " + p.lstrip()
        else:
            out.append(p)
    return out


_CLOSERS = "\"”»)]'"
_STOPS = tuple(".!?:;…")


def _continues(prev: str, nxt: str, forced: bool) -> bool:
    """Whether ``nxt`` goes on with the sentence ``prev`` leaves open (see join_broken_paragraphs).
    Where footnotes were cut out between the two (``forced``), a part that ends with a closing
    quote or bracket after a word, not after a stop ('… among “former White Guards”'), is open
    too when the next part starts in lower case ('with regard to the case …')."""
    if is_heading(prev) or not nxt[:1].isalpha():
        return False
    end = prev.rstrip()
    if not end.endswith(_END_PUNCT):
        return (nxt[:1].islower() and len(prev) >= 80) or forced
    core = end.rstrip(_CLOSERS)
    return forced and nxt[:1].islower() and core != end and not core.endswith(_STOPS)
