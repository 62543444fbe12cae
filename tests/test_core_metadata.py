"""Metadata extraction: every field on the seeds (against gold) and on pages written for these
tests in the same layouts with other values."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import SEEDS, gold
from opis.metadata.agents import agents_from_title, split_names
from opis.metadata.dates import parse_date
from opis.metadata.fields import (
    TYPE_WORDS_RE,
    doc_type_from_header,
    doc_type_from_title,
    document_number,
    journal_citation,
    normalise_classification,
    record_id_from_url,
    split_keywords,
)
from opis.pipeline import Pipeline, document_from_raw
from opis.readers import read

DATA = Path(__file__).parent / "data" / "core"
META = Pipeline(["boilerplate", "metadata"])


def extract(path):
    return META(document_from_raw(read(path)))


@pytest.fixture(scope="module")
def seeds():
    return {k: extract(p) for k, p in SEEDS.items()}


SIMPLE = ["title", "doc_type", "classification", "document_number", "original_language", "source_url",
          "record_id", "doi", "edn", "journal", "volume", "issue", "pages", "year"]
LISTS = ["translators", "contributors", "funders", "keywords"]


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_seed_metadata_matches_gold(seeds, prefix):
    doc, meta = seeds[prefix], gold(prefix)["metadata"]
    for name in SIMPLE:
        if name in meta:
            assert getattr(doc, name) == meta[name], name
    for name in LISTS:
        if name in meta:
            assert getattr(doc, name) == meta[name], name
    assert doc.date.edtf == meta["date"]
    if "summary_starts" in meta:
        assert doc.summary.startswith(meta["summary_starts"])


@pytest.mark.parametrize("prefix", ["000", "001", "003", "004"])
def test_seed_archival_reference_is_kept_raw(seeds, prefix):
    want = [r["raw"] for r in gold(prefix)["metadata"]["archival_refs"]]
    assert [r.raw for r in seeds[prefix].archival_refs] == want


def test_seed_agents_as_written(seeds):
    assert [a.surface for a in seeds["000"].authors] == ["L. Beria"]
    assert [a.surface for a in seeds["000"].recipients] == ["I.V. Stalin", "V.M. Molotov", "G.M. Malenkov"]
    assert [a.surface for a in seeds["004"].authors] == ["Antonov"]
    assert [a.surface for a in seeds["004"].recipients] == ["Malinovsky"]
    assert seeds["004"].recipients[0].role.startswith("Marshal; the Commanding General")
    assert [(a.name, a.affiliation) for a in seeds["002"].authors] == [
        ("Natalia N. Ablazhey", "Institute of History SB RAS, Novosibirsk, Russia"),
        ("Albina S. Zhanbossinova", "L.N. Gumilyov Eurasian National University, Astana, Kazakhstan"),
    ]


def test_seed_agents_canonical_when_the_authority_knows_them(seeds):
    from opis.authority import resolve

    assert resolve("L. Beria", "PERSON") is not None
    for prefix in ("000", "004"):
        meta = gold(prefix)["metadata"]
        assert [a.name for a in seeds[prefix].authors] == meta["authors"]
        assert [a.name for a in seeds[prefix].recipients] == meta["recipients"]


def test_seed_values_not_stated_stay_empty(seeds):
    assert seeds["000"].original_language is None
    assert seeds["000"].source_url is None and seeds["000"].record_id is None
    assert seeds["001"].doc_type is None  # "The Soviet Document which ..." names no kind
    assert seeds["001"].authors == []  # nobody is named as the author
    assert seeds["003"].classification is None
    assert seeds["003"].authors == []  # "by the Soviet Ambassador" names no person
    assert seeds["002"].summary is None and seeds["002"].translators == []


def test_seed_date_bounds(seeds):
    d = seeds["002"].date
    assert (d.edtf, d.earliest, d.latest, d.precision) == ("2026-05", "2026-05-01", "2026-05-31", "month")
    d = seeds["000"].date
    assert (d.earliest, d.latest, d.precision) == ("1945-09-05", "1945-09-05", "day")


# --- pages written for these tests -----------------------------------------------------------


def test_own_header_page_metadata():
    doc = extract(DATA / "header_page.txt")
    assert doc.title == "Letter from Mao Zedong to Cde. I.V. Stalin and Cde. V.M. Molotov"
    assert doc.date.edtf == "1949-03-12"
    assert doc.doc_type == "letter"
    assert [a.surface for a in doc.authors] == ["Mao Zedong"]
    assert [a.surface for a in doc.recipients] == ["I.V. Stalin", "V.M. Molotov"]
    assert doc.classification == "Strictly Secret"
    assert doc.document_number == "77/ss"
    assert doc.translators == ["Sergey Radchenko", "Vladislav Zubok"]
    assert doc.contributors == ["Andrei Ledovskii"]
    assert doc.funders == ["Carnegie Corporation of New York", "Leon Levy Foundation"]
    assert doc.record_id == "117432"
    assert doc.source_url is None
    assert doc.original_language is None
    assert [r.raw for r in doc.archival_refs] == ["APRF, Fond 45, Opis 1, Delo 330, Listy 98-99"]
    assert doc.summary.startswith("Mao Zedong requests Soviet engineers")
    assert "copyright" in doc.rights


def test_own_citation_page_metadata():
    doc = extract(DATA / "citation_page.txt")
    assert doc.title == "Ciphered Telegram from N. V. Roshchin to A. Ya. Vyshinsky (Excerpt)"
    assert doc.date.edtf == "1950-06-02"
    assert doc.doc_type == "telegram"
    assert [a.surface for a in doc.authors] == ["N. V. Roshchin"]
    assert [a.surface for a in doc.recipients] == ["A. Ya. Vyshinsky"]
    assert doc.classification == "Top Secret"
    assert doc.document_number == "3562"
    assert doc.translators == ["Kathryn Weathersby"]
    assert doc.contributors == ["Kathryn Weathersby"]
    assert doc.funders == ["Henry Luce Foundation", "Korea Foundation"]
    assert doc.original_language == "Russian"
    assert doc.source_url == "https://digitalarchive.wilsoncenter.org/document/115975"
    assert doc.record_id == "115975"
    assert [r.raw for r in doc.archival_refs] == ["AVP RF, f. 059a, op. 5a, d. 3, p. 11, ll. 95-97"]


def test_own_article_metadata():
    doc = extract(DATA / "article.md")
    assert doc.doc_type == "article"
    assert doc.title == "Grain Procurement and Nomadic Households in the Semirechye Region, 1928–1931"
    assert [(a.name, a.affiliation) for a in doc.authors] == [
        ("Ivan P. Petrov", "Institute of History and Ethnology, Almaty, Kazakhstan"),
        ("Aigerim K. Seitkali", "Al-Farabi Kazakh National University, Almaty, Kazakhstan"),
        ("Li Wei", "Institute of History and Ethnology, Almaty, Kazakhstan"),
    ]
    assert (doc.journal, doc.volume, doc.issue, doc.pages, doc.year) == (
        "RUDN Journal of Russian History", "23", "4", "801-815", 2024,
    )
    assert doc.date.edtf == "2024-11"
    assert (doc.doi, doc.edn) == ("10.22363/2312-8674-2024-23-4-801-815", "QWERTY")
    assert doc.keywords == ["grain procurement", "nomads", "Semirechye", "collectivization"]
    assert doc.abstract.startswith("The article examines grain procurement")
    assert doc.funders == ["Russian Science Foundation"]
    assert len(doc.notes) == 3 and doc.notes[0].anchor is not None


def test_plain_text_document(tmp_path):
    p = tmp_path / "memo.txt"
    p.write_text(
        "Memorandum on the Situation in Ili\n\n12 May 1944\n\nSECRET\n\nNo. 88/c\n\n"
        "The consulate reports that the situation in Kuldja remains tense.\n",
        encoding="utf-8",
    )
    doc = extract(p)
    assert doc.title == "Memorandum on the Situation in Ili"
    assert doc.date.edtf == "1944-05-12"
    assert doc.doc_type == "memorandum"
    assert doc.classification == "Secret"
    assert doc.document_number == "88/c"
    assert doc.translators == [] and doc.funders == []


# --- the pure functions, on other wordings ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "edtf", "earliest", "latest"),
    [
        ("September 5, 1945", "1945-09-05", "1945-09-05", "1945-09-05"),
        ("5 September 1945", "1945-09-05", "1945-09-05", "1945-09-05"),
        ("Sept. 5, 1945", "1945-09-05", "1945-09-05", "1945-09-05"),
        ("5 сентября 1945 г.", "1945-09-05", "1945-09-05", "1945-09-05"),
        ("мая 1933", "1933-05", "1933-05-01", "1933-05-31"),
        ("November 1962", "1962-11", "1962-11-01", "1962-11-30"),
        ("1962", "1962", "1962-01-01", "1962-12-31"),
        ("ca. 1920", "1920~", "1920-01-01", "1920-12-31"),
        ("1930–1933", "1930/1933", "1930-01-01", "1933-12-31"),
        ("1940s", "194X", "1940-01-01", "1949-12-31"),
        ("5-11 August 1945", "1945-08-05/1945-08-11", "1945-08-05", "1945-08-11"),
        ("14.11.2025", "2025-11-14", "2025-11-14", "2025-11-14"),
        ("Summer 1945", "1945-22", "1945-06-01", "1945-08-31"),
    ],
)
def test_parse_date(text, edtf, earliest, latest):
    d = parse_date(text)
    assert (d.edtf, d.earliest, d.latest) == (edtf, earliest, latest)


@pytest.mark.parametrize("text", ["February 30, 1945", "Undated", "Appendix II", "Top Secret", "", "Nº 1041/b"])
def test_parse_date_refuses_non_dates(text):
    assert parse_date(text) is None


@pytest.mark.parametrize(
    ("title", "authors", "recipients"),
    [
        ("Report from L. Beria to Cde. I.V. Stalin, V.M. Molotov, and Cde. G.M. Malenkov",
         ["L. Beria"], ["I.V. Stalin", "V.M. Molotov", "G.M. Malenkov"]),
        ("Antonov to Marshal Malinovsky, the Commanding General of the Transbaykal-Amur Military District",
         ["Antonov"], ["Malinovsky"]),
        ("Memorandum Given to Vice Minister Zhang Hanfu by Ambassador S. V. Chervonenko", ["S. V. Chervonenko"], ["Zhang Hanfu"]),
        ("Ciphered Telegram from Filippov [Stalin] to Mao Zedong", ["Filippov"], ["Mao Zedong"]),
        ("Letter from Kim Il Sung to Cdes. Stalin and Molotov on the Situation in Korea",
         ["Kim Il Sung"], ["Stalin", "Molotov"]),
        ("Record of Conversation between Mao Zedong and Yudin", [], []),
        ("Report of Cde. Yu. V. ANDROPOV, Ambassador of the USSR in Hungary, to the CPSU CC", ["Yu. V. ANDROPOV"], []),
        ("Telegram, Stalin to Mao Zedong", ["Stalin"], ["Mao Zedong"]),
        ("Cable from Zhou Enlai to Zhang Wentian and Wang Jiaxiang", ["Zhou Enlai"], ["Zhang Wentian", "Wang Jiaxiang"]),
        ("Record of Conversation from Premier Zhou Enlai's Reception of the Soviet Ambassador", [], []),
        ("Instructions to the Soviet Ambassador in China", [], []),
        ("The Soviet Document which the Soviet Ambassador Personally Presented to Vice Minister Zhang Hanfu", [], ["Zhang Hanfu"]),
        ("Report on the Situation in Xinjiang", [], []),
    ],
)
def test_agents_from_title(title, authors, recipients):
    found = agents_from_title(title, TYPE_WORDS_RE)
    assert [p.surface for p in found.authors] == authors
    assert [p.surface for p in found.recipients] == recipients


def test_split_names_keeps_honorifics_as_roles():
    parts = split_names("Cde. I.V. Stalin, Marshal of the Soviet Union G. K. Zhukov and General A. I. Antonov")
    assert [(p.surface, p.roles) for p in parts] == [
        ("I.V. Stalin", ["Cde."]), ("G. K. Zhukov", ["Marshal of the Soviet Union"]), ("A. I. Antonov", ["General"]),
    ]


@pytest.mark.parametrize(
    ("text", "contributors", "translators"),
    [
        ("GARF, f. 9401. Obtained by Jamil Hasanli and translated by Gary Goldberg.", ["Jamil Hasanli"], ["Gary Goldberg"]),
        ("RGASPI, f. 558. Contributed by Sergey Radchenko and translated by Gary Goldberg.", ["Sergey Radchenko"], ["Gary Goldberg"]),
        ("PRC FMA 118-01764-04, 11. Translated by 7Brands.", [], ["7Brands"]),
        ("AVP RF. Obtained and translated by Kathryn Weathersby.", ["Kathryn Weathersby"], ["Kathryn Weathersby"]),
        ("APRF. Obtained for CWIHP by Mark H. Kramer and translated by Gary Goldberg, Sergey Radchenko and Vladislav Zubok.",
         ["Mark H. Kramer"], ["Gary Goldberg", "Sergey Radchenko", "Vladislav Zubok"]),
        ("AP RK, f. 141, op. 1, d. 5, l. 3.", [], []),
    ],
)
def test_credits(text, contributors, translators):
    from opis.readers.layouts.record.credits import people

    assert people(text) == {"contributors": contributors, "translators": translators}


def test_funders():
    from opis.metadata.record import funders_of as funders_line

    def funders(lines):
        return [name for line in lines for name in funders_line(line)]

    assert funders(["This document was made possible with support from MacArthur Foundation"]) == ["MacArthur Foundation"]
    assert funders(["MacArthur Foundation and Henry Luce Foundation", "Blavatnik Family Foundation"]) == [
        "MacArthur Foundation", "Henry Luce Foundation", "Blavatnik Family Foundation",
    ]
    assert funders(["This document was made possible with support from the Chun & Jane Chiu Family Foundation and "
                    "Carnegie Corporation of New York (CCNY)"]) == [
        "Chun & Jane Chiu Family Foundation", "Carnegie Corporation of New York (CCNY)",
    ]
    assert funders(["Made possible with support from the John D. and Catherine T. MacArthur Foundation, "
                    "the Ministry of Foreign Affairs of the Republic of Korea"]) == [
        "John D. and Catherine T. MacArthur Foundation", "Ministry of Foreign Affairs of the Republic of Korea",
    ]


@pytest.mark.parametrize(
    ("title", "header", "kind"),
    [
        ("Report from L. Beria to Cde. I.V. Stalin", [], "report"),
        ("Antonov to Marshal Malinovsky", ["BY CIPHER", "SPECIAL IMPORTANCE"], "telegram"),
        ("Memorandum Given to Vice Minister Zhang Hanfu", [], "memorandum"),
        ("Record of Conversation between Mao Zedong and Yudin", [], "record of conversation"),
        ("Zhou Enlai to Molotov", ["LETTER"], "letter"),
        ("Molotov to Zhou Enlai", ["Top Secret", "DIRECTIVE No. 15"], "directive"),
        ("Minutes of the Politburo Meeting", [], "minutes"),
        ("Conversation between Mao Zedong and Soviet Ambassador Yudin", [], "record of conversation"),
        ("Note of the Soviet Government to the Government of the PRC", [], "note"),
        ("Cable from Zhou Enlai to Zhang Wentian", [], "telegram"),
        ("Measures Taken in Order to Protect the Border", [], None),
        ("The Soviet Document which the Soviet Ambassador Personally Presented", ["Appendix"], None),
    ],
)
def test_doc_type(title, header, kind):
    assert (doc_type_from_title(title) or doc_type_from_header(header)) == kind


@pytest.mark.parametrize(
    ("lines", "want"),
    [
        (["Top Secret", "Copy Nº 4"], "Top Secret"),
        (["BY CIPHER", "SPECIAL IMPORTANCE"], "Special Importance"),
        (["TOP SECRET (Special Importance)"], "Top Secret, Special Importance"),
        (["СОВЕРШЕННО СЕКРЕТНО"], "Top Secret"),
        (["Secret"], "Secret"),
        (["The secret police reported"], None),
    ],
)
def test_classification_from_header(lines, want):
    from opis.readers.layouts.record.marks import classification

    found = classification(lines)
    assert (found[0] if found else None) == want


def test_classification_label_is_case_normalised():
    assert normalise_classification("TOP SECRET") == "Top Secret"
    assert normalise_classification("confidential") == "Confidential"


def test_document_number():
    assert document_number(["Top Secret", "Copy Nº 4", "Nº 1-1 p. 551]", "Nº 1041/b"]) == "1041/b"
    assert document_number(["CIPHERED TELEGRAM No. 3562"]) == "3562"
    assert document_number(["№ 15/сс"]) == "15/сс"
    assert document_number(["Copy No. 2"]) is None


def test_record_id_from_url():
    assert record_id_from_url("https://digitalarchive.umd.edu/document/208925") == "208925"
    assert record_id_from_url("https://digitalarchive.wilsoncenter.org/document/soviet-note-121617") is None  # a slug
    assert record_id_from_url("https://example.org/about") is None


def test_journal_citation_both_styles():
    c = journal_citation('Ivanov, I.I. "A Title." *Voprosy istorii* 12, no. 3 (March 2019): 45–67.')
    assert (c.journal, c.volume, c.issue, c.date, c.year, c.pages) == ("Voprosy istorii", "12", "3", "March 2019", 2019, "45-67")
    c = journal_citation("Иванов И.И. Заглавие // Вопросы истории. 2019. Т. 12. № 3. С. 45–67.")
    assert (c.journal, c.volume, c.issue, c.year, c.pages) == ("Вопросы истории", "12", "3", 2019, "45-67")


def test_split_keywords():
    assert split_keywords("borders; migration, and smuggling.") == ["borders", "migration", "smuggling"]


@pytest.mark.parametrize(
    ("citation", "title", "date", "repository", "reference"),
    [
        ('"Antonov to Marshal Malinovsky", November 16, 1945, Wilson Center Digital Archive, RGASPI, f. 558, op. 11, '
         "d. 98, ll. 0144. Contributed by Sergey Radchenko and translated by Gary Goldberg.",
         "Antonov to Marshal Malinovsky", "November 16, 1945", "Wilson Center Digital Archive",
         "RGASPI, f. 558, op. 11, d. 98, ll. 0144"),
        ('"Cable from Zhou Enlai to Zhang Wentian," 30 March 1956, History and Public Policy Program Digital Archive, '
         "PRC FMA 109-00763-01, 1-3. Translated by Stephen Mercado.",
         "Cable from Zhou Enlai to Zhang Wentian", "30 March 1956",
         "History and Public Policy Program Digital Archive", "PRC FMA 109-00763-01, 1-3"),
        ("GARF, Fond R-9401ss, Opis' 2, Delo 98, 377-379. Obtained by Jamil Hasanli and translated by Gary Goldberg.",
         None, None, None, "GARF, Fond R-9401ss, Opis' 2, Delo 98, 377-379"),
        ("Archive of the President of the Republic of Kazakhstan, f. 141, op. 1, d. 5, l. 3. Translated by A. B.",
         None, None, None, "Archive of the President of the Republic of Kazakhstan, f. 141, op. 1, d. 5, l. 3"),
    ],
)
def test_split_record_citation(citation, title, date, repository, reference):
    from opis.readers.layouts.record import citation as cit

    c = cit.find(citation)
    if title is None:
        assert c is None and cit.split_reference(citation)[0] == reference
    else:
        assert (c.title, c.date, c.repository, c.reference) == (title, date, repository, reference)


def test_plain_text_title_skips_markings_and_dates_with_place(tmp_path):
    p = tmp_path / "andropov.txt"
    p.write_text(
        "TOP SECRET\n\nReport of Cde. Yu. V. ANDROPOV, Ambassador of the USSR in Hungary, to the CPSU CC\n\n"
        "Budapest, 30 October 1956\n\nCde. Imre NAGY told me today that the government will not be able to hold "
        "Budapest without Soviet help.\n",
        encoding="utf-8",
    )
    doc = extract(p)
    assert doc.title == "Report of Cde. Yu. V. ANDROPOV, Ambassador of the USSR in Hungary, to the CPSU CC"
    assert doc.classification == "Top Secret"
    assert doc.date.edtf == "1956-10-30"
    assert doc.doc_type == "report"
    assert [a.surface for a in doc.authors] == ["Yu. V. ANDROPOV"]
