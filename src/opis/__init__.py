"""opis: an archive workbench for historical primary sources.

The library API is :class:`opis.Archive` (``from opis import Archive``).
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"
__all__ = ["Archive", "__version__"]


def __getattr__(name: str) -> Any:
    # imported on first use: ``import opis`` (for its version, its errors) stays light
    if name == "Archive":
        from opis.archive import Archive

        return Archive
    raise AttributeError(f"module 'opis' has no attribute {name!r}")
