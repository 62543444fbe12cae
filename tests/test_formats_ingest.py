"""End to end: a seed printed to PDF and scanned at 300 dpi ingests to the record of its text file;
a Russian report gets its language; bad files fail with a message and the batch goes on."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import SEEDS
from formats_render import cer, render_pdf, render_scans, save_scans
from opis.ingest import ingest_paths
from opis.pipeline import Pipeline, process
from opis.readers import ReadOptions, read

DATA = Path(__file__).parent / "data" / "formats"
RUSSIAN = DATA / "nkvd_report_ru.txt"

# The stages that make the record's metadata (the rest add mentions, claims ... on the same text).
METADATA_PIPELINE = Pipeline(["boilerplate", "metadata", "language", "apparatus", "archrefs", "dates"])
SAME_FIELDS = ["date", "doc_type", "recipients", "authors", "classification", "document_number",
               "original_language", "languages", "funders", "summary", "source_url", "record_id", "rights",
               "archival_refs", "translators", "contributors"]


def record(path: Path, **options) -> dict:
    return process(read(path, ReadOptions(**options)), METADATA_PIPELINE).to_dict()


def comparable(rec: dict, field: str):
    value = rec[field]
    if field == "date":
        return {k: value[k] for k in ("edtf", "earliest", "latest", "precision")}
    if field == "archival_refs":
        return [{k: r[k] for k in ("archive", "fond", "opis", "delo", "folios")} for r in value]
    if field in ("authors", "recipients"):
        return [a["name"] for a in value]
    if field == "summary" and value:
        return re.sub(r"\s+", " ", value)
    return value


class Printed:
    """Seeds printed to PDF and scanned to multi-page TIFF, and their records; made on first use."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.cache: dict[tuple[str, str], dict] = {}

    def __getitem__(self, key: tuple[str, str]) -> dict:
        if key not in self.cache:
            prefix, kind = key
            if kind == "text":
                path = SEEDS[prefix]
            else:
                text = SEEDS[prefix].read_text(encoding="utf-8")
                path = (render_pdf(text, self.folder / f"{prefix}.pdf") if kind == "pdf"
                        else save_scans(render_scans(text), self.folder / f"{prefix}.tif"))
            self.cache[key] = record(path)
        return self.cache[key]


@pytest.fixture(scope="module")
def records(tmp_path_factory):
    return Printed(tmp_path_factory.mktemp("printed"))


CASES = [("000", "pdf"), ("004", "pdf"), pytest.param("000", "scan", marks=pytest.mark.slow),
         pytest.param("004", "scan", marks=pytest.mark.slow)]


@pytest.mark.parametrize(("prefix", "kind"), CASES)
def test_printed_seed_has_the_metadata_of_the_text_file(records, prefix, kind):
    text_rec, other = records[(prefix, "text")], records[(prefix, kind)]
    assert other["provenance"]["format"] == ("pdf" if kind == "pdf" else "image")
    assert other["provenance"]["layout"] == text_rec["provenance"]["layout"] == "archive_record"
    for field in SAME_FIELDS:
        assert comparable(other, field) == comparable(text_rec, field), field
    if kind == "pdf":
        assert other["title"] == text_rec["title"]
    else:  # OCR may drop a dot between initials ("V.M." -> "VM.")
        assert cer(text_rec["title"], other["title"]) <= 0.02
    pages = other["page_info"]
    assert pages and all(p["lang"] == "en" for p in pages)
    if kind == "scan":
        assert all(p["ocr_confidence"] > 85 and not p["low_confidence"] for p in pages)


def test_russian_report_language_and_date():
    rec = record(RUSSIAN)
    assert rec["languages"] == ["ru"]
    assert rec["date"]["edtf"] == "1945-09-12"
    assert rec["document_number"] == "1102/б"


def test_russian_report_archival_reference():
    refs = record(RUSSIAN)["archival_refs"]
    assert [(r["archive"], r["fond"], r["opis"], r["delo"], r["folios"]) for r in refs] == [
        ("GARF", "Р-9401", "2", "98", ["377-379"])]


@pytest.mark.slow
def test_russian_report_scanned_reads_as_russian(tmp_path):
    scan = save_scans(render_scans(RUSSIAN.read_text(encoding="utf-8")), tmp_path / "nkvd.png")
    rec = record(scan)
    assert rec["languages"] == ["ru"]
    assert rec["page_info"][0]["lang"] == "ru"
    assert rec["date"]["edtf"] == "1945-09-12"


def test_bad_files_fail_cleanly_and_the_batch_goes_on(tmp_path, store):
    batch = tmp_path / "batch"
    batch.mkdir()
    good = render_pdf(RUSSIAN.read_text(encoding="utf-8"), batch / "a_good.pdf")
    (batch / "b_corrupt.pdf").write_bytes(good.read_bytes()[:300])
    (batch / "c_empty.pdf").write_bytes(b"")
    (batch / "d_huge.pdf").write_bytes(b"%PDF-1.4\n" + b"0" * 300_000)
    from fpdf import FPDF

    locked = FPDF()
    locked.add_page()
    locked.set_font("helvetica", size=12)
    locked.cell(text="Secret")
    locked.set_encryption(owner_password="o", user_password="u")
    locked.output(str(batch / "e_encrypted.pdf"))
    (batch / "f_not_an_image.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00garbage" * 50)
    (batch / "g_after.txt").write_text("A note written after the bad files.\n\nIt is still ingested.",
                                       encoding="utf-8")

    results = {Path(r.path).name: r for r in ingest_paths(store, [batch], ReadOptions(max_bytes=200_000))}
    assert results["a_good.pdf"].status == "added"
    assert results["g_after.txt"].status == "added"
    errors = {name: r.error for name, r in results.items() if r.status == "error"}
    assert set(errors) == {"b_corrupt.pdf", "c_empty.pdf", "d_huge.pdf", "e_encrypted.pdf",
                           "f_not_an_image.png"}
    assert "corrupt PDF" in errors["b_corrupt.pdf"]
    assert errors["c_empty.pdf"] == "empty file"
    assert "200,000-byte limit" in errors["d_huge.pdf"]
    assert "encrypted PDF" in errors["e_encrypted.pdf"]
    assert "image" in errors["f_not_an_image.png"]


@pytest.mark.slow
def test_slow_scan_hits_the_time_limit_and_the_batch_goes_on(tmp_path, store):
    batch = tmp_path / "batch"
    batch.mkdir()
    save_scans(render_scans(RUSSIAN.read_text(encoding="utf-8")), batch / "a_scan.png")
    (batch / "b_note.txt").write_text("A short note that needs no OCR.", encoding="utf-8")
    results = {Path(r.path).name: r for r in ingest_paths(store, [batch], ReadOptions(timeout=0.3))}
    assert results["a_scan.png"].status == "error"
    assert "time limit of 0.3 s exceeded" in results["a_scan.png"].error
    assert results["b_note.txt"].status == "added"
