"""PDF reader: the text layer page by page (PDFium via pypdfium2), OCR for pages without one.

Why PDFium: it is the PDF engine of Chromium (maintained, fast C++, permissive licence —
pypdfium2 is Apache-2.0/BSD-3-Clause), it gives the text with the box of every text run,
decrypts what needs no password, and renders pages for OCR, all from one library.

Reading order: the text runs of a page are ordered by a recursive XY cut — a region is split
at a column gutter (a vertical strip no run crosses) when there is one, otherwise at a
horizontal gap — so a two-column page reads column by column. Runs on one line are joined,
and a blank line is put between blocks (see ``opis.readers.geometry``).

A page whose text layer is missing or junk (no letters, control or private-use characters from
fonts without a Unicode map) is rendered at 300 dpi and read by OCR.
"""

from __future__ import annotations

import statistics
import unicodedata
from pathlib import Path

import pypdfium2 as pdfium

from opis.errors import ReadError
from opis.readers import ReadOptions
from opis.readers.base import RawDocument
from opis.readers.geometry import Line, join_words, lines_to_text
from opis.readers.ocr import ocr_image
from opis.readers.paging import Deadline, PageText, assemble, progress

OCR_DPI = 300
MAX_OCR_PIXELS = 60_000_000  # a poster-sized page is rendered at less than 300 dpi
MIN_TEXT_CHARS = 20  # fewer non-space characters than this on a page: treat it as a scan
# PDFium finds the text of a run by scanning every character of the page, so ordering a page's
# runs costs runs x characters. Past this many (a page of 20,000 one-word text operations is
# 20,000 x 60,000), the page keeps its text in content-stream order, with a warning.
MAX_LAYOUT_WORK = 20_000_000


def open_pdf(data: bytes, path: str) -> pdfium.PdfDocument:
    """An open PDF; raises ReadError for an encrypted or corrupt file."""
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        msg = str(exc)
        if "password" in msg.lower():
            raise ReadError("encrypted PDF: it needs a password to open", path) from exc
        raise ReadError(f"corrupt PDF ({msg})", path) from exc


def read(path: Path, data: bytes, options: ReadOptions) -> RawDocument:
    """Read a PDF page by page (text layer, else OCR) within the time limit."""
    where = str(path)
    deadline = Deadline(options.timeout, where)
    pdf = open_pdf(data, where)
    try:
        total = len(pdf)
        if total == 0:
            raise ReadError("PDF has no pages", where)
        pages: list[PageText] = []
        notes: list[str] = []
        for i in progress(range(total), total, options.progress, path.name):
            deadline.check(f"before page {i + 1} of {total}")
            pages.append(read_page(pdf, i, options, deadline, f"page {i + 1} of {total}", notes))
    except pdfium.PdfiumError as exc:
        raise ReadError(f"corrupt PDF ({exc})", where) from exc
    finally:
        pdf.close()
    text, page_records, warnings = assemble(pages)
    return RawDocument(
        path=where, sha256="", format="pdf", reader=__name__,
        text=text, pages=page_records, warnings=notes + warnings,
    )


def read_page(pdf: pdfium.PdfDocument, index: int, options: ReadOptions, deadline: Deadline,
              where: str, notes: list[str] | None = None) -> PageText:
    """The text of one PDF page in layout order, or by OCR when it has no usable text layer."""
    page = pdf[index]
    try:
        textpage = page.get_textpage()
        try:
            if textpage.count_rects() * textpage.count_chars() > MAX_LAYOUT_WORK:
                text = textpage.get_text_range().replace("\r\n", "\n").replace("\r", "\n")
                if notes is not None:
                    notes.append(f"page {index + 1}: too many text runs to order by layout; "
                                 "text kept in the file's order")
            else:
                text = lines_to_text(page_lines(page, textpage))
        finally:
            textpage.close()
        if not needs_ocr(text):
            return PageText(index + 1, text)
        width, height = page.get_size()  # points
        scale = min(OCR_DPI / 72, (MAX_OCR_PIXELS / max(width * height, 1.0)) ** 0.5)
        bitmap = page.render(scale=scale, grayscale=True)
        image = bitmap.to_pil()
    finally:
        page.close()
    result = ocr_image(image, deadline, lang=options.ocr_lang, dpi=round(scale * 72), where=where)
    return PageText(index + 1, result.text, result.confidence, "ocr")


# --- text layer ------------------------------------------------------------------------------


def page_lines(page: pdfium.PdfPage, textpage: pdfium.PdfTextPage) -> list[Line]:
    """The page's text runs as lines in reading order (top-down coordinates, in points)."""
    height = page.get_height()
    runs: list[Line] = []
    for i in range(textpage.count_rects()):
        left, bottom, right, top = textpage.get_rect(i)
        text = textpage.get_text_bounded(left, bottom, right, top)
        text = " ".join(text.split())
        if text:
            runs.append(Line(text, left, height - top, right, height - bottom))
    if not runs:
        return []
    unit = statistics.median(r.height for r in runs) or 1.0
    ordered: list[Line] = []
    for region in xy_cut(runs, unit):
        ordered.extend(merge_lines(region, unit))
    return ordered


def xy_cut(runs: list[Line], unit: float) -> list[list[Line]]:
    """Split runs into regions in reading order: at column gutters first, else at row gaps."""
    if len(runs) < 2:
        return [runs]
    cut = _column_cut(runs, unit)
    if cut is not None:
        left = [r for r in runs if r.right <= cut]
        right = [r for r in runs if r.right > cut]
        return xy_cut(left, unit) + xy_cut(right, unit)
    cut = _row_cut(runs, unit)
    if cut is not None:
        above = [r for r in runs if r.bottom <= cut]
        below = [r for r in runs if r.bottom > cut]
        return xy_cut(above, unit) + xy_cut(below, unit)
    return [runs]


def _gaps(intervals: list[tuple[float, float]], min_width: float) -> list[tuple[float, float]]:
    """Empty stretches (start, end) between the union of intervals, at least min_width wide."""
    intervals = sorted(intervals)
    gaps = []
    reach = intervals[0][1]
    for lo, hi in intervals[1:]:
        if lo - reach >= min_width:
            gaps.append((reach, lo))
        reach = max(reach, hi)
    return gaps


def _rows(runs: list[Line]) -> int:
    tops = sorted(r.top for r in runs)
    unit = statistics.median(r.height for r in runs) or 1.0
    return 1 + sum(1 for a, b in zip(tops, tops[1:], strict=False) if b - a > 0.5 * unit)


def _column_cut(runs: list[Line], unit: float) -> float | None:
    """x of a gutter that splits the region into two columns of several lines each, or None."""
    top = min(r.top for r in runs)
    bottom = max(r.bottom for r in runs)
    best = None
    for lo, hi in _gaps([(r.left, r.right) for r in runs], 1.0 * unit):
        mid = (lo + hi) / 2
        left = [r for r in runs if r.right <= mid]
        right = [r for r in runs if r.left >= mid]
        if _rows(left) < 3 or _rows(right) < 3:
            continue
        span = bottom - top
        if min(_extent(left), _extent(right)) < 0.5 * span:
            continue
        if best is None or hi - lo > best[1] - best[0]:
            best = (lo, hi)
    return (best[0] + best[1]) / 2 if best else None


def _extent(runs: list[Line]) -> float:
    return max(r.bottom for r in runs) - min(r.top for r in runs)


def _row_cut(runs: list[Line], unit: float) -> float | None:
    """y of the horizontal gap to split at: one that frees columns below or above, else the widest."""
    gaps = _gaps([(r.top, r.bottom) for r in runs], 0.6 * unit)
    if not gaps:
        return None
    for lo, hi in sorted(gaps, key=lambda g: g[0]):
        mid = (lo + hi) / 2
        above = [r for r in runs if r.bottom <= mid]
        below = [r for r in runs if r.bottom > mid]
        if (len(below) > 1 and _column_cut(below, unit) is not None) or (
            len(above) > 1 and _column_cut(above, unit) is not None
        ):
            return mid
    lo, hi = max(gaps, key=lambda g: g[1] - g[0])
    return (lo + hi) / 2


def merge_lines(runs: list[Line], unit: float) -> list[Line]:
    """Runs of one region -> printed lines, top to bottom, runs on one line left to right."""
    rows: list[list[Line]] = []
    for run in sorted(runs, key=lambda r: (r.top, r.left)):
        centre = (run.top + run.bottom) / 2
        if rows:
            last = rows[-1]
            top = min(r.top for r in last)
            bottom = max(r.bottom for r in last)
            if top <= centre <= bottom:
                last.append(run)
                continue
        rows.append([run])
    lines = []
    for row in rows:
        row.sort(key=lambda r: r.left)
        lines.append(Line(join_words([r.text for r in row]), min(r.left for r in row),
                          min(r.top for r in row), max(r.right for r in row), max(r.bottom for r in row)))
    return lines


# --- junk text layers --------------------------------------------------------------------------


def needs_ocr(text: str) -> bool:
    """No usable text layer: (almost) no text, no letters, or mostly unmapped glyph codes."""
    chars = [ch for ch in text if not ch.isspace()]
    if len(chars) < MIN_TEXT_CHARS:
        return True
    bad = sum(1 for ch in chars if ch == "\ufffd" or unicodedata.category(ch) in ("Cc", "Co", "Cn", "Cs"))
    letters = sum(1 for ch in chars if ch.isalpha())
    return bad / len(chars) > 0.1 or letters / len(chars) < 0.4
