"""What every search backend returns, and the facet helpers they share."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from opis.search.fields import FACETS

FACET_SIZE = 10  # labels per facet (year and decade: all)


@dataclass
class RawResult:
    """What a search engine returns: the total, the (id, score) hits of the page and the facet counts."""

    total: int
    hits: list[tuple[str, float]]  # (document id, score), best first
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    approximate: bool = False  # facet counts estimated from a sample
    # facet counting still under way (``run(..., wait=False)``): returns (facets, approximate)
    pending: Callable[[], tuple[dict[str, list[tuple[str, int]]], bool]] | None = None

    def finish(self) -> RawResult:
        """Wait for the facet counts if they are still being computed."""
        if self.pending is not None:
            self.facets, self.approximate = self.pending()
            self.pending = None
        return self


class Backend(Protocol):
    """What a search engine provides (FTS5, tantivy)."""

    name: str

    def run(self, plan, limit: int = 10, offset: int = 0, facets: bool = True, wait: bool = True,
            within: frozenset[str] | None = None) -> RawResult:
        """One page of hits for a plan, with facet counts when asked; ``wait=False`` may leave facets pending;
        ``within``: only among these document ids."""

    def bare(self, plan, limit: int = 10) -> list:
        """The bare engine call for the plan, without ranking or facets (what benchmarks compare with)."""

    def rebuild(self) -> int:
        """Rebuild the index from the stored records; returns the number of documents indexed."""


def top_facets(counts: dict[str, Counter], size: int = FACET_SIZE) -> dict[str, list[tuple[str, int]]]:
    """Facet counts in display order: year/decade chronological, the others by count."""
    out: dict[str, list[tuple[str, int]]] = {}
    for name in FACETS:
        c = counts.get(name)
        if not c:
            out[name] = []
        elif name in ("year", "decade"):
            out[name] = sorted(((k, v) for k, v in c.items() if v), key=lambda kv: kv[0])
        else:
            out[name] = sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))[:size]
    return out
