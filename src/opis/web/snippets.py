"""Search snippets to safe HTML: everything escaped, then only the highlight marks restored."""

from __future__ import annotations

import re
from html import escape

from markupsafe import Markup

# Highlight markers a search backend may use around matched words.
MARKS = [("<mark>", "</mark>"), ("<b>", "</b>"), ("\x02", "\x03"), ("[[", "]]")]


def snippet_html(snippet: str) -> Markup:
    for open_, close in MARKS:
        if open_ in snippet and close in snippet:
            parts = re.split(f"({re.escape(open_)}|{re.escape(close)})", snippet)
            out, depth = [], 0
            for part in parts:
                if part == open_:
                    depth += 1
                    out.append("<mark>" if depth == 1 else "")
                elif part == close and depth:
                    depth -= 1
                    out.append("</mark>" if depth == 0 else "")
                else:
                    out.append(escape(part, quote=False))
            out.append("</mark>" * (depth > 0))
            return Markup("".join(out))
    return Markup(escape(snippet, quote=False))
