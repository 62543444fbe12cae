"""OCR quality and speed on rendered 300-dpi pages: clean, skewed, and degraded scans.

Prints the character error rate (CER) and seconds per page for each condition, with and without
the optional pre-processing (deskew by projection profile; Otsu-like global threshold), so the
decision to leave pre-processing to Tesseract can be checked on this machine.

    .venv/bin/python bench/ocr_quality.py
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

from PIL import Image, ImageFilter, ImageOps

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from formats_render import cer, render_scans  # noqa: E402
from opis.readers.ocr import ocr_image  # noqa: E402
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


def deskew(img: Image.Image) -> Image.Image:
    """Angle with the sharpest row profile in -5..5 degrees (0.25 steps) on a reduced copy."""
    small = ImageOps.invert(img.convert("L").reduce(4))
    best, best_score = 0.0, -1.0
    for step in range(-20, 21):
        angle = step / 4
        rows = small.rotate(angle, fillcolor=0)
        sums = list(rows.resize((1, rows.size[1]), Image.Resampling.BOX).tobytes())  # mean ink per row
        score = sum((a - b) ** 2 for a, b in zip(sums, sums[1:], strict=False))
        if score > best_score:
            best, best_score = angle, score
    return img.rotate(best, resample=Image.Resampling.BICUBIC, fillcolor=255) if best else img


def run(name: str, text: str, pages: list[Image.Image]) -> None:
    for label, prep in (("as is", None), ("deskew", deskew), ("binarise", binarise)):
        t0 = time.perf_counter()
        out = []
        for p in pages:
            img = prep(p) if prep else p
            out.append(ocr_image(img, Deadline(None, name), dpi=300).text)
        dt = (time.perf_counter() - t0) / len(pages)
        print(f"{name:28s} {label:9s} CER {cer(text, chr(10).join(out)):.4f}  {dt:5.1f} s/page")


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
