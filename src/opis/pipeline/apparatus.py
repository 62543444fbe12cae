"""Pipeline component 'apparatus': the editors' marks in a document as typed spans.

Kinds (``Apparatus.kind``):

- ``sic``          ``Kosh-Tologoy [sic]`` — the target span is the word(s) it qualifies;
- ``gloss``        ``Chuguchak [Tacheng]`` — a modern or standard name for the word(s) before it;
- ``insertion``    ``[The following]``, ``[by]``, ``to the [NKVD] Secretariat`` — words the editor added;
- ``handwritten``  ``[handwritten: ...]``, ``[Handwritten: ...]`` (may run over several lines),
                   ``[handwritten above: ...]``;
- ``note``         ``[Notes at the bottom of the page: ...]``, ``[inserted by hand]``,
                   ``[handwritten in the right margin, ...]``, ``[left blank]``, ``[stamp]``;
- ``illegible``    ``□□``, ``[illegible]``, ``[?]``;
- ``omission``     ``[...]``, ``<...>``.

Extraction is a pure function (:func:`find_apparatus`) over the text; the component stores the
result in ``doc.apparatus``. Markdown links (``[text](url)``) and bracketed translations of
titles in bibliographies (``*Title* [Translation]``) are not apparatus.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from opis.model import Apparatus, Document
from opis.pipeline import component
from opis.pipeline.names import TITLE_WORDS

# Longest a labelled mark (handwritten text, page notes) may run when it crosses lines.
MAX_LABELLED = 2000
MAX_PLAIN = 160

_ILLEGIBLE_RUN = re.compile(r"[□■▢◻]+")
_ANGLE_OMISSION = re.compile(r"<\s*(?:\.\s*){2,}>|<…>")
_OMISSION = re.compile(r"^\s*(?:\.\s*){2,}\s*$|^\s*…\s*$")
_ILLEGIBLE = re.compile(r"^\s*(?:illegible|unclear|indecipherable|undecipherable|\?+|illegible\s+\w+)\s*\.?\s*$", re.I)
_SIC = re.compile(r"^\s*sic!?\s*$", re.I)
_HANDWRITTEN = re.compile(r"^\s*hand-?written(?:\s+(?:above|below|text|note|inscription))?\s*:", re.I)
_NOTE_LABEL = re.compile(
    r"^\s*(?:notes?\b|inserted\b|handwritten\b|hand-?written\b|in the (?:left |right )?margin|marginal|"
    r"left blank|blank|stamp|seal|signature|signed|illegible signature|crossed out|struck out|"
    r"resolution\b|underlined|typed\b|in pencil|in ink|text missing|page torn|see\b)",
    re.I,
)
# A name a gloss may consist of: up to five words, each capitalised (particles allowed).
_NAME_WORD = r"[A-ZÀ-ÞА-ЯЁ\u4e00-\u9fff][\w'’\-.]*"
_GLOSS_CONTENT = re.compile(
    rf"^\s*{_NAME_WORD}(?:[ \-](?:{_NAME_WORD}|de|da|van|von|al|el|ad|ud|bin|ibn|of))*\s*$"
    r"|^\s*[\u4e00-\u9fff]+\s*$"
)
_TARGET_WORD = re.compile(r"[A-ZÀ-ÞА-ЯЁ][\w'’\-.]*$|[\u4e00-\u9fff]+$")
_LEADING_FUNCTION = {
    "The", "A", "An", "In", "At", "On", "Of", "To", "From", "By", "And", "But", "With", "For",
    "As", "Since", "After", "Before", "During", "Near", "Via", "Cde.", "Comrade", "Mr.", "Mrs.",
}


@dataclass
class _Bracket:
    start: int
    end: int  # exclusive, after the closing bracket (or at the paragraph end when unclosed)
    closed: bool


def _match_bracket(text: str, i: int) -> _Bracket | None:
    """The extent of the ``[`` at ``i``: nesting-aware; labelled marks may run over lines."""
    head = text[i + 1 : i + 60]
    labelled = bool(_HANDWRITTEN.match(head) or _NOTE_LABEL.match(head))
    limit = MAX_LABELLED if labelled else MAX_PLAIN
    depth = 0
    n = len(text)
    j = i
    para_end = None
    while j < n and j - i <= limit:
        c = text[j]
        if c == "[":
            depth += 1
        elif c == "]":
            depth -= 1
            if depth == 0:
                return _Bracket(i, j + 1, True)
        elif c == "\n":
            if not labelled:
                return None
            if para_end is None and re.match(r"\n[ \t]*\n", text[j : j + 4]):
                para_end = j
        j += 1
    if labelled and para_end is not None:
        # An unclosed page note (as printed): it runs to the end of its paragraph.
        return _Bracket(i, para_end, False)
    return None


def _target_before(text: str, pos: int) -> tuple[int, int] | None:
    """The span of the capitalised word run right before ``pos`` (one space between)."""
    j = pos
    if j == 0 or text[j - 1] not in " \u00a0":
        return None
    j -= 1
    words: list[tuple[int, int]] = []
    end = j
    while True:
        m = _TARGET_WORD.search(text, max(0, end - 120), end)  # a word's length back, not the whole text
        if not m or m.end() != end:
            break
        s = m.start()
        # the word must start at a boundary
        if s > 0 and (text[s - 1].isalnum() or text[s - 1] in "*\"“”«"):
            break
        words.append((s, m.end()))
        if len(words) >= 4 or s < 1 or text[s - 1] not in " \u00a0":
            break
        end = s - 1
    if not words:
        return None
    words.reverse()
    while len(words) > 1 and text[words[0][0] : words[0][1]] in _LEADING_FUNCTION | TITLE_WORDS:
        words.pop(0)
    s, e = words[0][0], words[-1][1]
    tok = text[s:e].rstrip(".")
    return (s, s + len(tok)) if tok else None


def _previous_word(text: str, pos: int) -> tuple[int, int] | None:
    m = re.search(r"([\w'’\-.]+)\s*$", text[max(0, pos - 80) : pos])
    if not m:
        return None
    base = max(0, pos - 80)
    return base + m.start(1), base + m.end(1)


def _classify(text: str, br: _Bracket) -> Apparatus | None:
    raw = text[br.start : br.end]
    inner = raw[1:-1] if br.closed else raw[1:]
    # markdown link or footnote-style reference
    if br.closed and br.end < len(text) and text[br.end] == "(":
        return None
    if re.match(r"^\s*\d+\s*$", inner) or "@" in inner or "://" in inner or "email" in inner.lower():
        return None
    before = text[max(0, br.start - 2) : br.start]
    content = inner.strip()
    if _SIC.match(inner):
        t = _target_before(text, br.start) or _previous_word(text, br.start)
        return Apparatus("sic", br.start, br.end, raw, content, *(t or (None, None)))
    if _OMISSION.match(inner):
        return Apparatus("omission", br.start, br.end, raw, content or None)
    if _ILLEGIBLE.match(inner):
        return Apparatus("illegible", br.start, br.end, raw, content)
    if _HANDWRITTEN.match(inner):
        body = inner.split(":", 1)[1].strip()
        return Apparatus("handwritten", br.start, br.end, raw, body)
    if _NOTE_LABEL.match(inner):
        return Apparatus("note", br.start, br.end, raw, content)
    # a bracketed translation after a title set in italics or quotes is bibliography, not apparatus
    if before.endswith(("* ", "*", "” ", '" ', "» ")):
        return None
    if _GLOSS_CONTENT.match(inner):
        target = _target_before(text, br.start)
        if target and text[target[0] : target[1]] != content:
            return Apparatus("gloss", br.start, br.end, raw, content, target[0], target[1])
    return Apparatus("insertion", br.start, br.end, raw, content)


def find_apparatus(text: str) -> list[Apparatus]:
    """Every editorial mark in ``text``, in order; nested marks inside a labelled one are kept."""
    out: list[Apparatus] = []
    i = text.find("[")
    while i != -1:
        br = _match_bracket(text, i)
        if br is None:
            i = text.find("[", i + 1)
            continue
        app = _classify(text, br)
        if app is not None:
            out.append(app)
        # marks inside handwritten/page-note text still count (e.g. "[get]" inside "[Handwritten: ...]")
        nxt = br.end if app is None or app.kind not in ("handwritten", "note") else i + 1
        i = text.find("[", nxt)
    for m in _ILLEGIBLE_RUN.finditer(text):
        out.append(Apparatus("illegible", m.start(), m.end(), m.group(), None))
    for m in _ANGLE_OMISSION.finditer(text):
        out.append(Apparatus("omission", m.start(), m.end(), m.group(), None))
    out.sort(key=lambda a: (a.start, -a.end))
    return out


@component(
    "apparatus",
    requires=["text"],
    assigns=["apparatus"],
)
def apparatus(doc: Document) -> Document:
    """Add the editorial apparatus the text holds (glosses, insertions ...) to what the reader found, in text
    order."""
    found = find_apparatus(doc.text)
    seen = {(a.start, a.end) for a in doc.apparatus}
    doc.apparatus.extend(a for a in found if (a.start, a.end) not in seen)
    doc.apparatus.sort(key=lambda a: (a.start, -a.end))
    return doc
