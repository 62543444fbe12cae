"""Layout recognisers: record pages (both layouts) and journal articles split into fields,
clean body text, footnotes anchored at their markers and the reference list."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import SEEDS, gold
from opis.readers import read

DATA = Path(__file__).parent / "data" / "core"
BOILERPLATE = ["Skip to content", "welcomes reuse", "Original Uploaded Date", "Record ID", "rights status"]


@pytest.mark.parametrize("prefix", ["000", "001", "003", "004"])
def test_archive_pages_have_clean_body_text(prefix):
    raw = read(SEEDS[prefix])
    assert raw.layout == "archive_record"
    for phrase in BOILERPLATE + gold(prefix).get("boilerplate_not_in_text", []):
        assert phrase not in raw.text, phrase
    # metadata blocks are fields, not text
    assert "Document Information" not in raw.text and "Citation:" not in raw.text
    assert "made possible with support" not in raw.text
    assert raw.fields["Summary"] not in raw.text
    assert "**" not in raw.text


def _best(raw, name):
    found = sorted((f for f in raw.facts if f.field == name), key=lambda f: -f.strength)
    return found[0] if found else None


def test_header_layout_seed_fields():
    raw = read(SEEDS["000"])
    assert raw.fields["Page family"] == "digital_archive"
    assert raw.fields["Page layout"] == "header"
    assert raw.fields["Date"] == "September 5, 1945"
    ref = _best(raw, "reference")
    assert ref.value == "GARF, Fond R-9401ss, Opis' 2, Delo 98, 377-379"
    assert ref.rule == "document_information.first_line"
    assert _best(raw, "classification").value == "Top Secret"
    assert [f.value for f in raw.facts if f.field == "funders_list"] == ["MacArthur Foundation"]
    assert not any(f.field == "record_id" for f in raw.facts)  # the label is there but empty
    assert raw.text.startswith("Top Secret\n\nCopy Nº 4")
    assert "The USSR NKVD requests your instructions" in raw.text
    # the header's address lines stay separate lines
    assert "to Cde. V. M. MOLOTOV\n" in raw.text


def test_every_fact_keeps_the_words_of_its_span():
    for prefix in ("000", "001", "003", "004"):
        raw = read(SEEDS[prefix])
        page = SEEDS[prefix].read_text(encoding="utf-8")
        for fact in raw.facts:
            words = " ".join(page[fact.start:fact.end].split())
            assert fact.value.split()[0].strip("*\"“").lower() in words.lower(), (prefix, fact)


def test_citation_layout_seed_fields():
    raw = read(SEEDS["004"])
    assert raw.fields["Page layout"] == "citation"
    assert raw.fields["URL"] == "https://digitalarchive.umd.edu/document/208925"
    assert raw.fields["Original Language"] == "Russian"
    assert _best(raw, "title").rule == "citation.title"
    assert raw.fields["Title"].startswith("Antonov to Marshal Malinovsky, the Commanding General")
    assert raw.text.startswith("BY CIPHER")
    assert "https://" not in raw.text


def test_page_break_inside_a_paragraph_is_joined():
    raw = read(SEEDS["001"])
    assert "They should have taken steps to stop the massive border crossing." in raw.text


def test_own_header_page():
    raw = read(DATA / "header_page.txt")
    f = raw.fields
    assert f["Title"] == "Letter from Mao Zedong to Cde. I.V. Stalin and Cde. V.M. Molotov"
    assert f["Record ID"] == "117432"
    assert _best(raw, "classification").value == "Strictly Secret"
    assert _best(raw, "classification").rule == "document_information.original_classification"
    assert f["Funders"] == "Carnegie Corporation of New York and Leon Levy Foundation"
    assert f["Summary"].startswith("Mao Zedong requests Soviet engineers")
    assert raw.text.startswith("Strictly Secret")
    assert raw.text.endswith("Mao Zedong")
    for phrase in BOILERPLATE:
        assert phrase not in raw.text


def test_own_citation_page():
    raw = read(DATA / "citation_page.txt")
    f = raw.fields
    assert f["Title"] == "Ciphered Telegram from N. V. Roshchin to A. Ya. Vyshinsky (Excerpt)"
    assert f["URL"] == "https://digitalarchive.wilsoncenter.org/document/115975"
    assert raw.text.startswith("TOP SECRET\n\nCIPHERED TELEGRAM No. 3562")
    assert "Original Scan" not in raw.text


# --- articles -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def article():
    return read(SEEDS["002"])


def test_article_splits_all_footnotes(article):
    g = gold("002")["metadata"]
    assert [n.n for n in article.notes] == list(range(1, g["footnote_count"] + 1))
    assert len(article.references) == g["reference_count"]


def test_article_notes_are_anchored_where_their_markers_stood(article):
    text = article.text
    by_n = {n.n: n for n in article.notes}
    assert text[: by_n[1].anchor].endswith("(O.B. Mozokhin")
    assert text[by_n[1].anchor:].startswith(", O.Yu. Repukhova")
    assert text[: by_n[62].anchor].endswith("three were detained, and the rest escaped")
    anchors = [n.anchor for n in article.notes]
    assert anchors == sorted(anchors)
    assert "<sup>" not in text and not re.search(r"\*\*|^#", text, re.MULTILINE)


def test_article_note_texts_keep_italics_and_archival_refs(article):
    by_n = {n.n: n.text for n in article.notes}
    assert by_n[62] == "SGA KNB RK, f. 9, op. 1, d. 438, l. 86."
    assert by_n[21].endswith("(thereafter – SGA MVD RK), f. 13, op. 1, d. 2, l. 3.")
    assert by_n[1].startswith("O. Mozokhin, *VCHK – OGPU. Karaiushchiy mech proletariata*")
    assert "19th–21st" in by_n[9]  # ordinal superscripts become plain text
    assert all("<sup>" not in t for t in by_n.values())


def test_article_body_is_only_the_body(article):
    text = article.text
    assert text.startswith("Introduction\n\nRelevance. The issue of borders")
    assert text.rstrip().endswith("circumventing state restrictions.")
    for phrase in ["Abstract", "Аннотация", "Keywords", "For citation", "Submitted:", "Information about the authors",
                   "ORCID", "orcid.org"]:
        assert phrase not in text
    # a sentence cut by a page of footnotes is whole again
    assert "In historiography there are a few works on the history" in text
    assert "approved by the Central Executive Committee of the USSR on September 7, 1923." in text


def test_article_references_one_per_entry(article):
    refs = article.references
    assert refs[0].startswith("Abdullaev, K.N. *Ot Sin'tsziania do Khorasana.")
    assert refs[-1].startswith("Tereshchenko, V.V.")
    assert all("\n" not in r and not r.startswith("- ") for r in refs)


def test_article_languages_include_the_bilingual_front_matter(article):
    assert article.languages == ["en", "ru"]


def test_undated_page_has_no_date_and_keeps_its_title(tmp_path):
    page = (DATA / "header_page.txt").read_text(encoding="utf-8").replace("March 12, 1949", "Undated")
    p = tmp_path / "undated.txt"
    p.write_text(page, encoding="utf-8")
    raw = read(p)
    assert raw.fields["Date"] == "Undated"
    assert raw.fields["Title"].startswith("Letter from Mao Zedong")
    from opis.metadata.record import resolve

    assert resolve(raw.facts, page).get("date").edtf is None


def test_article_front_matter_fields(article):
    f = article.fields
    assert f["DOI"] == "10.22363/2312-8674-2026-25-2-268-283"
    assert f["EDN"] == "NOKRAI"
    assert f["Keywords"].startswith("Soviet-Chinese borderlands")
    assert f["Title (ru)"].startswith("Казахско-синьцзянский участок")
    assert "Affiliations" in f and f["Affiliations"].startswith("a: Institute of History SB RAS")
    assert f["Submitted"] == "14.11.2025"


def test_own_article():
    raw = read(DATA / "article.md")
    assert raw.layout == "article"
    assert [n.n for n in raw.notes] == [1, 2, 3]
    assert raw.notes[1].text == "*Ibid.*, l. 7."
    text = raw.text
    assert text[: raw.notes[0].anchor].endswith("in the course of the year")
    assert text[: raw.notes[1].anchor].endswith("left for the Chinese side of the border")
    assert text[: raw.notes[2].anchor].endswith("the poorest households across the border")
    assert "19th district" in text
    assert len(raw.references) == 2 and raw.references[1].startswith("Ohayon, I.")
    assert "Submitted" not in text and "Petrov" not in text


def test_footnotes_in_any_text_are_split_out(tmp_path):
    p = tmp_path / "report.md"
    p.write_text(
        "The detachment crossed the river<sup>1</sup> and reached the post at dawn<sup>2</sup>.\n\n"
        "<sup>1</sup> The Ili, near *Kuldja*.\n\n<sup>2</sup> RGVA, f. 25895, op. 1, d. 10, l. 4.\n",
        encoding="utf-8",
    )
    raw = read(p)
    assert raw.layout == "plain"
    assert raw.text == "The detachment crossed the river and reached the post at dawn."
    assert [(n.n, n.text) for n in raw.notes] == [(1, "The Ili, near *Kuldja*."), (2, "RGVA, f. 25895, op. 1, d. 10, l. 4.")]
    assert raw.text[: raw.notes[0].anchor].endswith("crossed the river")
    assert raw.text[: raw.notes[1].anchor].endswith("at dawn")


def test_citation_layout_with_labels_inline(tmp_path):
    page = """March 3, 1946

**Letter from Zhou Enlai to Cde. V.M. Molotov**

**Citation:** "Letter from Zhou Enlai to Cde. V.M. Molotov", March 3, 1946, Wilson Center Digital Archive, AVP RF, f. 0100, op. 34, d. 253, l. 12. Translated by Jane Doe. https://digitalarchive.example.org/document/5150

**Summary:** Zhou Enlai asks for the return of the delegation.

**Original Language:** Russian

**Contents:**

Translation - English

Dear Comrade Molotov, the delegation of the Central Committee has not yet returned.
"""
    p = tmp_path / "inline.md"
    p.write_text(page, encoding="utf-8")
    raw = read(p)
    assert raw.layout == "archive_record"
    assert raw.fields["Summary"] == "Zhou Enlai asks for the return of the delegation."
    assert raw.fields["Original Language"] == "Russian"
    assert raw.fields["URL"] == "https://digitalarchive.example.org/document/5150"
    assert raw.text == "Dear Comrade Molotov, the delegation of the Central Committee has not yet returned."


def test_document_information_values_are_not_taken_for_funders(tmp_path):
    page = (DATA / "header_page.txt").read_text(encoding="utf-8").replace(
        "Original Classification", "Theme\n\nChina and the Soviet Union\nKorean War\n\nOriginal Classification"
    )
    p = tmp_path / "themes.txt"
    p.write_text(page, encoding="utf-8")
    raw = read(p)
    assert raw.fields["Funders"] == "Carnegie Corporation of New York and Leon Levy Foundation"
    assert _best(raw, "classification").value == "Strictly Secret"
    assert "China and the Soviet Union" not in raw.text
