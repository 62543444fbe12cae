"""Done-means on the seeds: a town found under any of its names, in any script."""

from __future__ import annotations

from pathlib import Path

import pytest

from opis.search import search


def prefixes(store, query: str, backend: str) -> set[str]:
    result = search(store, query, backend=backend, limit=20)
    return {Path(store.get_dict(h.id)["provenance"]["path"]).name[:3] for h in result.hits}


@pytest.mark.parametrize("backend", ["tantivy", "fts5"])
def test_variants_find_every_name_of_a_town(seed_db, backend):
    for name in ("Qoqek", "Chuguchak", "Чугучак", "Tacheng"):
        assert prefixes(seed_db, name, backend) == {"000", "002", "003"}, name
    assert prefixes(seed_db, "Khorgos", backend) == {"001", "002"}
    assert prefixes(seed_db, "Shenyang", backend) == {"004"}
    assert prefixes(seed_db, "Синьцзян", backend) == {"000", "001", "002", "003"}


def test_exact_switches_variants_off_and_shows_them(seed_db):
    expanded = search(seed_db, "Qoqek")
    assert {"Tacheng", "Chuguchak", "Чугучак"} <= set(expanded.expanded)
    exact = search(seed_db, "Qoqek", exact=True)
    assert exact.expanded == [] and exact.total == 1
