"""``opis ingest --jobs N`` (issue 16): files extracted by N worker processes at once, stored by
one writer in the files' order, with the same records as one at a time."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from opis import ingest_worker
from opis.archive import Archive

DEV = Path(__file__).parent / "data" / "dev" / "corpus"


def _records(db: Path) -> dict[str, str]:
    with Archive(db) as archive:
        out = {}
        for doc in archive.documents():
            rec = doc.to_dict()
            rec.get("provenance", {}).pop("ingested_at", None)
            out[rec["id"]] = json.dumps(rec, sort_keys=True)
        return out


def test_two_jobs_store_the_same_records_in_the_files_order(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for page in sorted(DEV.glob("*.txt"))[:8]:
        shutil.copy(page, corpus / page.name)
    (corpus / "broken.pdf").write_bytes(b"%PDF-1.4 not really a PDF")
    with Archive(tmp_path / "one.db") as archive:
        one = list(archive.ingest([corpus]))
    with Archive(tmp_path / "two.db") as archive:
        two = list(archive.ingest([corpus], jobs=2))
        assert {key[1] for key in ingest_worker._workers} >= {0, 1}  # two worker processes took files
    assert [r.path for r in two] == [r.path for r in one] == sorted(str(p) for p in corpus.iterdir())
    assert [r.status for r in two] == [r.status for r in one]
    assert [r.status for r in two].count("added") == 8
    broken = next(r for r in two if r.path.endswith("broken.pdf"))
    assert broken.status == "error" and "PDF" in broken.error
    assert _records(tmp_path / "one.db") == _records(tmp_path / "two.db")
    with Archive(tmp_path / "two.db") as archive:  # a second run finds everything stored
        again = list(archive.ingest([corpus], jobs=2))
    assert [r.status for r in again if not r.path.endswith(".pdf")] == ["unchanged"] * 8


def test_a_long_file_at_the_head_of_the_line_leaves_the_other_job_files_to_extract(tmp_path, monkeypatch):
    """With ``--jobs 2`` the files are written in order, but one long file being extracted first
    must not leave the other extraction process idle: it goes on with the files behind it (here
    the first file's extraction waits until 8 others are extracted; a window of 2 * jobs files in
    flight would leave it waiting for ever)."""
    import threading

    from opis import ingest

    pages = [str(p) for p in sorted(DEV.glob("*.txt"))[:12]]
    real = ingest.extract_file
    others, lock, enough = [], threading.Lock(), threading.Event()

    def long_first(source, options, pipeline, corrections, slot=0):
        if source.path == pages[0]:
            enough.wait(60)
        out = real(source, options, pipeline, corrections, slot=slot)
        if source.path != pages[0]:
            with lock:
                others.append(source.path)
                if len(others) >= 8:
                    enough.set()
        return out

    monkeypatch.setattr(ingest, "extract_file", long_first)
    with Archive(tmp_path / "h.db") as archive:
        results = list(archive.ingest(pages, jobs=2))
    assert enough.is_set(), f"only {len(others)} other files were extracted while the first one was"
    assert [r.path for r in results] == pages and {r.status for r in results} == {"added"}
