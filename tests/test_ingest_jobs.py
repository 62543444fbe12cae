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
