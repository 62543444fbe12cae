"""The file store: originals kept by content, one file per distinct content.

Uploaded files (and, later, files handed to workers) are kept under a root folder by their
SHA-256: ``<root>/sha256/ab/cd/<sha256><suffix>``. The key (the path below the root) is the
same shape an S3-compatible bucket would use, so a second backend only has to map keys to
objects. The file's suffix is kept (lower-cased) because readers pick a format by it; the
original name is kept by whoever stores the file (the uploads table), never used as a path.

Writes are atomic: a file is streamed to a temporary file in the root, hashed on the way, and
renamed into place; storing content already present writes nothing. A reader never sees a
half-written original.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from opis.errors import OpisError

CHUNK = 1024 * 1024
_SHA = re.compile(r"^[0-9a-f]{64}$")
_SUFFIX = re.compile(r"^\.[a-z0-9]{1,10}$")


class FileTooLarge(OpisError):
    """A file passed the size limit while it was being stored (nothing was kept)."""


@dataclass(frozen=True)
class StoredFile:
    """One original in the file store."""

    sha256: str
    size: int
    key: str      # path below the root: sha256/ab/cd/<sha256><suffix>
    path: Path    # where it lies on this machine
    created: bool  # False when the same content was already stored


def safe_suffix(name: str) -> str:
    """The lower-cased suffix of a file name when it is a plain one (``.pdf``), else ``""``."""
    suffix = Path(name.replace("\\", "/")).suffix.lower()
    return suffix if _SUFFIX.match(suffix) else ""


def key_for(sha256: str, suffix: str = "") -> str:
    """The store key of a content hash (and suffix)."""
    if not _SHA.match(sha256):
        raise OpisError(f"not a SHA-256 hex digest: {sha256[:80]!r}")
    if suffix and not _SUFFIX.match(suffix):
        raise OpisError(f"not a file suffix: {suffix[:20]!r}")
    return f"sha256/{sha256[:2]}/{sha256[2:4]}/{sha256}{suffix}"


class FileStore:
    """Originals on a local folder, addressed by content (see the module docstring)."""

    def __init__(self, root: str | Path):
        self.root = Path(root)

    def __repr__(self) -> str:
        return f"FileStore({str(self.root)!r})"

    def put(self, stream: BinaryIO, name: str, max_size: int | None = None) -> StoredFile:
        """Store the bytes of ``stream`` (read to its end) under their hash, keeping the suffix
        of ``name``. Raises :class:`FileTooLarge` past ``max_size`` bytes (nothing is kept)."""
        self.root.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        size = 0
        fd, tmp = tempfile.mkstemp(prefix=".upload-", dir=self.root)
        try:
            with os.fdopen(fd, "wb") as out:
                while chunk := stream.read(CHUNK):
                    size += len(chunk)
                    if max_size is not None and size > max_size:
                        raise FileTooLarge(f"{name}: larger than the limit of {max_size} bytes")
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            sha = digest.hexdigest()
            key = key_for(sha, safe_suffix(name))
            final = self.root / key
            if final.exists():
                return StoredFile(sha, size, key, final, created=False)
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp, final)
            tmp = ""
            return StoredFile(sha, size, key, final, created=True)
        finally:
            if tmp:
                with suppress(OSError):
                    os.unlink(tmp)

    def path(self, key: str) -> Path:
        """The local path of a stored key; NotFound-style OpisError when absent or not a key."""
        parts = key.split("/")
        if len(parts) != 4 or parts[0] != "sha256":
            raise OpisError(f"not a file store key: {key[:120]!r}")
        sha, _, suffix = parts[3].partition(".")
        if key != key_for(sha, "." + suffix if suffix else ""):
            raise OpisError(f"not a file store key: {key[:120]!r}")
        found = self.root / key
        if not found.is_file():
            raise OpisError(f"no stored file {key}")
        return found

    def holds(self, path: str | Path) -> str | None:
        """The key of ``path`` when it lies in this store, else None."""
        try:
            rel = Path(path).resolve().relative_to(self.root.resolve())
        except (ValueError, OSError):
            return None
        key = rel.as_posix()
        try:
            self.path(key)
        except OpisError:
            return None
        return key

