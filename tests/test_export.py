"""Exports of the sample corpus: Chicago citations equal to citations written by hand from the
Chicago Manual of Style (17th ed.), BibTeX/RIS/CSL-JSON that keep the archival signature where
reference managers show it and round-trip, TEI/JSON-LD/GeoJSON/CSV content, and the inline
markup of the source. (The third-party tools' verdicts: tests/test_export_acceptance.py.)"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import bibtexparser
import jsonschema
import pytest
import rispy
from bibtexparser.middlewares import SeparateCoAuthors, SplitNameParts
from lxml import etree

from opis import inline
from opis.export import ExportError, export, export_all
from opis.export.bibtex import escape, unescape
from opis.export.chicago import page_range, render_html
from opis.export.csv import CLAIM_COLUMNS, DOCUMENT_COLUMNS, ENTITY_COLUMNS
from opis.model import Document

SCHEMA = json.loads((Path(__file__).resolve().parent.parent / "src/opis/export/csl-data.json").read_text())
TEI = {"t": "http://www.tei-c.org/ns/1.0"}
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
PREFIXES = ["000", "001", "002", "003", "004"]

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

# The five samples' citations, written by hand from the manual (not from opis' output):
# archival item in the digital archive's order (14.232-14.241): "Title," (comma inside the closing
# quotation mark, 6.9), date as month day, year, the digital archive, the holding archive and the
# signature (folio ranges with an en dash, 6.78), the credits as the archive words them, the URL
# as is with a final period (14.6, 14.18). Sample 000 and 003 are pages saved without their
# address: no URL, but the digital archive still named (its rights statement names its program).
# The article: bibliography form (14.171), first author inverted, "Title." with the period
# inside, journal in italics (plain here), volume, no., (month year), page range abbreviated (9.64).
CHICAGO = {
    "000": "“Report from L. Beria to Cde. I.V. Stalin, V.M. Molotov, and Cde. G.M. Malenkov,” September 5, 1945, "
           "Wilson Center Digital Archive, GARF, Fond R-9401ss, Opis' 2, Delo 98, 377–379. "
           "Obtained by Jamil Hasanli and translated by Gary Goldberg.",
    "001": "“The Soviet Document which the Soviet Ambassador Personally Presented to Vice Minister Zhang Hanfu "
           "(Translation),” April 30, 1962, Wilson Center Digital Archive, PRC FMA 118-01764-05, 39–42. "
           "Translated by 7Brands. https://wilson-center-digital-archive.dvincitest.com/document/121617.",
    "002": "Ablazhey, Natalia N., and Albina S. Zhanbossinova. “Kazakh-Xinjiang Section of Soviet-Chinese Border in "
           "the Second Half of the 1920s – the First Half of the 1930s: Border and Passport Regimes, Illegal "
           "Migration, and Economic Practices of the Population.” RUDN Journal of Russian History 25, no. 2 "
           "(May 2026): 268–83. https://doi.org/10.22363/2312-8674-2026-25-2-268-283.",
    "003": "“Memorandum Given to Vice Minister Zhang Hanfu by the Soviet Ambassador (Translation),” April 24, 1962, "
           "Wilson Center Digital Archive, PRC FMA 118-01764-04, 11. Translated by 7Brands.",
    "004": "“Antonov to Marshal Malinovsky, the Commanding General of the Transbaykal-Amur Military District,” "
           "November 16, 1945, Wilson Center Digital Archive, RGASPI, f. 558, op. 11, d. 98, ll. 0144. "
           "Contributed by Sergey Radchenko and translated by Gary Goldberg. "
           "https://digitalarchive.umd.edu/document/208925.",
}


@pytest.fixture(scope="module")
def records(seed_records):
    return seed_records


@pytest.fixture(scope="module")
def docs(seed_records):
    return {p: Document.from_dict(r) for p, r in seed_records.items()}


# --- Chicago -----------------------------------------------------------------------------


@pytest.mark.parametrize("prefix", PREFIXES)
def test_chicago_equals_the_citation_written_from_the_manual(records, prefix):
    assert export(records[prefix], "chicago") == CHICAGO[prefix]


def test_chicago_on_the_page_italicises_the_journal(docs):
    html = str(render_html(docs["002"]))
    assert "<em>RUDN Journal of Russian History</em> 25, no. 2" in html
    assert "*" not in html and "*" not in export(docs["002"], "chicago")


def test_chicago_rules_on_records_the_samples_do_not_cover():
    undated_question = {**HANDMADE, "title": "Who crossed the border?", "date": {}, "source_url": None,
                        "credits": [], "contributors": [], "translators": [],
                        "archival_refs": [{"raw": "f. 5, op. 1, d. 7, ll. 12-14", "kind": "archival", "archive": "AP RK",
                                           "archive_name": "Archive of the President of the Republic of Kazakhstan",
                                           "fond": "5", "opis": "1", "delo": "7", "folios": ["12-14"]}]}
    # no comma after a title ending in "?", "n.d.", the archive put before a signature that lacks it
    assert export(undated_question, "chicago") == (
        "“Who crossed the border?” n.d., Archive of the President of the Republic of Kazakhstan, "
        "f. 5, op. 1, d. 7, ll. 12–14.")
    approximate = {**undated_question, "title": "Report", "date": {"edtf": "1920~"}}
    assert export(approximate, "chicago").startswith("“Report,” ca. 1920, ")
    # a quotation ending the title takes the comma inside both marks (6.9); an apostrophe does not
    nested = {**approximate, "title": "Cable from the Foreign Ministry, ‘On Our Attitude towards Hungary’"}
    assert export(nested, "chicago").startswith("“Cable from the Foreign Ministry, ‘On Our Attitude towards Hungary,’” ca.")
    inner = {**approximate, "title": 'Briefing ("Interview with Soviet Television")'}
    assert export(inner, "chicago").startswith("“Briefing (‘Interview with Soviet Television’),” ca.")
    apostrophe = {**approximate, "title": "Appeal to the Soldiers’"}
    assert export(apostrophe, "chicago").startswith("“Appeal to the Soldiers’,” ca.")
    # an identifier with hyphens is not a range: it keeps its hyphens
    assert "PRC FMA 118-01764-05, 39–42" in CHICAGO["001"]


@pytest.mark.parametrize("pages,expected", [  # the manual's own examples (9.64)
    ("3-10", "3–10"), ("71-72", "71–72"), ("96-117", "96–117"), ("100-104", "100–104"), ("1100-1113", "1100–1113"),
    ("101-108", "101–8"), ("808-33", "808–33"), ("1103-1104", "1103–4"), ("321-328", "321–28"),
    ("498-532", "498–532"), ("1087-1089", "1087–89"), ("1496-1500", "1496–500"), ("11564-11615", "11564–615"),
    ("12991-13001", "12991–3001"), ("268-283", "268–83")])
def test_page_ranges_abbreviated_as_the_manual_does(pages, expected):
    assert page_range(pages) == expected


# --- inline markup ---------------------------------------------------------------------


def test_inline_emphasis_in_each_output():
    note = "*Ibid.*, op. 166, d. 576, l. 11–14; see *RUDN Journal* & **bold** <b>"
    assert inline.to_plain(note) == "Ibid., op. 166, d. 576, l. 11–14; see RUDN Journal & bold <b>"
    assert str(inline.to_html(note)) == ("<em>Ibid.</em>, op. 166, d. 576, l. 11–14; see <em>RUDN Journal</em> "
                                         "&amp; <strong>bold</strong> &lt;b&gt;")
    assert inline.to_latex("*Ibid.* 50%", escape) == r"\emph{Ibid.} 50\%"
    # not emphasis: arithmetic, a footnote star, asterisks inside a word
    for text in ("5 * 3 = 15 * 1", "the word*", "a*b*c", "***"):
        assert inline.to_plain(text) == text and str(inline.to_html(text)) == text
    # a snippet cut inside an emphasised title: the lone mark is dropped there, kept elsewhere
    assert inline.to_plain("in the *Journal of", cut=True) == "in the Journal of"
    assert inline.to_plain("in the *Journal of") == "in the *Journal of"
    # a highlighted word inside an emphasised title: the elements nest, the marks are gone
    snippet = "O. Mozokhin, *VCHK – OGPU* [x], 5"
    assert str(inline.to_html(snippet, cut=True, highlight=(14, 18))) == (
        "O. Mozokhin, <mark><em>VCHK</em></mark><em> – OGPU</em> [x], 5")


# --- BibTeX, RIS, CSL-JSON ----------------------------------------------------------------


def _bib(text: str) -> dict:
    lib = bibtexparser.parse_string(text, append_middleware=[SeparateCoAuthors(), SplitNameParts()])
    assert not lib.failed_blocks
    (entry,) = lib.entries
    return {k: v.value for k, v in entry.fields_dict.items()}


def _expected(record: dict) -> dict:
    return {
        "title": record["title"], "date": (record.get("date") or {}).get("edtf"),
        "authors": [a["name"] for a in record.get("authors") or []],
        "archive": (record.get("archival_refs") or [{}])[0].get("archive"),
        "signature": (record.get("archival_refs") or [{}])[0].get("raw", "").rstrip(".") or None,
        "url": record.get("source_url") or (f"https://doi.org/{record['doi']}" if record.get("doi") else None),
    }


@pytest.mark.parametrize("prefix", PREFIXES)
def test_bibtex_keeps_the_signature_where_biblatex_prints_it(records, prefix):
    rec, exp = records[prefix], _expected(records[prefix])
    f = _bib(export(rec, "bibtex"))
    assert unescape(f["title"].strip("{}")) == exp["title"]
    assert f.get("date") == exp["date"] and f.get("url") == exp["url"]
    assert [n.last[-1] for n in f.get("author", [])] == [a.split()[-1] for a in exp["authors"]]
    if exp["signature"]:  # note: printed by biblatex's standard styles; archive: for Zotero/JabRef
        assert unescape(f["note"]) == exp["signature"] and unescape(f["archive"]) == exp["archive"]
        assert unescape(f["howpublished"]) == "Wilson Center Digital Archive"
    else:
        assert "note" not in f and "howpublished" not in f


def test_bibtex_special_characters_and_credits():
    f = _bib(export(HANDMADE, "bibtex"))
    assert unescape(f["title"].strip("{}")) == HANDMADE["title"]
    assert [" ".join(n.first + n.last) for n in f["author"]] == ["Лаврентий Берия", "Zhang Hanfu"]
    assert f["addendum"] == "Obtained by Sergey Radchenko and translated by Gary Goldberg"
    assert unescape(f["archive_location"]) == "f. 0100, op. 46, p. 362, d. 12, l. 28"


@pytest.mark.parametrize("prefix", PREFIXES)
def test_ris_round_trip(records, prefix):
    rec, exp = records[prefix], _expected(records[prefix])
    (entry,) = rispy.loads(export(rec, "ris"))
    assert entry["title"] == exp["title"]
    assert entry.get("name_of_database") == exp["archive"] and entry.get("accession_number") == exp["signature"]
    assert (entry.get("urls") or [None])[0] == exp["url"]
    if exp["date"]:
        assert entry["date"].rstrip("/").replace("/", "-") == exp["date"]
    assert [a.split(", ")[0] for a in entry.get("authors", [])] == [a.split()[-1] for a in exp["authors"]]


def test_ris_handmade():
    (entry,) = rispy.loads(export(HANDMADE, "ris"))
    assert entry["authors"] == ["Берия, Лаврентий", "Hanfu, Zhang"]
    assert entry["accession_number"] == "AVP RF, f. 0100, op. 46, p. 362, d. 12, l. 28"
    assert entry["notes"] == ["Obtained by Sergey Radchenko and translated by Gary Goldberg"]
    assert entry["type_of_reference"] == "MANSCPT"


@pytest.mark.parametrize("prefix", PREFIXES)
def test_csl_json_is_valid_and_keeps_archive_fields(records, prefix):
    rec, exp = records[prefix], _expected(records[prefix])
    items = json.loads(export(rec, "csl-json"))
    jsonschema.validate(items, SCHEMA)
    (item,) = items
    assert item["title"] == exp["title"] and item.get("archive") == exp["archive"] and item.get("URL") == exp["url"]
    if exp["signature"]:  # archive + archive_location give the whole signature back
        assert exp["signature"].endswith(item["archive_location"]) and exp["signature"].startswith(item["archive"])
    assert "contributor" not in item  # a variable citeproc-py does not know (it crashed on it)
    if exp["date"]:
        parts = item["issued"]["date-parts"][0]
        assert "-".join(f"{p:02d}" if i else str(p) for i, p in enumerate(parts)) == exp["date"]
    recipients = [a["name"] for a in rec.get("recipients") or []]
    assert [f"{n.get('given', '')} {n['family']}".strip() for n in item.get("recipient", [])] == recipients


def test_csl_schema_rejects_a_broken_item():
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate([{"id": "x", "type": "not-a-type"}], SCHEMA)


# --- TEI ---------------------------------------------------------------------------------


def _tei(doc) -> etree._Element:
    return etree.fromstring(export(doc, "tei").encode("utf-8"))


@pytest.mark.parametrize("prefix", PREFIXES)
def test_tei_names_point_to_authority_entries(docs, prefix):
    root = _tei(docs[prefix])
    ids = {e.get(XML_ID) for e in root.iter() if e.get(XML_ID)}
    refs = [e.get("ref") for tag in ("persName", "placeName", "orgName") for e in root.iterfind(f".//t:{tag}[@ref]", TEI)]
    assert refs and all(r[1:] in ids for r in refs)
    pointers = [v for e in root.iter() for k, v in e.attrib.items() if v.startswith("#")]  # ref, corresp, hand
    assert all(v[1:] in ids for v in pointers), [v for v in pointers if v[1:] not in ids]
    linked = {m.entity_id for m in docs[prefix].mentions if m.entity_id and m.start is not None}
    listed = {i.text for i in root.iterfind(".//t:standOff//t:idno[@type='opis']", TEI)}
    assert linked <= listed
    for e in docs[prefix].entities:
        if e.wikidata:
            entry = root.find(f".//t:standOff//*[@{{http://www.w3.org/XML/1998/namespace}}id]/t:idno[.='{e.id}']/..", TEI)
            assert entry.find("t:idno[@type='wikidata']", TEI).text.endswith(e.wikidata)


def test_tei_archive_record(docs):
    root = _tei(docs["000"])
    ident = root.find(".//t:msIdentifier", TEI)
    assert ident.find("t:repository", TEI).get("key") == "GARF"
    assert [(i.get("type"), i.text) for i in ident.findall("t:idno", TEI)] == [
        ("fond", "R-9401ss"), ("opis", "2"), ("delo", "98"), ("folios", "377-379")]
    assert ident.find("t:altIdentifier/t:idno", TEI).text == "GARF, Fond R-9401ss, Opis' 2, Delo 98, 377-379"
    body = root.find(".//t:body", TEI)
    text = "".join(body.itertext())
    # apparatus: [sic] becomes <sic> around its word, glosses and insertions lose their brackets
    assert root.find(".//t:sic", TEI) is not None and "[sic]" not in text
    assert [g.text for g in body.iterfind(".//t:gloss", TEI)][:3] == ["Jing", "Tacheng", "Emin"]
    assert body.find(".//t:supplied", TEI).text == "The following" and "[The following]" not in text
    received = root.findall(".//t:correspAction[@type='received']/t:persName", TEI)
    assert [p.text for p in received] == ["Joseph Stalin", "Vyacheslav Molotov", "Georgy Malenkov"]
    assert "Born digital" not in export(docs["000"], "tei")
    assert "protected]" not in export(docs["000"], "tei")


def test_tei_article(docs, records):
    root = _tei(docs["002"])
    notes = root.findall(".//t:body//t:note[@place='foot']", TEI)
    assert [n.get("n") for n in notes] == [str(n["n"]) for n in records["002"]["notes"]]
    assert notes[0].find("t:hi[@rend='italic']", TEI).text.startswith("VCHK – OGPU")
    heads = ["".join(h.itertext()) for h in root.iterfind(".//t:body/t:div/t:head", TEI)]
    assert heads[0] == "Introduction" and "Conclusion" in heads
    assert len(root.findall(".//t:back//t:listBibl[1]/t:bibl", TEI)) == len(records["002"]["bibliography"])
    assert root.find(".//t:biblStruct//t:idno[@type='DOI']", TEI).text == records["002"]["doi"]


# --- JSON-LD ------------------------------------------------------------------------------


def test_jsonld_recipients_authority_ids_and_no_email_placeholder(records):
    ld = json.loads(export(records["000"], "json"))
    assert [r["name"] for r in ld["recipient"]] == ["Joseph Stalin", "Vyacheslav Molotov", "Georgy Malenkov"]
    assert ld["recipient"][0]["@id"] == "http://www.wikidata.org/entity/Q855"
    assert ld["holdingArchive"]["identifier"] == "GARF"
    assert "protected]" not in json.dumps(ld) and ld["dc:rights"].endswith("History and Public Policy Program.")
    ld4 = json.loads(export(records["004"], "json"))
    assert ld4["@type"] == "ArchiveComponent" and ld4["dc:date"] == "1945-11-16"
    places = [m for m in ld4["mentions"] if m["@type"] == "Place"]
    assert places and all("geo" in p for p in places if p["identifier"].startswith("place:"))


# --- GeoJSON and CSV ------------------------------------------------------------------------


def test_geojson_places_documents_and_counts(docs):
    fc = json.loads(export_all(docs.values(), "geojson")["places.geojson"])
    by_id = {f["id"]: f for f in fc["features"]}
    for doc in docs.values():
        for e in doc.entities:
            if e.type != "PLACE":
                continue
            if e.lat is None:
                assert e.id not in by_id
                continue
            f = by_id[e.id]
            assert f["geometry"]["coordinates"] == [e.lon, e.lat]
            row = next(d for d in f["properties"]["document_list"] if d["id"] == doc.id)
            assert row["mentions"] == sum(1 for m in doc.mentions if m.entity_id == e.id)
    for f in fc["features"]:
        assert f["properties"]["documents"] == len(f["properties"]["document_list"])


def test_csv_tables_and_their_documented_columns(docs):
    files = export_all(docs.values(), "csv")
    assert set(files) == {"documents.csv", "entities.csv", "claims.csv"}
    rows = {name: list(csv.DictReader(io.StringIO(text))) for name, text in files.items()}
    assert [r["id"] for r in rows["documents.csv"]] == [d.id for d in docs.values()]
    assert len(rows["claims.csv"]) == sum(len(d.claims) for d in docs.values())
    for name, columns in (("documents.csv", DOCUMENT_COLUMNS), ("entities.csv", ENTITY_COLUMNS),
                          ("claims.csv", CLAIM_COLUMNS)):
        assert list(rows[name][0]) == columns
    cited = {r["id"]: r["citation"] for r in rows["documents.csv"]}
    assert cited[docs["004"].id] == CHICAGO["004"]
    guide = (Path(__file__).resolve().parent.parent / "docs/guide/exports.md").read_text(encoding="utf-8")
    for column in DOCUMENT_COLUMNS + ENTITY_COLUMNS + CLAIM_COLUMNS:
        assert f"`{column}`" in guide, column


def test_csv_cells_cannot_run_as_formulas():
    doc = Document.from_dict({**HANDMADE, "title": "=HYPERLINK(\"http://x\")", "summary": "-5"})
    (row,) = csv.DictReader(io.StringIO(export(doc, "csv")))
    assert row["title"] == "'=HYPERLINK(\"http://x\")" and row["summary"] == "-5"


def test_formats_that_take_one_document_and_unknown_formats(docs):
    with pytest.raises(ExportError, match="one document at a time"):
        export_all(docs.values(), "tei")
    with pytest.raises(ExportError, match="unknown export format 'docx'"):
        export(HANDMADE, "docx")
