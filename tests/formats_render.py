"""Test fixtures for the format readers: text rendered to PDF (fpdf2) and to 300-dpi scans (Pillow).

The fonts are Debian packages installed by ``.ci/run``: ``fonts-dejavu-core`` (Latin, Cyrillic)
and ``fonts-noto-cjk`` (Chinese). Pages are laid out like a typed page: one line per text line,
long lines wrapped, a blank line between blocks kept as vertical space.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont
from rapidfuzz.distance import Levenshtein

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf")
DEJAVU_SANS = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
NOTO_CJK = Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc")
NOTO_CJK_SC_INDEX = 2  # "Noto Serif CJK SC" inside the collection

DPI = 300
A4_PT = (595.28, 841.89)


def has_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def _font(text: str, size_px: int) -> ImageFont.FreeTypeFont:
    if has_cjk(text):
        return ImageFont.truetype(str(NOTO_CJK), size_px, index=NOTO_CJK_SC_INDEX)
    return ImageFont.truetype(str(DEJAVU), size_px)


def _wrap(line: str, fits) -> list[str]:
    """Greedy wrap of one line; CJK wraps between characters, others between words."""
    if fits(line):
        return [line]
    units = list(line) if has_cjk(line) else line.split(" ")
    sep = "" if has_cjk(line) else " "
    out: list[str] = []
    cur = ""
    for unit in units:
        cand = f"{cur}{sep}{unit}" if cur else unit
        if fits(cand) or not cur:
            cur = cand
        else:
            out.append(cur)
            cur = unit
    if cur:
        out.append(cur)
    return out


def layout_lines(text: str, fits) -> list[str]:
    """Text -> printed lines ("" = blank line); runs of blank lines collapse to one."""
    lines: list[str] = []
    for raw in text.splitlines():
        raw = raw.strip()
        if not raw:
            if lines and lines[-1] != "":
                lines.append("")
            continue
        lines.extend(_wrap(raw, fits))
    while lines and lines[-1] == "":
        lines.pop()
    return lines


def render_scans(text: str, *, size_pt: float = 11, margin_in: float = 1.0, dpi: int = DPI,
                 rotate: float = 0.0) -> list[Image.Image]:
    """Render text as 300-dpi A4 page images (white paper, black type), as many pages as needed."""
    width, height = int(8.27 * dpi), int(11.69 * dpi)
    size_px = round(size_pt * dpi / 72)
    font = _font(text, size_px)
    margin = int(margin_in * dpi)
    line_h = int(size_px * 1.45)
    draw_probe = ImageDraw.Draw(Image.new("L", (10, 10)))

    def fits(s: str) -> bool:
        return draw_probe.textlength(s, font=font) <= width - 2 * margin

    pages: list[Image.Image] = []
    lines = layout_lines(text, fits)
    per_page = (height - 2 * margin) // line_h
    for i in range(0, len(lines), per_page):
        chunk = lines[i:i + per_page]
        while chunk and chunk[0] == "":
            chunk = chunk[1:]
        img = Image.new("L", (width, height), 255)
        draw = ImageDraw.Draw(img)
        y = margin
        for line in chunk:
            if line:
                draw.text((margin, y), line, font=font, fill=0)
            y += line_h
        if rotate:
            img = img.rotate(rotate, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=255)
        img.info["dpi"] = (dpi, dpi)
        img.info["text"] = "\n".join(chunk)  # what is printed on this page
        pages.append(img)
    return pages


def save_scans(pages: list[Image.Image], path: Path) -> Path:
    """Save page images: one PNG/JPEG, or a multi-page TIFF when the suffix is .tif/.tiff."""
    if path.suffix.lower() in (".tif", ".tiff"):
        pages[0].save(path, save_all=True, append_images=pages[1:], dpi=(DPI, DPI), compression="tiff_lzw")
    else:
        pages[0].save(path, dpi=(DPI, DPI))
    return path


def render_pdf(text: str | list[str], path: Path, *, size_pt: float = 11, columns: int = 1,
               title: str | None = None) -> Path:
    """Render text (or one text per page) to a PDF with a real text layer (fpdf2, embedded TTF)."""
    from fpdf import FPDF

    pdf = FPDF(format="A4", unit="pt")
    pdf.set_auto_page_break(True, margin=72)
    pdf.set_margins(72, 72, 72)
    pdf.add_font("dejavu", "", str(DEJAVU))
    pdf.add_font("cjk", "", str(NOTO_CJK), collection_font_number=NOTO_CJK_SC_INDEX)
    pages = [text] if isinstance(text, str) else text
    for page_text in pages:
        pdf.add_page()
        pdf.set_font("cjk" if has_cjk(page_text) else "dejavu", size=size_pt)
        line_h = size_pt * 1.45
        if title:
            pdf.multi_cell(0, line_h * 1.2, title, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(line_h)
        if columns == 1:
            _pdf_flow(pdf, page_text, line_h, pdf.epw)
        else:
            gutter = 24
            col_w = (pdf.epw - gutter * (columns - 1)) / columns
            top = pdf.get_y()
            blocks = [b for b in re.split(r"\n\s*\n", page_text) if b.strip()]
            per_col = -(-len(blocks) // columns)
            for c in range(columns):
                pdf.set_xy(72 + c * (col_w + gutter), top)
                pdf.set_left_margin(72 + c * (col_w + gutter))
                _pdf_flow(pdf, "\n\n".join(blocks[c * per_col:(c + 1) * per_col]), line_h, col_w)
            pdf.set_left_margin(72)
    pdf.output(str(path))
    return path


def _pdf_flow(pdf, text: str, line_h: float, width: float) -> None:
    blank = False
    for raw in text.splitlines():
        raw = raw.strip()
        if not raw:
            blank = True
            continue
        if blank:
            pdf.ln(line_h)
            blank = False
        pdf.multi_cell(width, line_h, raw, new_x="LMARGIN", new_y="NEXT")


def normalise_for_cer(text: str) -> str:
    """NFC, one space for any whitespace run; no spaces at all around CJK characters."""
    text = unicodedata.normalize("NFC", text)
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"(?<=[\u3000-\u9fff\uff00-\uffef]) (?=\S)|(?<=\S) (?=[\u3000-\u9fff\uff00-\uffef])", "", text)
    return text


def cer(reference: str, hypothesis: str) -> float:
    """Character error rate: Levenshtein distance / reference length, on normalised text."""
    ref, hyp = normalise_for_cer(reference), normalise_for_cer(hypothesis)
    return Levenshtein.distance(ref, hyp) / max(len(ref), 1)


def add_zip_part(path: Path, name: str, data: str) -> None:
    """Add the part ``name`` to the zip container at ``path`` (python-docx writes no
    ``word/footnotes.xml``: tests add one as Word would)."""
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item.filename))
        dst.writestr(name, data)
    tmp.replace(path)
