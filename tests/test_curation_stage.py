"""Curation is the last pipeline stage: corrections reach it through the run's context, read from
the store once per batch and sent to the worker process once, never queried per file."""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import SEEDS_DIR
from opis.ingest import ingest_paths
from opis.model import Document
from opis.pipeline import DEFAULT_PIPELINE, Pipeline, contract, run_context
from opis.readers import ReadOptions
from opis.store import Store

SRC = Path(__file__).resolve().parent.parent / "src" / "opis"
SEED = SEEDS_DIR / "003_f306b2d0f8b09190.txt"


def test_curation_is_the_last_default_stage_and_declares_what_it_changes():
    assert DEFAULT_PIPELINE[-1] == "curation"
    c = contract("curation")
    assert {"mentions", "entities"} <= c.requires
    assert {"mentions", "entities", "claims", "title", "date", "archival_refs"} <= c.assigns


def test_the_curation_rules_do_not_import_the_pipeline():
    tree = ast.parse((SRC / "authority" / "curation.py").read_text(encoding="utf-8"))
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert not any(m and m.startswith("opis.pipeline") for m in imported), imported


def test_the_run_context_holds_the_corrections_only_during_a_run():
    seen = []
    p = Pipeline(["boilerplate"])
    p.components.append(("_spy", lambda d: seen.append(run_context().corrections) or d))
    corr = [{"kind": "entity.rename", "args": {"id": "person:x", "label": "X"}}]
    p(Document(id="d", text="Some text."), corr)
    assert seen == [tuple(corr)]
    assert run_context().corrections == ()


def _copies(tmp_path: Path, n: int) -> list[Path]:
    text = SEED.read_text(encoding="utf-8")
    out = []
    for i in range(n):
        f = tmp_path / f"doc{i}.txt"
        f.write_text(text + f"\n\nCopy {i}.\n", encoding="utf-8")
        out.append(f)
    return out


class CountingStore(Store):
    reads = 0

    def corrections(self):
        CountingStore.reads += 1
        return super().corrections()


def test_a_batch_reads_the_corrections_once_and_the_worker_applies_them(tmp_path):
    files = _copies(tmp_path, 3)
    with Store(tmp_path / "c.db") as store:
        list(ingest_paths(store, files[:1]))
        rec = next(store.iter_records())
        zhang = next(m for m in rec["mentions"] if m["surface"] == "Zhang Hanfu")
        store.add_correction("entity.rename", {"id": zhang["entity_id"], "label": "Zhang Hanfu (curated)"})
    CountingStore.reads = 0
    with CountingStore(tmp_path / "c.db") as store:
        results = list(ingest_paths(store, files, ReadOptions(isolate=True)))
        assert [r.status for r in results] == ["unchanged", "added", "added"]
        assert CountingStore.reads == 1
        for r in results[1:]:
            labels = {e["label"] for e in store.get_dict(r.id)["entities"]}
            assert "Zhang Hanfu (curated)" in labels and "Zhang Hanfu" not in labels


class _SpyConn:
    """A worker's pipe that notes every message sent to the worker."""

    def __init__(self, conn, sent):
        self._conn, self._sent = conn, sent

    def send(self, msg):
        self._sent.append(msg)
        return self._conn.send(msg)

    def __getattr__(self, name):
        return getattr(self._conn, name)


def test_the_worker_is_sent_the_corrections_once_not_with_every_file(tmp_path, monkeypatch):
    from opis import ingest_worker

    ingest_worker.shutdown()  # a fresh worker, whose pipe is watched
    sent: list = []
    real_init = ingest_worker.Worker.__init__

    def init(self, memory_mb):
        real_init(self, memory_mb)
        self.conn = _SpyConn(self.conn, sent)

    monkeypatch.setattr(ingest_worker.Worker, "__init__", init)
    files = _copies(tmp_path, 3)
    with Store(tmp_path / "w.db") as store:
        store.add_correction("entity.rename", {"id": "person:nobody", "label": "N"})
        results = list(ingest_paths(store, files, ReadOptions(isolate=True)))
    ingest_worker.shutdown()
    assert [r.status for r in results] == ["added"] * 3
    tasks = [m for m in sent if isinstance(m, tuple)]
    assert [m[0] for m in tasks if m[0] == "corrections"] == ["corrections"]
    assert len(tasks) == 4  # the corrections, then three files
    assert all(isinstance(m[0], ingest_worker.Source) and m[0].sha256 for m in tasks[1:])
