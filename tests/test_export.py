"""Citation exports: Chicago as the digital archive prints it; BibTeX/RIS/CSL-JSON round trips."""

from __future__ import annotations

import json
from pathlib import Path

import bibtexparser
import jsonschema
import pytest
import rispy
from bibtexparser.middlewares import SeparateCoAuthors, SplitNameParts
from lxml import etree

from conftest import SEEDS
from opis.export import ExportError, export
from opis.export.bibtex import unescape
from opis.ingest import ingest_file
from opis.pipeline import Pipeline
from opis.store import Store

SCHEMA = json.loads((Path(__file__).resolve().parent.parent / "src/opis/export/csl-data.json").read_text())
STAGES = ["boilerplate", "metadata", "language", "apparatus", "archrefs", "notes"]

# A record as the store holds it, written for this test: Cyrillic names and BibTeX special characters.
HANDMADE = {
    "id": "abc123def4567890",
    "title": "Report on the {Ili} & Tacheng exodus: 50% crossed_over #2",
    "date": {"edtf": "1962-05-02", "earliest": "1962-05-02", "latest": "1962-05-02"},
    "authors": [{"name": "Лаврентий Берия"}, {"name": "Zhang Hanfu"}],
    "translators": ["Gary Goldberg"],
    "contributors": ["Sergey Radchenko"],
    "source_url": "https://digitalarchive.wilsoncenter.org/document/121617",
    "record_id": "121617",
    "archival_refs": [{"raw": "AVP RF, f. 0100, op. 46, p. 362, d. 12, l. 28", "kind": "archival", "archive": "AVP RF",
                       "fond": "0100", "opis": "46", "delo": "12", "folios": ["28"]}],
    "provenance": {"layout": "archive_record", "path": "x.html", "sha256": "0" * 64, "format": "html",
                   "reader": "opis.readers.html"},
}


@pytest.fixture(scope="module")
def records(tmp_path_factory):
    store = Store(tmp_path_factory.mktemp("exp") / "e.db")
    pipe = Pipeline(STAGES)
    out = {}
    for prefix, path in SEEDS.items():
        r = ingest_file(store, str(path), None, pipe)
        assert r.status == "added", r.to_dict()
        out[prefix] = store.get_dict(r.id)
    store.close()
    return out


def _bib_roundtrip(text: str) -> dict:
    lib = bibtexparser.parse_string(text, append_middleware=[SeparateCoAuthors(), SplitNameParts()])
    assert not lib.failed_blocks
    (entry,) = lib.entries
    f = {k: v.value for k, v in entry.fields_dict.items()}
    return {
        "title": unescape(f["title"].strip("{}")),
        "date": f.get("date"),
        "authors": [" ".join(n.first + n.last) for n in f.get("author", [])],
        "archive": unescape(f["archive"]) if "archive" in f else None,
        "url": f.get("url"),
    }


def _expected(record: dict) -> dict:
    d = (record.get("date") or {}).get("edtf")
    return {
        "title": record["title"],
        "date": d,
        "authors": [a["name"] for a in record.get("authors") or []],
        "archive": (record.get("archival_refs") or [{}])[0].get("archive"),
        "url": record.get("source_url") or (f"https://doi.org/{record['doi']}" if record.get("doi") else None),
    }


def test_chicago_matches_the_archive_printed_citation(records):
    # seed 004 prints: "Title", November 16, 1945, Wilson Center Digital Archive, RGASPI, f. 558, ... <URL>
    text = export(records["004"], "chicago")
    printed = next(ln for ln in SEEDS["004"].read_text(encoding="utf-8").splitlines() if ln.startswith('"Antonov'))
    head = printed.split(". Contributed by")[0]
    assert text.startswith(head + ".")
    assert "translated by Gary Goldberg." in text
    assert text.endswith("<https://digitalarchive.umd.edu/document/208925>")


def test_chicago_article(records):
    text = export(records["002"], "chicago")
    assert text.startswith("Ablazhey, Natalia N., and Albina S. Zhanbossinova.")
    assert "*RUDN Journal of Russian History* 25, no. 2 (2026): 268–283." in text
    assert text.endswith("https://doi.org/10.22363/2312-8674-2026-25-2-268-283.")


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_bibtex_round_trip(records, prefix):
    rec = records[prefix]
    back = _bib_roundtrip(export(rec, "bibtex"))
    exp = _expected(rec)
    assert back["title"] == exp["title"]
    assert back["date"] == exp["date"]
    assert back["authors"] == exp["authors"] or [a.split()[-1] for a in back["authors"]] == [a.split()[-1] for a in exp["authors"]]
    assert back["archive"] == exp["archive"] and back["url"] == exp["url"]


def test_bibtex_round_trip_special_characters():
    back = _bib_roundtrip(export(HANDMADE, "bibtex"))
    assert back == {**_expected(HANDMADE), "authors": ["Лаврентий Берия", "Zhang Hanfu"]}


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_ris_round_trip(records, prefix):
    rec = records[prefix]
    (entry,) = rispy.loads(export(rec, "ris"))
    exp = _expected(rec)
    assert entry["title"] == exp["title"]
    assert entry.get("name_of_database") == exp["archive"]
    assert (entry.get("urls") or [None])[0] == exp["url"]
    if exp["date"]:
        assert entry["date"].rstrip("/").replace("/", "-") == exp["date"]
    assert [a.split(", ")[0] for a in entry.get("authors", [])] == [a.split()[-1] for a in exp["authors"]]


def test_ris_handmade():
    (entry,) = rispy.loads(export(HANDMADE, "ris"))
    assert entry["title"] == HANDMADE["title"]
    assert entry["authors"] == ["Берия, Лаврентий", "Hanfu, Zhang"]
    assert entry["accession_number"] == "AVP RF, f. 0100, op. 46, p. 362, d. 12, l. 28"
    assert entry["type_of_reference"] == "MANSCPT"


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_csl_json_is_valid_and_round_trips(records, prefix):
    rec = records[prefix]
    items = json.loads(export(rec, "csl-json"))
    jsonschema.validate(items, SCHEMA)
    (item,) = items
    exp = _expected(rec)
    assert item["title"] == exp["title"] and item.get("archive") == exp["archive"] and item.get("URL") == exp["url"]
    if exp["date"]:
        assert "-".join(f"{p:02d}" if i else str(p) for i, p in enumerate(item["issued"]["date-parts"][0])) == exp["date"]


def test_csl_schema_rejects_a_broken_item():
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate([{"id": "x", "type": "not-a-type"}], SCHEMA)


def test_tei_and_jsonld(records):
    root = etree.fromstring(export(records["000"], "tei").encode("utf-8"))
    ns = {"t": "http://www.tei-c.org/ns/1.0"}
    assert root.find(".//t:titleStmt/t:title", ns).text == records["000"]["title"]
    assert root.find(".//t:msIdentifier/t:repository", ns).text == "GARF"
    assert root.find(".//t:msIdentifier/t:idno[@type='fond']", ns).text == "R-9401ss"
    ld = json.loads(export(records["004"], "json"))
    assert ld["@type"] == "ArchiveComponent" and ld["holdingArchive"]["name"] == "RGASPI"
    assert ld["dc:date"] == "1945-11-16"


def test_unknown_format_is_an_error():
    with pytest.raises(ExportError, match="unknown export format 'docx'"):
        export(HANDMADE, "docx")
