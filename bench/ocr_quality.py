"""OCR quality and speed on rendered 300-dpi pages: clean, skewed, and degraded scans.

Prints the character error rate (CER) and seconds per page for each condition: as opis reads
(with deskew), without deskew, and with a global threshold (binarisation) added, so the choice
(deskew on, binarisation left to Tesseract) can be checked on this machine.

    .venv/bin/python bench/ocr_quality.py
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

from PIL import Image, ImageFilter

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from formats_render import cer, render_scans  # noqa: E402
from opis.readers import ocr  # noqa: E402
from opis.readers.paging import Deadline  # noqa: E402

SEEDS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "seeds"
RUSSIAN = Path(__file__).resolve().parent.parent / "tests" / "data" / "formats" / "nkvd_report_ru.txt"


def degrade(img: Image.Image, seed: int = 1) -> Image.Image:
    """Grey paper, faded ink, blur and speckle: a photocopy of a photocopy."""
    rng = random.Random(seed)
    img = img.point(lambda v: 90 + v * 0.55)  # ink ~90, paper ~230
    img = img.filter(ImageFilter.GaussianBlur(1.2))
    px = img.load()
    w, h = img.size
    for _ in range(w * h // 400):
        x, y = rng.randrange(w), rng.randrange(h)
        px[x, y] = rng.randrange(60, 200)
    return img


def binarise(img: Image.Image) -> Image.Image:
    """Global threshold halfway between the ink and paper peaks of the histogram."""
    hist = img.convert("L").histogram()
    dark = max(range(0, 128), key=lambda i: hist[i])
    light = max(range(128, 256), key=lambda i: hist[i])
    t = (dark + light) // 2
    return img.convert("L").point(lambda v: 255 if v > t else 0)


def run(name: str, text: str, pages: list[Image.Image]) -> None:
    """OCR as opis does (deskew on), without deskew, and with a global threshold on top."""
    keep = ocr.deskew
    for label, prep, straighten in (("default", None, True), ("no deskew", None, False),
                                    ("binarise", binarise, True)):
        ocr.deskew = keep if straighten else (lambda img: img)
        t0 = time.perf_counter()
        out = [ocr.ocr_image(prep(p) if prep else p, Deadline(None, name), dpi=300).text for p in pages]
        dt = (time.perf_counter() - t0) / len(pages)
        print(f"{name:32s} {label:9s} CER {cer(text, chr(10).join(out)):.4f}  {dt:5.1f} s/page")
    ocr.deskew = keep


def main() -> None:
    en = next(SEEDS.glob("004_*")).read_text(encoding="utf-8")
    ru = RUSSIAN.read_text(encoding="utf-8")
    for name, text in (("English (seed 004)", en), ("Russian (NKVD report)", ru)):
        clean = render_scans(text)[:1]  # the first page: enough to compare, quick on a busy machine
        text = clean[0].info["text"]
        run(f"{name} clean", text, clean)
        run(f"{name} skewed 3°", text, [p.rotate(3, resample=Image.Resampling.BICUBIC, fillcolor=255) for p in clean])
        run(f"{name} degraded", text, [degrade(p) for p in clean])


if __name__ == "__main__":
    main()
