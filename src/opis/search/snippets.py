"""Snippets: the passage of a document with the most query terms, matches marked.

The snippet is safe HTML: document text is escaped and each match is wrapped in
``<mark>…</mark>``. :func:`plain` turns it into terminal text with ``[…]`` around matches.
"""

from __future__ import annotations

import html
import re

from opis.search.analysis import tokenize

WINDOW = 32  # tokens in a snippet
MAX_SCAN = 200_000  # characters scanned per document


def snippet(text: str, terms: set[str], prefixes: set[str] = frozenset(), window: int = WINDOW) -> str:
    text = text or ""
    tokens = tokenize(text[:MAX_SCAN])
    if not tokens:
        return ""
    hits = [
        i for i, t in enumerate(tokens)
        if t.term in terms or any(t.word.startswith(p) or t.term.startswith(p) for p in prefixes)
    ]
    if hits:
        best, best_score, j = hits[0], -1, 0
        for i, h in enumerate(hits):  # window starting at each hit: most distinct terms wins
            while j < len(hits) and hits[j] < h + window:
                j += 1
            score = len({tokens[k].term for k in hits[i:j]}) * 100 + (j - i)
            if score > best_score:
                best, best_score = h, score
        first = max(0, best - window // 4)
    else:
        first = 0
    last = min(len(tokens), first + window)
    start, end = tokens[first].start, tokens[last - 1].end
    marks = [(tokens[k].start, tokens[k].end) for k in hits if first <= k < last]
    out, pos = [], start
    for a, b in marks:
        if a < pos:
            continue
        out.append(html.escape(text[pos:a]))
        out.append("<mark>" + html.escape(text[a:b]) + "</mark>")
        pos = b
    out.append(html.escape(text[pos:end]))
    body = re.sub(r"\s+", " ", "".join(out)).strip()
    return ("… " if start > 0 else "") + body + (" …" if end < len(text) else "")


def plain(snippet_html: str) -> str:
    """The snippet for a terminal: matches in [brackets], entities unescaped."""
    return html.unescape(snippet_html.replace("<mark>", "[").replace("</mark>", "]"))
