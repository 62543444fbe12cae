"""Scanned pages: PNG, JPEG, GIF and TIFF (every frame of a multi-page TIFF is a page), read by OCR."""

from __future__ import annotations

import warnings
from io import BytesIO
from pathlib import Path

from PIL import Image, ImageSequence, UnidentifiedImageError

from opis.errors import ReadError
from opis.readers import ReadOptions
from opis.readers.base import RawDocument
from opis.readers.ocr import ocr_image
from opis.readers.paging import Deadline, PageText, assemble, progress


def open_image(data: bytes, path: str) -> Image.Image:
    """A loaded image; raises ReadError for a corrupt, unknown or oversized (decompression bomb) image."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(BytesIO(data))
            img.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ReadError(f"image too large to OCR ({exc})", path) from exc
    except UnidentifiedImageError as exc:
        raise ReadError("corrupt or unsupported image (Pillow cannot identify it)", path) from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise ReadError(f"corrupt image ({exc})", path) from exc
    return img


def read(path: Path, data: bytes, options: ReadOptions) -> RawDocument:
    """OCR every frame of an image file, one page each, within the time limit."""
    where = str(path)
    deadline = Deadline(options.timeout, where)
    img = open_image(data, where)
    total = getattr(img, "n_frames", 1)
    pages: list[PageText] = []
    frames = ImageSequence.Iterator(img)
    for n, frame in enumerate(progress(frames, total, options.progress, path.name), start=1):
        deadline.check(f"before page {n} of {total}")
        try:
            page = frame.copy()
        except (OSError, ValueError) as exc:
            raise ReadError(f"corrupt image frame {n} ({exc})", where) from exc
        result = ocr_image(page, deadline, lang=options.ocr_lang, where=f"page {n} of {total}")
        pages.append(PageText(n, result.text, result.confidence, "ocr"))
    text, page_records, notes = assemble(pages)
    return RawDocument(
        path=where, sha256="", format="image", reader=__name__,
        text=text, pages=page_records, warnings=notes,
    )
