"""Footnotes: archival references with Ibid. and in-note abbreviations, citations, published sources.

The 63 footnotes of seed 002 are split out here by a small helper of the test (independent of the
article reader), once with the Markdown italics as printed and once without them.
"""

from __future__ import annotations

import re

import pytest

from conftest import SEEDS, gold
from opis.model import ArchivalRef, Note
from opis.refs.footnotes import annotate_notes

NOTE_LINE = re.compile(r"^<sup>(\d+)</sup>\s+(.+)$")


def seed_notes(strip_italics: bool = False) -> list[Note]:
    out = []
    for line in SEEDS["002"].read_text(encoding="utf-8").splitlines():
        if m := NOTE_LINE.match(line.strip()):
            text = re.sub(r"<sup>(\w+)</sup>", r"\1", m.group(2))
            out.append(Note(n=int(m.group(1)), text=text.replace("*", "") if strip_italics else text))
    return out


def _key(ref) -> dict:
    return {"archive": ref.archive, "fond": ref.fond, "opis": ref.opis, "delo": ref.delo, "folios": ref.folios}


@pytest.mark.parametrize("strip_italics", [False, True])
def test_seed_002_archival_footnotes_match_gold(strip_italics):
    notes = seed_notes(strip_italics)
    assert len(notes) == 63
    annotate_notes(notes)
    expected = gold("002")["archival_refs_by_footnote"]
    got = {str(n.n): [r for r in n.archival_refs if r.kind == "archival"] for n in notes}
    got = {k: v for k, v in got.items() if v}
    assert sorted(got, key=int) == sorted(expected, key=int)
    for n, exp in expected.items():
        (ref,) = got[n]
        assert _key(ref) == {k: exp[k] for k in ("archive", "fond", "opis", "delo", "folios")}, n
        assert ref.note == int(n)


def test_ibid_resolution_marks_and_keeps_raw():
    notes = seed_notes()
    annotate_notes(notes)
    by_n = {n.n: n for n in notes}
    ibids = [n.n for n in notes for r in n.archival_refs if r.ibid]
    assert ibids == [22, 26, 46, 51]
    assert by_n[26].archival_refs[0].raw.startswith("*Ibid.*")


def test_published_sources_are_not_archival_files():
    notes = seed_notes()
    annotate_notes(notes)
    published = sorted(str(n.n) for n in notes for r in n.archival_refs if r.kind == "published")
    assert published == sorted(gold("002")["published_source_footnotes"])
    # the abbreviation defined in note 16 is what note 19 uses
    n19 = next(n for n in notes if n.n == 19).archival_refs[0]
    assert n19.extra["title_full"].startswith("Sobraniye uzakoneniy")


def test_bibliographic_ibid_resolves_to_previous_work_with_new_pages():
    notes = seed_notes()
    annotate_notes(notes)
    by_n = {n.n: n for n in notes}
    spec = gold("002")["ibid_bibliographic"]["56"]
    (cit,) = by_n[56].citations
    (prev,) = by_n[int(spec["resolves_to_footnote"])].citations
    assert cit["ibid"] and cit["title"] == prev["title"] and cit["author"] == prev["author"]
    assert cit["locator"] == spec["pages"]


def test_citations_in_notes_are_books_articles_and_chapters():
    notes = seed_notes()
    annotate_notes(notes)
    by_n = {n.n: n for n in notes}
    book = by_n[2].citations[0]
    assert book["type"] == "book" and book["author"] == [{"family": "Repukhova", "given": "O.Yu."}]
    assert book["publisher-place"] == "Petrozavodsk" and book["issued"] == {"date-parts": [[2017]]}
    assert book["translated-title"] == "Border regime in Karelia in the 1920s–1930s"
    art = by_n[7].citations[0]
    assert art["type"] == "article-journal" and art["volume"] == "22" and art["issue"] == "1"
    assert art["DOI"] == "10.22363/2312-8674-2023-22-1-97-109"
    chap = by_n[28].citations[0]
    assert chap["type"] == "chapter" and chap["container-title"].startswith("Obshchestvo i gosudarstvo")
    assert chap["locator"] == "232-240"
    assert len(by_n[9].citations) == 2  # two works separated by a semicolon
    short = by_n[23].citations[0]
    assert short["short"] and short["locator"] == "48"
    # a note of prose cites nothing
    assert by_n[29].citations == [] and by_n[29].archival_refs == []


def test_cyrillic_footnotes_with_dalee_and_tam_zhe():
    """A Russian-language article's notes (written for this test in the usual GOST style)."""
    texts = [
        "Государственный архив Российской Федерации (далее – ГАРФ). Ф. Р-9401. Оп. 1. Д. 4157. Л. 202–205.",
        "Там же. Л. 210 об.",
        "Российский государственный архив социально-политической истории (далее – РГАСПИ). Ф. 17. Оп. 162. Д. 9. Л. 54.",
        "Там же. Оп. 3. Д. 921. Л. 65.",
        "ГАРФ. Ф. Р-5446. Оп. 1. Д. 50. Л. 1.",
        "Правда. 1937. № 155.",
    ]
    notes = [Note(n=i + 1, text=t) for i, t in enumerate(texts)]
    annotate_notes(notes)
    refs = [n.archival_refs[0] for n in notes]
    assert [(r.archive, r.fond, r.opis, r.delo, r.folios) for r in refs[:5]] == [
        ("GARF", "Р-9401", "1", "4157", ["202-205"]),
        ("GARF", "Р-9401", "1", "4157", ["210ob."]),
        ("RGASPI", "17", "162", "9", ["54"]),
        ("RGASPI", "17", "3", "921", ["65"]),
        ("GARF", "Р-5446", "1", "50", ["1"]),
    ]
    assert refs[1].ibid and refs[3].ibid
    assert refs[5].kind == "published" and refs[5].extra["number"] == "155"


def test_ibid_without_anything_before_is_not_invented():
    notes = [Note(n=1, text="Ibid., l. 5.")]
    annotate_notes(notes)
    assert notes[0].archival_refs[0].kind == "unparsed"
    assert notes[0].archival_refs[0].archive is None


def test_abbreviation_defined_for_unknown_archive_is_kept_and_flagged():
    notes = [
        Note(n=1, text="Gosudarstvennyi arkhiv Altaiskogo kraia (hereafter – GAAK), f. R-1, op. 2, d. 3, l. 4."),
        Note(n=2, text="GAAK, f. R-1, op. 2, d. 7, l. 9."),
    ]
    annotate_notes(notes)
    a, b = notes[0].archival_refs[0], notes[1].archival_refs[0]
    assert (a.archive, a.known_archive, a.archive_name) == ("GAAK", False, "Gosudarstvennyi arkhiv Altaiskogo kraia")
    assert (b.archive, b.delo, b.archive_name) == ("GAAK", "7", "Gosudarstvennyi arkhiv Altaiskogo kraia")


def test_ibid_page_after_a_book_and_continuation_in_one_note():
    notes = [
        Note(n=1, text="S. Kotkin, *Magnetic Mountain* (Berkeley: University of California Press, 1995), 12."),
        Note(n=2, text="Ibid., p. 45."),
        Note(n=3, text="SGA KNB RK, f. 9, op. 1, d. 438, l. 76; d. 439, l. 5."),
        Note(n=4, text="Ibid."),
        Note(n=5, text="Within the framework of the division, Alma-Ata was the centre."),
        Note(n=6, text="Ibid., 7."),
    ]
    annotate_notes(notes)
    assert notes[1].citations[0]["locator"] == "45" and notes[1].citations[0]["title"] == "Magnetic Mountain"
    a, b = notes[2].archival_refs
    assert (b.archive, b.fond, b.opis, b.delo, b.folios) == ("SGA KNB RK", "9", "1", "439", ["5"])
    (c,) = notes[3].archival_refs
    assert (c.delo, c.folios, c.ibid) == ("439", [], True)
    # Ibid. after a note that cites nothing is not resolved against an older source
    assert notes[5].citations == [] and notes[5].archival_refs[0].kind == "unparsed"


def test_signature_line_in_the_body_is_the_documents_reference():
    from opis.model import Document
    from opis.pipeline import get_component

    text = ("НКВД СССР докладывает о положении в Синьцзяне.\n\nЛ. БЕРИЯ\n\n"
            "Основание: ГАРФ. Ф. Р-9401. Оп. 2. Д. 98. Л. 377–379.\n\nSee f. 17 for more.\n")
    doc = get_component("archrefs")(Document(id="x", text=text))
    (ref,) = doc.archival_refs
    assert (ref.archive, ref.fond, ref.opis, ref.delo, ref.folios) == ("GARF", "Р-9401", "2", "98", ["377-379"])
    assert text[ref.start : ref.end] == "ГАРФ. Ф. Р-9401. Оп. 2. Д. 98. Л. 377–379."
    # a document whose metadata already gave its signature is not scanned again
    doc2 = get_component("archrefs")(Document(id="y", text=text, archival_refs=[ArchivalRef(raw="RGASPI, f. 17, op. 3, d. 1")]))
    assert [r.archive for r in doc2.archival_refs] == ["RGASPI"]
