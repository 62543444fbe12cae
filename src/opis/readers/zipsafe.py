"""Reading members of a ZIP container (DOCX, ODT) without trusting its headers.

A ZIP header states each member's uncompressed size, but a forged header can state 10 MB for a
member that inflates to 1 GB, and ``ZipFile.read`` inflates a member in one call. Here a member
is inflated in small chunks and counted by the bytes it really yields: reading stops with a
``ReadError`` as soon as it passes ``limit`` bytes or expands more than ``max_ratio`` times its
compressed size (the zip-bomb guard of Apache POI's ``ZipSecureFile``: a minimum inflate ratio
of 0.01, i.e. at most 100 times).
"""

from __future__ import annotations

import zipfile
import zlib

from opis.errors import ReadError

CHUNK = 1 << 16
MAX_RATIO = 100  # a member may inflate at most this many times its compressed size ...
RATIO_FLOOR = 1 << 20  # ... once it has yielded more than this many bytes (small parts may be sparse)


def read_member(zf: zipfile.ZipFile, name: str, path: str, limit: int, max_ratio: int = MAX_RATIO,
                kind: str = "ZIP") -> bytes:
    """The bytes of member ``name``, inflated with a cap on their real size (ReadError past it)."""
    info = zf.getinfo(name)
    if info.file_size > limit:
        raise ReadError(f"{name} is {info.file_size:,} bytes uncompressed: refused as too large", path)
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):  # others inflate unbounded
        raise ReadError(f"{name} uses an unsupported compression method ({info.compress_type})", path)
    ceiling = max(info.compress_size * max_ratio, RATIO_FLOOR)
    out = bytearray()
    try:
        with zf.open(info) as fh:
            while chunk := fh.read(CHUNK):
                out += chunk
                if len(out) > limit:
                    raise ReadError(f"{name} inflates past {limit:,} bytes: refused as too large", path)
                if len(out) > ceiling:
                    raise ReadError(
                        f"{name} inflates over {max_ratio} times its compressed size: refused as a zip bomb",
                        path,
                    )
    except ReadError:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, ValueError,
            NotImplementedError) as exc:  # RuntimeError: encrypted member
        raise ReadError(f"corrupt {kind}: cannot extract {name} ({exc})", path) from exc
    return bytes(out)
