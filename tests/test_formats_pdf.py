"""PDF: the text layer page by page in reading order, OCR for scanned pages, clean failures."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import SEEDS
from formats_render import cer, render_pdf, render_scans
from opis.errors import ReadError
from opis.model import Page
from opis.readers import ReadOptions, read
from opis.readers import pdf as pdf_reader


def read_pdf(path: Path, **opts) -> object:
    return pdf_reader.read(path, path.read_bytes(), ReadOptions(**opts))


def squeeze(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def page_at(pages: list[Page], offset: int) -> int | None:
    return next((p.n for p in pages if p.start <= offset < p.end), None)


def test_seed_printed_to_pdf_reads_back_exactly_with_pages(tmp_path):
    text = SEEDS["000"].read_text(encoding="utf-8")
    path = render_pdf(text, tmp_path / "beria.pdf")
    raw = read_pdf(path)
    assert raw.format == "pdf"
    assert squeeze(raw.text) == squeeze(text)  # same words in the same order; only line wraps differ
    assert [p.n for p in raw.pages] == [1, 2, 3, 4]
    assert raw.pages[0].start == 0 and raw.pages[-1].end == len(raw.text)
    assert all(p.ocr_confidence is None and not p.low_confidence for p in raw.pages)
    # blocks stay blocks: a blank line before and after a short line of the header
    assert "\n\nTop Secret\n\nCopy Nº 4\n\n" in raw.text
    # a mention can be cited by page
    assert page_at(raw.pages, raw.text.index("Authenticated by Chernyshova")) == 3
    assert page_at(raw.pages, raw.text.index("Skip to content")) == 1


def test_page_offsets_survive_layout_cleaning(tmp_path):
    text = SEEDS["000"].read_text(encoding="utf-8")
    raw = read(render_pdf(text, tmp_path / "beria.pdf"))
    assert len(raw.pages) == 4
    assert page_at(raw.pages, raw.text.index("Authenticated by Chernyshova")) == 3
    assert page_at(raw.pages, raw.text.index("Top Secret")) == 1
    starts = [p.start for p in raw.pages]
    assert starts == sorted(starts) and raw.pages[-1].end <= len(raw.text)


def test_two_columns_read_column_by_column(tmp_path):
    paras = [f"Paragraph {i}: the detachment reported {i * 10} crossings in sector {i}." for i in range(1, 9)]
    path = render_pdf("\n\n".join(paras), tmp_path / "columns.pdf", columns=2, title="Border report, two columns")
    raw = read_pdf(path)
    found = [int(m.group(1)) for m in re.finditer(r"Paragraph (\d+):", raw.text)]
    assert found == list(range(1, 9))
    assert raw.text.startswith("Border report, two columns\n\n")
    for p in paras:  # each paragraph is one block, its wrapped lines kept together
        assert squeeze(p) in [squeeze(b) for b in raw.text.split("\n\n")]


def test_cyrillic_and_chinese_text_layers(tmp_path):
    ru = "Совершенно секретно\n\nГАРФ. Ф. Р-9401. Оп. 2. Д. 98. Л. 377–379.\n\n5 сентября 1945 г."
    zh = "关于伊犁、塔城地区边民外逃问题的报告\n\n一九六二年五月二十日"
    raw = read_pdf(render_pdf([ru, zh], tmp_path / "mixed.pdf"))
    assert len(raw.pages) == 2
    assert raw.text[raw.pages[0].start:raw.pages[0].end] == ru
    assert raw.text[raw.pages[1].start:raw.pages[1].end] == zh


def _scan_pdf(text: str, path: Path) -> Path:
    """A PDF with no text layer: each page is a 300-dpi image, as a scanner writes it."""
    pages = [p.convert("RGB") for p in render_scans(text)]
    pages[0].save(path, "PDF", resolution=300, save_all=True, append_images=pages[1:])
    return path


ENGLISH_PAGE = (
    "Top Secret\n\nTo Comrade I. V. Stalin\n\n"
    "The border detachments report that between 5 and 11 August one hundred vehicles with the "
    "personnel of the newly formed division arrived in Urumqi. The rebels hold the main road "
    "connecting the south of the province with the capital, and the garrison is short of fuel.\n\n"
    "Four copies printed. Drafted by Cde. Mamulov."
)


@pytest.mark.slow
def test_pdf_without_text_layer_goes_to_ocr(tmp_path):
    raw = read_pdf(_scan_pdf(ENGLISH_PAGE, tmp_path / "scan.pdf"))
    assert len(raw.pages) == 1
    page = raw.pages[0]
    assert page.ocr_confidence is not None and page.ocr_confidence > 80 and not page.low_confidence
    assert cer(ENGLISH_PAGE, raw.text) <= 0.02
    assert "\n\nTop Secret" not in raw.text and raw.text.startswith("Top Secret\n\nTo Comrade")


@pytest.mark.slow
def test_time_limit_stops_a_slow_pdf(tmp_path):
    path = _scan_pdf(ENGLISH_PAGE * 3, tmp_path / "slow.pdf")
    with pytest.raises(ReadError, match=r"time limit of 0\.5 s exceeded") as err:
        read_pdf(path, timeout=0.5)
    assert "slow.pdf" in str(err.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The USSR NKVD reports about the progress of the rebel movement.", False),
        ("Совершенно секретно. Народный комиссариат внутренних дел.", False),
        ("关于伊犁、塔城地区边民外逃问题的报告，一九六二年五月二十日", False),
        ("", True),
        ("12", True),  # a page number alone: the page is a scan
        ("\ue001\ue002\ue003\ue004 \ue005\ue006\ue007 \ue008\ue009\ue00a\ue00b\ue00c\ue00d\ue00e\ue00f\ue010", True),
        ("\x01\x02\x03\x04\x05 \x06\x07\x08\x0e\x0f \x10\x11\x12\x13\x14\x15\x16\x17\x18", True),
        ("0123 4567 8901 2345 6789 ---- .... ,,,, ;;;;", True),
    ],
)
def test_junk_text_layer_is_detected(text, expected):
    assert pdf_reader.needs_ocr(text) is expected


def test_encrypted_pdf_fails_cleanly(tmp_path):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text="Secret report")
    pdf.set_encryption(owner_password="owner", user_password="reader")
    path = tmp_path / "locked.pdf"
    pdf.output(str(path))
    with pytest.raises(ReadError, match="encrypted PDF") as err:
        read(path)
    assert "locked.pdf" in str(err.value)


def test_pdf_with_owner_password_only_is_read(tmp_path):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text="Report of the border detachment on crossings in August 1945")
    pdf.set_encryption(owner_password="owner")  # no password needed to open, only to edit
    path = tmp_path / "restricted.pdf"
    pdf.output(str(path))
    assert "Report of the border detachment" in read_pdf(path).text


@pytest.mark.parametrize("damage", ["truncated", "garbage"])
def test_corrupt_pdf_fails_cleanly(tmp_path, damage):
    good = render_pdf("A short report.\n\nSecond block.", tmp_path / "good.pdf").read_bytes()
    bad = good[: len(good) // 3] if damage == "truncated" else b"%PDF-1.7\n" + bytes(range(256)) * 40
    path = tmp_path / f"{damage}.pdf"
    path.write_bytes(bad)
    with pytest.raises(ReadError) as err:
        read(path)
    assert f"{damage}.pdf" in str(err.value)
