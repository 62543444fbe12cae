"""Untrusted text made safe to display, in a terminal and in HTML. Pure functions, no I/O.

Document text comes from files anyone may have written. Shown as it is, a control character
can act instead of being read:

* in a terminal, ESC and the other C0/C1 controls start escape sequences (colours, cursor
  moves, window titles, hyperlinks, erasing the line before), and a carriage return or
  backspace overwrites what was printed;
* anywhere, the Unicode bidirectional controls (U+202A–U+202E embeddings and overrides,
  U+2066–U+2069 isolates, and in a terminal also the marks U+200E, U+200F and U+061C) reorder
  the characters that follow them: ``"report\\u202etxt.exe"`` shows as ``reportexe.txt``.

:func:`for_terminal` shows every such character visibly, as its Python escape (``\\x1b``,
``\\u202e``), so nothing is lost and nothing acts. :func:`for_html` does the same for the
characters HTML has no use for (C0/C1 controls, embeddings, overrides and isolates) and keeps
the marks, which real right-to-left text needs; :func:`html_isolated` then escapes the result
and wraps it in ``<bdi>``, so whatever direction the text has stays inside its own element.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

#: embeddings, overrides and isolates: they reorder everything after them up to the end of the
#: paragraph (or a PDF/PDI) -- never needed in stored text, which carries its own direction
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
#: marks: they only set the direction of the neutral characters around them (legitimate in
#: Arabic, Hebrew and Persian text: kept in HTML, inside <bdi>; shown as escapes in a terminal,
#: which has no isolation)
BIDI_MARKS = "\u200e\u200f\u061c"

_C0_C1 = "\x00-\x08\x0b-\x1f\x7f-\x9f"  # every C0 and C1 control and DEL, but TAB and LF
_TERMINAL_LINE = re.compile(f"[\t\n{_C0_C1}{BIDI_CONTROLS}{BIDI_MARKS}\u2028\u2029]")
_TERMINAL_BLOCK = re.compile(f"[{_C0_C1}{BIDI_CONTROLS}{BIDI_MARKS}\u2028\u2029]")
_HTML = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{BIDI_CONTROLS}]")  # CR kept too


def visible(char: str) -> str:
    """The escape that shows ``char``: ``\\x1b``, ``\\u202e``, ``\\n``."""
    return {"\t": "\\t", "\n": "\\n", "\r": "\\r"}.get(char) or (
        f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}")


def for_terminal(text: str | None, multiline: bool = False) -> str:
    """``text`` safe to print in a terminal: every control and bidi character shown as its escape.

    One-line output (a title in a list) also shows TAB and LF as ``\\t`` and ``\\n``, so a
    stored value cannot fake a line of output; ``multiline=True`` keeps them (a record's text).
    A stored backslash is left as it is (``\\u202e`` typed in a document reads the same as an
    escaped U+202E, which is acceptable for display: the JSON output is exact).
    """
    if not text:
        return text or ""
    pattern = _TERMINAL_BLOCK if multiline else _TERMINAL_LINE
    return pattern.sub(lambda m: visible(m.group()), text)


def for_html(text: str | None) -> str:
    """``text`` with the controls HTML should not carry shown as escapes (not yet HTML-escaped).

    C0/C1 controls (but TAB, LF and CR) and the bidi embeddings, overrides and isolates become
    ``\\x1b`` / ``\\u202e``; the bidi marks stay (right-to-left text needs them, and inside a
    ``<bdi>`` they cannot reorder anything outside it). The length of the text may change:
    apply it to a piece of text after slicing by spans, never before.
    """
    if not text:
        return text or ""
    return _HTML.sub(lambda m: visible(m.group()), text)


def html_isolated(text: str | None) -> Markup:
    """Untrusted text as HTML: controls shown (:func:`for_html`), escaped, wrapped in ``<bdi>``
    so its direction cannot reorder the page around it. The Jinja filter ``untrusted``."""
    if text is None or text == "":
        return Markup("")
    return Markup("<bdi>") + escape(for_html(str(text))) + Markup("</bdi>")


def html_plain(text: str | None) -> str:
    """Untrusted text for places that take no markup (``<title>``, attribute values): controls
    shown (:func:`for_html`); autoescaping then escapes it. The Jinja filter ``plain``."""
    if text is None:
        return ""
    return for_html(str(text))
