"""Inline markup of the source: emphasis as the readers keep it (Markdown asterisks, ``*Ibid.*``,
``*RUDN Journal of Russian History*``, ``**bold**``), turned into the markup of each output.

A text is cut into :class:`Run` s (plain, ``em`` or ``strong``) by :func:`runs`; the outputs are

* :func:`to_html` — escaped HTML with ``<em>``/``<strong>`` (for the web pages);
* :func:`to_plain` — the words only (plain-text exports: Chicago, RIS, CSL-JSON, JSON-LD);
* :func:`to_latex` — ``\\emph{…}``/``\\textbf{…}`` around text escaped by the caller's function
  (BibTeX);
* TEI builds ``<hi rend="italic">`` from the runs itself (:mod:`opis.export.tei`).

Only paired marks are markup: an asterisk with a word character on its inner side and none on
its outer side opens or closes emphasis (``*Ibid.*``), so ``5 * 3``, ``***`` and a footnote
star ``word*`` stay text. A snippet cut out of a longer text (``cut=True``) may hold one half of
a pair at its edges; there such a lone mark is dropped instead of shown.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from markupsafe import Markup, escape

# A pair of one or two asterisks around a span that starts and ends with a non-space, not
# glued to a word outside (so "a*b*c" is not emphasis), on one line.
_PAIR = re.compile(r"(?<![\w*])(\*{1,2})(?=[^\s*])([^\n]*?[^\s*])\1(?![\w*])")
# A lone mark at the edge of a cut snippet: asterisks touching a word on one side only.
_LONE = re.compile(r"(?<![\w*])\*{1,2}(?=[^\s*])|(?<=[^\s*])\*{1,2}(?![\w*])")


@dataclass(frozen=True)
class Run:
    """A stretch of text and its style: ``""`` (plain), ``"em"`` or ``"strong"``."""

    text: str
    style: str = ""


def runs(text: str | None, *, cut: bool = False) -> list[Run]:
    """The text cut into plain and emphasised runs (marks removed). ``cut``: the text is a snippet
    of a longer one, so a lone mark at its edge is dropped."""
    text = text or ""
    out: list[Run] = []
    pos = 0
    for m in _PAIR.finditer(text):
        if m.start() > pos:
            out.append(Run(_lone(text[pos:m.start()], cut)))
        out.append(Run(m.group(2), "strong" if len(m.group(1)) == 2 else "em"))
        pos = m.end()
    if pos < len(text):
        out.append(Run(_lone(text[pos:], cut)))
    return [r for r in out if r.text]


def _lone(text: str, cut: bool) -> str:
    return _LONE.sub("", text) if cut else text


@dataclass(frozen=True)
class Pair:
    """An emphasised span found in a text: the marks' span ``[start, end)``, the words' span
    ``[inner_start, inner_end)`` and whether it is strong (``**…**``)."""

    start: int
    end: int
    inner_start: int
    inner_end: int
    strong: bool


def pairs(text: str | None) -> list[Pair]:
    """Every emphasised span of the text with its offsets (for outputs built from spans, TEI)."""
    return [Pair(m.start(), m.end(), m.start(2), m.end(2), len(m.group(1)) == 2) for m in _PAIR.finditer(text or "")]


def has_markup(text: str | None) -> bool:
    """True when the text holds at least one emphasised span."""
    return bool(text) and _PAIR.search(text or "") is not None


def to_plain(text: str | None, *, cut: bool = False) -> str:
    """The text without its inline marks (``*Ibid.*`` -> ``Ibid.``)."""
    return "".join(r.text for r in runs(text, cut=cut))


def _styles(text: str, cut: bool) -> tuple[list[str], list[bool]]:
    """Per character of ``text``: its style ("", "em", "strong") and whether it is a mark to drop."""
    style = [""] * len(text)
    dropped = [False] * len(text)
    taken = [False] * len(text)
    for p in pairs(text):
        for i in range(p.start, p.end):
            taken[i] = True
            dropped[i] = not p.inner_start <= i < p.inner_end
            if not dropped[i]:
                style[i] = "strong" if p.strong else "em"
    if cut:
        for m in _LONE.finditer(text):
            if not any(taken[m.start():m.end()]):
                for i in range(m.start(), m.end()):
                    dropped[i] = True
    return style, dropped


def to_html(text: str | None, *, cut: bool = False, highlight: tuple[int, int] | None = None) -> Markup:
    """The text as safe HTML: escaped, emphasis as ``<em>``, strong emphasis as ``<strong>``;
    ``highlight`` (start, end offsets into ``text``, marks included) wrapped in ``<mark>``, the
    emphasis closed and reopened around it so the elements nest."""
    text = text or ""
    if highlight is None and not cut:
        parts = []
        for r in runs(text):
            body = escape(r.text)
            parts.append(Markup(f"<{r.style}>{body}</{r.style}>") if r.style else body)
        return Markup("").join(parts)
    style, dropped = _styles(text, cut)
    lo, hi = highlight or (-1, -1)
    out: list[str] = []
    i = 0
    while i < len(text):
        j = i
        inside = lo <= i < hi
        while j < len(text) and style[j] == style[i] and (lo <= j < hi) == inside:
            j += 1
        chunk = "".join(c for k, c in enumerate(text[i:j], i) if not dropped[k])
        body = str(escape(chunk))
        if chunk and style[i]:
            body = f"<{style[i]}>{body}</{style[i]}>"
        out.append(f"<mark>{body}</mark>" if inside and chunk else body)
        i = j
    return Markup("".join(out).replace("</mark><mark>", ""))


def to_latex(text: str | None, escape_text: Callable[[str], str]) -> str:
    """The text as LaTeX (BibTeX field values): each run escaped with ``escape_text``, emphasis
    as ``\\emph{…}``, strong emphasis as ``\\textbf{…}``."""
    out = []
    for r in runs(text):
        body = escape_text(r.text)
        out.append({"em": f"\\emph{{{body}}}", "strong": f"\\textbf{{{body}}}"}.get(r.style, body))
    return "".join(out)


def emphasis(text: str) -> str:
    """``text`` marked as emphasis in the source's own markup (``*text*``), for values built by
    opis (the journal title of a Chicago citation) that the outputs above then render."""
    return f"*{text}*" if text else text
