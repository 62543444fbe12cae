"""Scanned pages (PNG, JPEG, multi-page TIFF) read back by OCR: character error rate, pages, limits.

The scans are rendered by the tests at 300 dpi from known text (``formats_render``) and the
character error rate (CER) is asserted: <= 2 % on clean English, <= 5 % on clean Russian and
Chinese pages.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from conftest import SEEDS
from formats_render import cer, render_scans, save_scans
from opis.errors import ReadError
from opis.readers import ReadOptions, read
from opis.readers import image as image_reader
from opis.readers.ocr import installed_languages, skew_angle

pytestmark = pytest.mark.slow

DATA = Path(__file__).parent / "data" / "formats"
RUSSIAN = (DATA / "nkvd_report_ru.txt").read_text(encoding="utf-8")
CHINESE = (
    "中华人民共和国外交部\n\n关于伊犁、塔城地区边民外逃问题的报告\n\n一九六二年五月二十日\n\n"
    "四月下旬以来，伊犁、塔城地区发生大批边民非法越境逃往苏联的事件。据初步统计，外逃人数约六万余人，"
    "携带牲畜数万头。事件发生后，自治区党委立即采取措施，加强边境管理，安定群众情绪。\n\n"
    "边境各县已组织干部深入牧区，做好群众工作，并在霍尔果斯、巴克图等口岸增派人员，防止事态进一步扩大。"
)
CHINESE_TRADITIONAL = (
    "關於伊犁、塔城地區邊民外逃問題的報告\n\n"
    "四月下旬以來，伊犁、塔城地區發生大批邊民非法越境逃往蘇聯的事件。據初步統計，外逃人數約六萬餘人，"
    "攜帶牲畜數萬頭。"
)


def ocr(path: Path, **opts):
    return image_reader.read(path, path.read_bytes(), ReadOptions(**opts))


def test_tesseract_languages_installed():
    assert {"eng", "rus", "chi_sim", "chi_tra", "osd"} <= installed_languages()


def test_clean_english_scan_cer_under_2_percent(tmp_path):
    text = SEEDS["004"].read_text(encoding="utf-8")
    pages = render_scans(text)
    raw = ocr(save_scans(pages, tmp_path / "antonov.tif"))
    rate = cer(text, raw.text)
    print(f"\nCER English ({len(pages)} pages): {rate:.4f}")
    assert rate <= 0.02
    assert len(raw.pages) == len(pages) >= 2
    assert all(p.ocr_confidence and p.ocr_confidence > 85 and not p.low_confidence for p in raw.pages)
    assert raw.warnings == []


def test_clean_russian_scan_cer_under_5_percent(tmp_path):
    raw = ocr(save_scans(render_scans(RUSSIAN), tmp_path / "nkvd.png"))
    rate = cer(RUSSIAN, raw.text)
    print(f"\nCER Russian: {rate:.4f}")
    assert rate <= 0.05
    assert "ГАРФ. Ф. Р-9401. Оп. 2. Д. 98. Л. 377" in raw.text
    assert "\n\n12 сентября 1945 г.\n\n" in raw.text  # blocks kept apart as on the page


def test_clean_chinese_scan_cer_under_5_percent(tmp_path):
    raw = ocr(save_scans(render_scans(CHINESE), tmp_path / "report.png"))
    rate = cer(CHINESE, raw.text)
    print(f"\nCER Chinese (simplified): {rate:.4f}")
    assert rate <= 0.05
    assert raw.text.split("\n\n")[0] == "中华人民共和国外交部"


def test_traditional_chinese_is_read_with_the_traditional_model(tmp_path):
    raw = ocr(save_scans(render_scans(CHINESE_TRADITIONAL), tmp_path / "report_tra.png"))
    rate = cer(CHINESE_TRADITIONAL, raw.text)
    print(f"\nCER Chinese (traditional): {rate:.4f}")
    assert rate <= 0.05
    assert "邊民" in raw.text  # not converted to simplified 边民


def test_jpeg_and_forced_language(tmp_path):
    path = tmp_path / "nkvd.jpg"
    render_scans(RUSSIAN)[0].save(path, quality=85, dpi=(300, 300))
    raw = ocr(path, ocr_lang="rus")
    assert cer(RUSSIAN, raw.text) <= 0.05


def test_upside_down_scan_is_turned_before_ocr(tmp_path):
    text = SEEDS["004"].read_text(encoding="utf-8")
    page = render_scans(text)[0].rotate(180)
    raw = ocr(save_scans([page], tmp_path / "upside_down.png"))
    assert "TO MARSHAL MALINOVSKY" in raw.text
    assert raw.pages[0].ocr_confidence > 85


@pytest.mark.parametrize("angle", [0, 2, -3.5])
def test_skew_angle_is_measured(angle):
    page = render_scans(RUSSIAN)[0]
    if angle:
        page = page.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
    assert skew_angle(page) == pytest.approx(-angle, abs=0.3)


def test_skewed_scan_is_straightened(tmp_path):
    page = render_scans(RUSSIAN)[0].rotate(3, resample=Image.Resampling.BICUBIC, fillcolor=255)
    raw = ocr(save_scans([page], tmp_path / "skewed.png"))
    assert cer(RUSSIAN, raw.text) <= 0.01


def test_multipage_tiff_gives_pages_with_offsets(tmp_path):
    texts = ["First page of the report.\n\nThe detachment crossed the river at dawn.",
             "Second page.\n\nCasualties: 314 killed and 548 wounded."]
    pages = [render_scans(t)[0] for t in texts]
    raw = ocr(save_scans(pages, tmp_path / "two.tiff"))
    assert [p.n for p in raw.pages] == [1, 2]
    for p, t in zip(raw.pages, texts, strict=True):
        assert cer(t, raw.text[p.start:p.end]) <= 0.02


def test_low_confidence_page_is_flagged(tmp_path):
    rng = random.Random(7)
    img = Image.new("L", (2480, 3508), 255)
    draw = ImageDraw.Draw(img)
    for _ in range(6000):  # a smudged, stained page: blobs and strokes, no legible text
        x, y = rng.randrange(200, 2280), rng.randrange(200, 3300)
        draw.line((x, y, x + rng.randrange(-60, 60), y + rng.randrange(-20, 20)), fill=rng.randrange(0, 120),
                  width=rng.randrange(2, 9))
    path = tmp_path / "stained.png"
    img.save(path, dpi=(300, 300))
    raw = ocr(path, ocr_lang="eng")
    page = raw.pages[0]
    assert page.low_confidence and page.ocr_confidence < 70
    assert raw.warnings == [f"page 1: low OCR confidence ({page.ocr_confidence:.0f}/100)"]


def test_time_limit_stops_ocr(tmp_path):
    path = save_scans(render_scans(RUSSIAN), tmp_path / "slow.png")
    with pytest.raises(ReadError, match="time limit of 0.2 s exceeded") as err:
        ocr(path, timeout=0.2)
    assert "slow.png" in str(err.value)


def test_corrupt_image_fails_cleanly(tmp_path):
    good = save_scans(render_scans("A short page."), tmp_path / "good.png").read_bytes()
    path = tmp_path / "broken.png"
    path.write_bytes(good[:200])
    with pytest.raises(ReadError) as err:
        read(path)
    assert "broken.png" in str(err.value) and "image" in str(err.value)


def test_image_too_large_to_decode_fails_before_decoding(tmp_path):
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    # a PNG header announcing 60000 x 60000 pixels (a decompression bomb): refused at open
    ihdr = struct.pack(">IIBBBBB", 60000, 60000, 8, 0, 0, 0, 0)
    path = tmp_path / "bomb.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b""))
    with pytest.raises(ReadError, match="too large") as err:
        read(path)
    assert "bomb.png" in str(err.value)


def test_webp_scan_is_read(tmp_path):
    path = tmp_path / "page.webp"
    render_scans("Top Secret\n\nThe detachment crossed the river at dawn.")[0].save(path, lossless=True)
    raw = read(path)
    assert raw.format == "image"
    assert cer("Top Secret\n\nThe detachment crossed the river at dawn.", raw.text) <= 0.02


def test_16_bit_scan_is_scaled_not_clipped(tmp_path):
    text = "Top Secret\n\nThe detachment crossed the river at dawn."
    page = render_scans(text)[0].convert("I").point(lambda v: v * 256).convert("I;16")
    path = tmp_path / "deep.png"
    page.save(path)
    assert cer(text, read(path).text) <= 0.02
