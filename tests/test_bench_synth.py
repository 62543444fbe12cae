"""The web benchmark's synthetic archive (``bench/synth.py``): records made from the ingested seeds
are valid records (every span inside the text, mention surfaces equal to the text they point at),
written through the store, with a long-tailed entity distribution."""

from __future__ import annotations

import importlib.util
import sys
from collections import Counter
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def synth():
    spec = importlib.util.spec_from_file_location("bench_synth", REPO / "bench" / "synth.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules["bench_synth"] = mod  # (its dataclasses look their module up while being made)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def templates(synth, seed_db):
    return synth.load_templates(seed_db.path)


N = 60


@pytest.fixture(scope="module")
def built(synth, templates, tmp_path_factory):
    from opis.store import Store

    db = tmp_path_factory.mktemp("synth") / "synth.db"
    report = synth.build(db, N, templates, batch=25, progress=None)
    store = Store(db)
    yield report, store
    store.close()


def test_templates_are_the_ingested_seeds(templates, seed_records):
    assert len(templates) == len(seed_records)
    assert {t.kind for t in templates} == {"record", "article"}  # the seeds hold both


def test_every_record_is_stored_and_consistent(synth, built, templates):
    report, store = built
    assert store.count() == N == report.written
    docs = list(store.iter_documents())
    assert len({d.id for d in docs}) == N
    assert len({d.provenance.sha256 for d in docs}) == N
    replaced = 0
    for doc in docs:
        assert synth.span_problems(doc) == [], doc.id
        for m in doc.mentions:
            if m.note is None and m.start is not None:
                assert doc.text[m.start:m.end] == m.surface
        replaced += sum(1 for m in doc.mentions if m.entity_id and "~" in m.entity_id and m.entity_id not in
                        {e.id for t in templates for e in t.doc.entities})
        for c in doc.claims:
            if c.quantity and c.quantity.start is not None and c.note is None:
                assert 0 <= c.quantity.start <= c.quantity.end <= len(doc.text)
    assert replaced > 0  # synthetic entities were drawn, and their words written into the text


def test_dates_moved_into_the_range(synth, built, templates):
    _report, store = built
    years = [int(d.date.earliest[:4]) for d in store.iter_documents() if d.date.earliest]
    assert years and all(synth.YEARS[0] <= y <= synth.YEARS[1] for y in years)
    assert len(set(years)) > 10  # spread, not the templates' few years


def test_entity_distribution_has_a_head_and_a_long_tail(built):
    report, store = built
    counts = report.entity_docs
    assert counts and max(counts.values()) >= 0.2 * N  # some entities are in many documents
    singles = sum(1 for v in counts.values() if v == 1)
    assert singles >= 0.3 * len(counts)  # most are rare
    # the store's mention rows agree with what the builder counted
    stored = Counter()
    for doc in store.iter_documents():
        stored.update({m.entity_id for m in doc.mentions if m.entity_id})
    assert stored == counts


def test_generation_is_deterministic(synth, templates):
    a = [(d.id, d.text, d.date.edtf) for d in synth.iter_documents(templates, 8)]
    b = [(d.id, d.text, d.date.edtf) for d in synth.iter_documents(templates, 8)]
    assert a == b


def test_template_cache_key_follows_the_files(synth, tmp_path):
    f = tmp_path / "t.txt"
    f.write_text("one", encoding="utf-8")
    before = synth.source_hash([f])
    f.write_text("two", encoding="utf-8")
    assert synth.source_hash([f]) != before


def test_every_mentioned_entity_is_an_entity_of_the_record(synth, templates):
    """A footnote mention keeps its entity when the body's mentions of it are redrawn: that
    entity stays in the record's entities (else the store would count the document under it
    only once another document stores the entity, and ``opis check`` would find the counts off)."""
    notes = 0
    for doc in synth.iter_documents(templates, N):
        ids = {e.id for e in doc.entities}
        for m in doc.mentions:
            assert m.entity_id is None or m.entity_id in ids, (doc.id, m)
            notes += m.note is not None and m.entity_id is not None
    assert notes  # (the seeds' article has footnotes naming entities)


def test_counts_kept_per_document_agree_with_a_recount(synth, templates, tmp_path):
    from opis.store import Store, aggregates

    db = tmp_path / "each.db"
    synth.build(db, N, templates, batch=25, bulk=False, progress=None)
    with Store(db) as store:
        assert aggregates.problems(store.conn) == []
