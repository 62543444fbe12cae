"""Variant expansion: a query term that names an authority entry also matches its other names.

``Tacheng`` → ``Chuguchak``, ``Qoqek``, ``Чугучак``, ``塔城`` … — every name, in every script,
of each entry the term names, as :func:`opis.authority.variants` returns them. Runs of plain
words are tried as multi-word names first (``Chiang Kai-shek``), longest first.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from opis.search.analysis import fold

#: longest run of query words tried as one name
MAX_NAME_WORDS = 4


def _authority_variants() -> Callable[[str], list[str]]:
    from opis.authority import variants

    return variants


@lru_cache(maxsize=20_000)
def variants(term: str) -> tuple[str, ...]:
    """Other names of the authority entries ``term`` names (not ``term`` itself); () if none."""
    lookup = _authority_variants()
    if not term.strip():
        return ()
    key = fold(term)
    out = []
    for name in lookup(term) or []:
        if name and fold(name) != key and name not in out:
            out.append(name)
    return tuple(out)


def clear_cache() -> None:
    """Forget the cached name variants (after the authority files change)."""
    variants.cache_clear()


def group_names(words: list[str]) -> list[tuple[int, int, tuple[str, ...]]]:
    """Spans ``(i, j, variants)`` of ``words[i:j]`` that name an authority entry, longest first."""
    spans: list[tuple[int, int, tuple[str, ...]]] = []
    i = 0
    while i < len(words):
        for j in range(min(len(words), i + MAX_NAME_WORDS), i, -1):
            found = variants(" ".join(words[i:j]))
            if found:
                spans.append((i, j, found))
                i = j
                break
        else:
            i += 1
    return spans
