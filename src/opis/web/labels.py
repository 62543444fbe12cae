"""Short labels for lists: text cut at a word boundary, with the whole kept for a tooltip."""

from __future__ import annotations

ELLIPSIS = "…"


def shorten(text: str | None, limit: int = 80) -> str:
    """``text`` on one line, cut at the last word boundary within ``limit`` characters (an
    ellipsis marks the cut); a single word longer than ``limit`` is cut inside it."""
    words = " ".join((text or "").split())
    if len(words) <= limit:
        return words
    cut = words[: limit - 1]
    at_boundary = words[limit - 1] == " "
    head = cut if at_boundary or " " not in cut else cut.rsplit(" ", 1)[0]
    return head.rstrip(" ,;:–—-(.") + ELLIPSIS
