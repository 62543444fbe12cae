"""Page-by-page reading shared by the PDF and image readers: time limit, progress bar, assembly.

The page texts are joined with a blank line between pages; each page becomes an
``opis.model.Page`` with the offsets of its text, so a span can be cited as "p. 3".
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from opis.errors import ReadError
from opis.model import Page

LOW_CONFIDENCE = 70.0  # mean Tesseract word confidence (0-100) under which a page is flagged


class Deadline:
    """The per-file time limit (``ReadOptions.timeout``): slow steps ask what time is left."""

    def __init__(self, seconds: float | None, path: str):
        self.seconds = seconds
        self.path = path
        self.end = time.monotonic() + seconds if seconds else None

    def remaining(self) -> float | None:
        """Seconds left before the deadline, never below 0; None without a limit."""
        if self.end is None:
            return None
        return max(self.end - time.monotonic(), 0.0)

    def check(self, where: str) -> None:
        """Raise ReadError when the time is up; ``where`` names the step."""
        left = self.remaining()
        if left is not None and left <= 0:
            self.expired(where)

    def expired(self, where: str) -> None:
        """Raise the ReadError of a file past its time limit."""
        raise ReadError(f"time limit of {self.seconds:g} s exceeded ({where})", self.path)


@dataclass
class PageText:
    """The text of one page of a PDF or image, and its OCR confidence when it was read by OCR."""

    n: int  # 1-based page number
    text: str
    ocr_confidence: float | None = None  # None when the text came from a text layer
    method: str = "text"  # text | ocr


def assemble(pages: list[PageText]) -> tuple[str, list[Page], list[str]]:
    """Join page texts; return (text, Page records with offsets, warnings)."""
    parts: list[str] = []
    records: list[Page] = []
    warnings: list[str] = []
    pos = 0
    for p in pages:
        body = p.text.strip("\n")
        if parts:
            sep = " " if continues(parts[-1], body) else "\n\n"  # a paragraph running on stays one
            parts.append(sep)
            pos += len(sep)
        parts.append(body)
        low = p.ocr_confidence is not None and p.ocr_confidence < LOW_CONFIDENCE
        if p.method == "ocr" and not body.strip():
            warnings.append(f"page {p.n}: OCR found no text")
        elif low:
            warnings.append(f"page {p.n}: low OCR confidence ({p.ocr_confidence:.0f}/100)")
        records.append(Page(n=p.n, start=pos, end=pos + len(body), ocr_confidence=p.ocr_confidence,
                            low_confidence=low))
        pos += len(body)
    return "".join(parts), records, warnings


def continues(before: str, after: str) -> bool:
    """Does a paragraph run on across the page break (no final stop, next page starts in lower case)?"""
    tail = before.rstrip()
    head = after.lstrip()
    return bool(tail and head) and tail[-1] not in ".!?:;\"'»”)]。！？" and head[0].islower()


def progress(items: Iterable, total: int, enabled: bool, desc: str) -> Iterator:
    """Wrap a page iterator in a tqdm bar when asked (and when there is more than one page)."""
    if not enabled or total < 2:
        yield from items
        return
    from tqdm import tqdm

    with tqdm(total=total, unit="page", desc=desc, leave=False) as bar:
        for item in items:
            yield item
            bar.update(1)


def remap_pages(before: str, after: str, pages: list[Page]) -> list[Page]:
    """Page offsets into ``before`` -> offsets into ``after`` (the text once the layout is cleaned).

    The layout recognisers drop boilerplate and rejoin paragraphs, so offsets move. Each page
    start is found again by its first surviving characters (whitespace ignored); a page whose
    text is all gone keeps an empty span at the next page's start.
    """
    if not pages:
        return pages
    b_chars, _ = _squeeze(before)
    a_chars, a_pos = _squeeze(after)
    b_index = _squeezed_index(before)
    starts: list[int] = []
    cursor = 0
    for page in pages:
        found = None
        s = b_index[min(page.start, len(before))]
        e = b_index[min(page.end, len(before))]
        probe = s
        while probe < e and found is None:
            snippet = b_chars[probe:min(probe + 24, e)]
            hit = a_chars.find(snippet, cursor)
            if hit >= 0 and len(snippet) >= min(8, e - probe):
                found = max(hit - (probe - s), cursor)
            probe += 24
        if not starts and found is not None:
            found = 0  # what was cut before the first page's text is not another page
        starts.append(found if found is not None else -1)
        if found is not None:
            cursor = found
    out: list[Page] = []
    for i, page in enumerate(pages):
        start = starts[i]
        nxt = next((x for x in starts[i + 1:] if x >= 0), len(a_chars))
        if start < 0:
            start = nxt
        s_off = a_pos[start] if start < len(a_pos) else len(after)
        e_off = a_pos[nxt - 1] + 1 if nxt > start else s_off
        out.append(Page(n=page.n, start=s_off, end=e_off, lang=page.lang,
                        ocr_confidence=page.ocr_confidence, low_confidence=page.low_confidence))
    return out


def _squeeze(text: str) -> tuple[str, list[int]]:
    """Text without whitespace, and the offset in ``text`` of each kept character."""
    pos = [i for i, ch in enumerate(text) if not ch.isspace()]
    return "".join(text[i] for i in pos), pos


def _squeezed_index(text: str) -> list[int]:
    """For each offset of ``text`` (and its end), the number of non-space characters before it."""
    out = [0] * (len(text) + 1)
    n = 0
    for i, ch in enumerate(text):
        out[i] = n
        if not ch.isspace():
            n += 1
    out[len(text)] = n
    return out
