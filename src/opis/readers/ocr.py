"""OCR of one page image with Tesseract (Debian packages, run as a subprocess with a time limit).

Languages: ``ReadOptions.ocr_lang`` when given (Tesseract codes, e.g. ``"rus+eng"``), otherwise
chosen per page from the script that Tesseract's orientation-and-script detection (OSD) sees:
Latin -> ``eng``, Cyrillic -> ``rus``, Han -> ``chi_sim`` or ``chi_tra`` (whichever reads the page
with the higher confidence). OSD also gives the page orientation, and a page scanned upside down
or sideways is turned upright first.

The result keeps the text with its line breaks and a blank line between blocks (from the word
boxes, see ``opis.readers.geometry``) and the mean word confidence of the page (0-100).
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
from dataclasses import dataclass

from PIL import Image

from opis.errors import ReadError
from opis.readers.geometry import Line, join_words, lines_to_text
from opis.readers.paging import Deadline

SCRIPT_LANGS = {
    "Latin": ["eng"],
    "Cyrillic": ["rus"],
    "Han": ["chi_sim", "chi_tra"],
    "HanS": ["chi_sim"],
    "HanT": ["chi_tra"],
}
DEFAULT_LANG = "eng"
OSD_MIN_SCRIPT_CONFIDENCE = 0.5
OSD_MIN_ORIENTATION_CONFIDENCE = 2.0
# One thread per Tesseract process: its OpenMP threads spin and slow down badly when the cores are
# shared (a batch, a test run, a server); pages are the unit of work. Set it in the environment to change.
_ENV = {**os.environ, "OMP_THREAD_LIMIT": os.environ.get("OMP_THREAD_LIMIT", "1")}


@dataclass
class OcrResult:
    """The text Tesseract read from one image, its mean confidence (0-100, None without words) and languages."""

    text: str
    confidence: float | None  # mean word confidence 0-100, weighted by word length; None: no words
    lang: str  # the Tesseract languages used
    script: str | None = None  # what OSD saw, when it ran
    rotated: int = 0  # degrees the page was turned before OCR


def tesseract_path() -> str:
    """The path of the Tesseract executable; raises ReadError when it is not installed."""
    exe = shutil.which("tesseract")
    if not exe:
        raise ReadError("OCR needs Tesseract: install the Debian packages tesseract-ocr, "
                        "tesseract-ocr-eng, -rus, -chi-sim, -chi-tra (see .ci/run)")
    return exe


def installed_languages() -> set[str]:
    """The languages the installed Tesseract can read."""
    out = subprocess.run([tesseract_path(), "--list-langs"], capture_output=True, text=True, check=False)
    return {ln.strip() for ln in out.stdout.splitlines()[1:] if ln.strip()}


def _png(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def _run(args: list[str], data: bytes, deadline: Deadline, where: str) -> str:
    timeout = deadline.remaining()
    if timeout is not None and timeout <= 0:
        deadline.expired(where)
    try:
        proc = subprocess.run([tesseract_path(), "stdin", "stdout", *args], input=data,
                              capture_output=True, timeout=timeout, check=False, env=_ENV)
    except subprocess.TimeoutExpired:
        deadline.expired(where)
        raise  # not reached: expired() raises
    if proc.returncode != 0:
        err = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ReadError(f"Tesseract failed on {where}: {err[-1] if err else proc.returncode}", deadline.path)
    return proc.stdout.decode("utf-8", "replace")


def prepare(img: Image.Image) -> Image.Image:
    """Greyscale, white background (alpha flattened). Tesseract binarises (Otsu) by itself."""
    if img.mode in ("RGBA", "LA", "P"):
        img = img.convert("RGBA")
        bg = Image.new("RGBA", img.size, (255, 255, 255, 255))
        img = Image.alpha_composite(bg, img)
    if img.mode in ("I", "F") or img.mode.startswith("I;16"):  # 16-bit/float scans: scale, not clip
        lo, hi = img.convert("F").getextrema()
        span = (hi - lo) or 1.0
        img = img.convert("F").point(lambda v: (v - lo) * 255.0 / span)
    if img.mode not in ("L", "1"):
        img = img.convert("L")
    return img


MAX_SKEW = 5.0  # degrees searched either way by deskew
SKEW_STEP = 0.25


def skew_angle(img: Image.Image) -> float:
    """The small rotation (degrees) that makes the text lines horizontal, or 0.0.

    Projection profile: on a reduced, inverted copy, the angle whose row sums vary most sharply
    (lines of ink alternating with white leading) wins; it must beat 0 degrees clearly.
    """
    small = Image.eval(img.convert("L").reduce(4), lambda v: 255 - v)

    def score(angle: float) -> float:
        rows = small.rotate(angle, fillcolor=0) if angle else small
        sums = rows.resize((1, rows.size[1]), Image.Resampling.BOX).tobytes()
        return float(sum((a - b) ** 2 for a, b in zip(sums, sums[1:], strict=False)))

    level = score(0.0)
    steps = int(MAX_SKEW / SKEW_STEP)
    best, best_score = 0.0, level
    for k in range(-steps, steps + 1):
        if k and (value := score(k * SKEW_STEP)) > best_score:
            best, best_score = k * SKEW_STEP, value
    return best if best_score > 1.05 * level else 0.0


def deskew(img: Image.Image) -> Image.Image:
    """Straighten a page scanned slightly askew (measured: bench/ocr_quality.py)."""
    angle = skew_angle(img)
    if not angle:
        return img
    return img.convert("L").rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)


def detect_script(png: bytes, dpi: int, deadline: Deadline, where: str) -> tuple[str | None, int]:
    """(script, rotation in degrees) from Tesseract OSD; (None, 0) when it cannot tell."""
    try:
        out = _run(["--psm", "0", "--dpi", str(dpi)], png, deadline, where)
    except ReadError as exc:
        if "time limit" in str(exc):
            raise
        return None, 0  # OSD fails on pages with too little text
    facts = dict(re.findall(r"^([A-Za-z ]+):\s*(\S+)\s*$", out, re.MULTILINE))
    script = facts.get("Script")
    try:
        if float(facts.get("Script confidence", "0")) < OSD_MIN_SCRIPT_CONFIDENCE:
            script = None
    except ValueError:
        script = None
    rotate = 0
    try:
        if float(facts.get("Orientation confidence", "0")) >= OSD_MIN_ORIENTATION_CONFIDENCE:
            rotate = int(facts.get("Rotate", "0"))
    except ValueError:
        rotate = 0
    return script, rotate


def parse_tsv(tsv: str) -> tuple[str, float | None]:
    """Tesseract TSV -> (text with line breaks and block breaks, mean word confidence)."""
    rows = csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE)
    lines: dict[tuple[int, int, int, int], list[dict]] = {}
    for row in rows:
        if row.get("level") != "5":
            continue
        word = (row.get("text") or "").strip()
        if not word:
            continue
        key = (int(row["page_num"]), int(row["block_num"]), int(row["par_num"]), int(row["line_num"]))
        lines.setdefault(key, []).append(row)
    out: list[Line] = []
    total_w = 0.0
    total_c = 0.0
    for words in lines.values():  # TSV order is Tesseract's reading order
        lefts = [int(w["left"]) for w in words]
        tops = [int(w["top"]) for w in words]
        rights = [int(w["left"]) + int(w["width"]) for w in words]
        bottoms = [int(w["top"]) + int(w["height"]) for w in words]
        out.append(Line(join_words([w["text"].strip() for w in words]), min(lefts), min(tops),
                        max(rights), max(bottoms)))
        for w in words:
            conf = float(w["conf"])
            if conf >= 0:
                weight = len(w["text"].strip())
                total_w += weight
                total_c += conf * weight
    confidence = round(total_c / total_w, 1) if total_w else None
    return lines_to_text(out), confidence


def ocr_image(img: Image.Image, deadline: Deadline, *, lang: str | None = None, dpi: int | None = None,
              where: str = "page 1") -> OcrResult:
    """OCR one page image; languages from ``lang`` or from the detected script."""
    img = prepare(img)
    dpi = dpi or _dpi(img) or 300
    script = None
    rotated = 0
    if lang:
        candidates = [lang]
    else:
        # OSD reads the script as well at half resolution, in about two thirds of the time
        half = img.reduce(2) if dpi >= 200 else img
        script, rotated = detect_script(_png(half), dpi // 2 if dpi >= 200 else dpi, deadline, where)
        if rotated:
            img = img.rotate(-rotated, expand=True, fillcolor=255)
        candidates = SCRIPT_LANGS.get(script or "", [DEFAULT_LANG])
    png = _png(deskew(img))
    best: OcrResult | None = None
    for cand in candidates:
        tsv = _run(["-l", cand, "--psm", "3", "--dpi", str(dpi), "tsv"], png, deadline, where)
        text, conf = parse_tsv(tsv)
        if cand.startswith("chi"):
            text = cjk_punctuation(text)
        elif "eng" in cand.split("+") and "rus" not in cand:
            text = numero_sign(text)
        result = OcrResult(text, conf, cand, script, rotated)
        if best is None or (conf or 0) > (best.confidence or 0):
            best = result
    assert best is not None
    return best


_FULLWIDTH = {",": "\uff0c", ";": "\uff1b", ":": "\uff1a", "!": "\uff01", "?": "\uff1f"}
_CJK_PUNCT_RE = re.compile(r"(?<=[\u3400-\u9fff])[ \t]*([,;:!?])[ \t]*(?=[\u3400-\u9fff]|$)", re.MULTILINE)


def cjk_punctuation(text: str) -> str:
    """Chinese models often print ASCII ',' with spaces where the page has a full-width '，'."""
    return _CJK_PUNCT_RE.sub(lambda m: _FULLWIDTH[m.group(1)], text)


# The English model has no numero sign: "Nº 1041" (a small raised o) comes out as "N° 1041",
# "N® 1041" or "N2 1041". Before a number these are the numero sign ("N283" is left alone).
_NUMERO_RE = re.compile(r"\bN(?:[°®](?= ?\d)|2(?= \d))")


def numero_sign(text: str) -> str:
    """The text with OCR's misreadings of a numero sign before a number ("N° 1041") as "Nº"."""
    return _NUMERO_RE.sub("Nº", text)


def _dpi(img: Image.Image) -> int | None:
    dpi = img.info.get("dpi")
    try:
        value = int(round(float(dpi[0]))) if dpi else None
    except (TypeError, ValueError, IndexError):
        return None
    return value if value and 70 <= value <= 1200 else None
