"""The record reader's parts on the forms real pages print: citation sentences in every date
precision, credit clauses, classification marks, website chrome, flattened PDF lines, and facts
that keep their spans."""

from __future__ import annotations

import pytest

from opis.metadata.record import funders_of, resolve
from opis.readers.layouts.record import chrome, citation, credits, read_page
from opis.readers.layouts.record.lines import page_lines
from opis.readers.layouts.record.marks import classification


@pytest.mark.parametrize(
    ("text", "date", "reference"),
    [
        ('"A Letter," September 5, 1945, Wilson Center Digital Archive, GARF, f. 9401, op. 2, d. 98, l. 3.',
         "September 5, 1945", "GARF, f. 9401, op. 2, d. 98, l. 3"),
        ('“A Letter,” , 1961, History and Public Policy Program Digital Archive, SED Archives, J IV 2/202/130.',
         "1961", "SED Archives, J IV 2/202/130"),
        ('"A Note," ca. 1950, Wilson Center Digital Archive, AVP RF, f. 07, op. 23a. Translated by A. B. Smith.',
         "ca. 1950", "AVP RF, f. 07, op. 23a"),
        ('"A Note," Summer 1953, Wilson Center Digital Archive, RGANI, f. 5, op. 30, d. 1, ll. 2-4.',
         "Summer 1953", "RGANI, f. 5, op. 30, d. 1, ll. 2-4"),
        ('"A Note," undated, Wilson Center Digital Archive, PRC FMA 105-00501-07, 1-4. Obtained by X Y.',
         "undated", "PRC FMA 105-00501-07, 1-4"),
    ],
)
def test_citation_dates_and_references(text, date, reference):
    c = citation.find(text)
    assert c.title in ("A Letter", "A Note")
    assert (c.date, c.reference) == (date, reference)


def test_citation_reference_ends_at_credits_and_notes_not_at_abbreviations():
    cases = {
        "TsKhSD, F. 3, Op. 12, D. 1005, Ll. 49-50, compiled by V. N. Malin.": "TsKhSD, F. 3, Op. 12, D. 1005, Ll. 49-50",
        "AVP RF; copy obtained by NHK, provided to CWIHP": "AVP RF",
        "2001-42, Act on Access. Also available at the Diplomatic Archives.": "2001-42, Act on Access",
        "Vostochnaia Evropa, edited by G.P. Murashko, et al, vol. 2, pp. 504-09 (APRF, f. 45).":
            "Vostochnaia Evropa, edited by G.P. Murashko, et al, vol. 2, pp. 504-09 (APRF, f. 45)",
    }
    for rest, ref in cases.items():
        assert citation.split_reference(rest)[0] == ref


def test_credit_clauses():
    text = ("copy obtained by NHK, provided to CWIHP, and on file at National Security Archive, Washington, D.C.; "
            "translation by John Henriksen")
    assert credits.people(text) == {"contributors": ["NHK"], "translators": ["John Henriksen"]}
    assert credits.translated_from("Translated from Portuguese by James G. Hershberg.")[0] == "Portuguese"
    assert credits.people("compiled by V. N. Malin.") == {"contributors": [], "translators": []}


@pytest.mark.parametrize(
    ("line", "want"),
    [
        ("Number 1338 Top Secret Top Urgent Q36RA", "Top Secret"),
        ("in the MPR Secret", "Secret"),
        ("S e c r e t", "Secret"),
        ("From the journal of TOP SECRET A. P. RATANOV Copy no. 2", "Top Secret"),
        ("CONFIDENTIAL—EXTREMELY URGENT", "Confidential"),
        ("Совершенно секретно", "Top Secret"),
        ("Extremely Urgent", None),
        ("The Secret Speech of Khrushchev", None),
        ("Confidential Agent", None),
    ],
)
def test_classification_marks(line, want):
    found = classification([line])
    assert (found[0] if found else None) == want


@pytest.mark.parametrize(
    ("line", "is_chrome"),
    [
        ("Search in", True), ("ADD SEARCH FILTER CANCEL SEARCH FILTER", True), ("get citation", True),
        ("You are on page 1of 19", True), ("Total Page:16", True), ("File Type:pdf, Size:1020Kb", True),
        ("http://digitalarchive.wilsoncenter.org/document/119977", True), ("English HTML", True),
        ("Top Secret", False), ("To the Embassy in Hungary:", False), ("Mao Zedong", False),
    ],
)
def test_chrome_lines(line, is_chrome):
    assert chrome.is_chrome(line) is is_chrome


def test_a_flattened_pdf_line_is_split_at_its_labels():
    text = ("Digital Archive digitalarchive.wilsoncenter.org International History Declassified November 17, 1968 "
            "Discussion between A and B Citation: “Discussion between A and B,” November 17, 1968, History and Public "
            "Policy Program Digital Archive, CWIHP Working Paper 22. Summary: A advises B. Original Language: Chinese "
            "Contents: English Translation MAO ZEDONG AND PHAM VAN DONG Beijing")
    lines = [ln.text for ln in page_lines(text)]
    assert lines[1:3] == ["November 17, 1968", "Discussion between A and B"]
    assert "Original Language: Chinese" in lines and "Contents: English Translation" in lines
    assert lines[-1].startswith("MAO ZEDONG")


def test_facts_resolve_with_sources_and_alternatives():
    text = ("Digital Archive International History Declassified\n\nSeptember 28, 1961 Letter from A to B\n\nCitation:\n\n"
            "“Letter from A to B,” , 1961, History and Public Policy Program Digital Archive, SED Archives, J IV 2/202/130. "
            "Translated for CWIHP by Hope Harrison.\n\nSummary:\n\nA answers B's letter.\n\nCredits:\n\n"
            "This document was made possible with support from the Leon Levy Foundation.\n\nOriginal Language:\n\nGerman\n\n"
            "Contents:\n\nEnglish Translation\n\nWe have noted your letter.\n")
    page = read_page(text)
    values = resolve(page.sheet.facts, text)
    assert values.get("date").edtf == "1961-09-28"  # the header refines the citation's year
    src = next(s for s in values.sources if s.field == "date")
    assert src.rule.endswith("+refines") and text[src.start:src.end] == src.quote
    assert values.get("translators") == ["Hope Harrison"] and values.get("original_language") == "German"
    assert values.get("funders") == ["Leon Levy Foundation"]
    assert page.body == "We have noted your letter."


def test_funders_split_at_commas_and_and_but_not_inside_names():
    assert funders_of("This document was made possible with support from the MacArthur Foundation, Leon Levy Foundation") \
        == ["MacArthur Foundation", "Leon Levy Foundation"]
    assert funders_of("Chun & Jane Chiu Family Foundation and Carnegie Corporation of New York (CCNY)") == [
        "Chun & Jane Chiu Family Foundation", "Carnegie Corporation of New York (CCNY)"]
