"""Search snippets to safe HTML: everything escaped, then only the highlight marks restored.

The search area returns snippets as HTML (escaped text with ``<mark>`` around matches); other
callers may pass plain text. Each text part is unescaped then escaped again, so both come out
right and nothing but ``<mark>`` survives; control and bidi override characters are shown as
escapes (:func:`opis.display.for_html`).
"""

from __future__ import annotations

import re
from html import escape, unescape

from markupsafe import Markup

from opis.display import for_html

_MARK = re.compile(r"(</?mark>)", re.IGNORECASE)


def snippet_html(snippet: str) -> Markup:
    """A search snippet as safe HTML: its text escaped, only ``<mark>`` kept (nested marks flattened, an
    unclosed one closed)."""
    out: list[str] = []
    depth = 0
    for part in _MARK.split(snippet or ""):
        low = part.lower()
        if low == "<mark>":
            out.append("<mark>" if depth == 0 else "")
            depth += 1
        elif low == "</mark>":
            if depth:
                depth -= 1
                out.append("</mark>" if depth == 0 else "")
        else:
            out.append(escape(for_html(unescape(part)), quote=False))
    if depth:
        out.append("</mark>")
    return Markup("".join(out))
