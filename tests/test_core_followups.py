"""Follow-ups of the core: Word/ODT files outside the article layout come out clean with their
notes; plain documents get their heading (not the security marks) as title; Chicago keeps the
credit verbs the source uses."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import SEEDS
from formats_render import add_zip_part
from opis.export import export
from opis.ingest import ingest_file
from opis.pipeline import Pipeline
from opis.readers import read

DATA = Path(__file__).parent / "data" / "formats"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
STAGES = ["boilerplate", "metadata", "language", "apparatus", "archrefs", "notes"]


def _store_and_get(store, path: Path) -> dict:
    result = ingest_file(store, str(path), None, Pipeline(STAGES))
    assert result.status == "added", result.to_dict()
    return store.get_dict(result.id)


# --- 1. DOCX / ODT in the plain layout -------------------------------------------------------


def _footnote_ref(paragraph, note_id: int) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    ref = OxmlElement("w:footnoteReference")
    ref.set(qn("w:id"), str(note_id))
    paragraph.add_run()._r.append(ref)


def _with_footnotes(path: Path, notes: dict[int, str]) -> None:
    """python-docx writes no footnotes part: add one as Word does."""
    body = "".join(
        f'<w:footnote w:id="{n}"><w:p><w:r><w:t xml:space="preserve">{t}</w:t></w:r></w:p></w:footnote>'
        for n, t in notes.items()
    )
    xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes xmlns:w="{W}">'
           f'<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
           f"{body}</w:footnotes>")
    add_zip_part(path, "word/footnotes.xml", xml)


def make_letter_docx(path: Path, footnotes: bool = True) -> Path:
    """A researcher's Word transcription of a letter: heading levels, three footnotes (one empty)."""
    import docx

    d = docx.Document()
    d.add_heading("Letter of the Kazakh Regional Committee on the Migration of Herders", level=1)
    d.add_heading("Alma-Ata, spring 1930", level=2)
    p = d.add_paragraph("Between March and May 1930 about 3,400 households left the Zaisan district for Xinjiang")
    if footnotes:
        _footnote_ref(p, 1)
    p.add_run(", taking their herds across the Chernyi Irtysh.")
    p2 = d.add_paragraph("The district committee asked for grain to be sent to the remaining auls")
    if footnotes:
        _footnote_ref(p2, 2)
        p2.add_run(" and for the border posts to be reinforced")
        _footnote_ref(p2, 3)
    p2.add_run(".")
    d.save(path)
    if footnotes:
        _with_footnotes(path, {1: "APRK, f. 141, op. 1, d. 2870, l. 12.", 2: "Ibid., l. 14.", 3: ""})
    return path


def test_docx_plain_layout_stores_clean_text_and_anchored_notes(tmp_path, store):
    rec = _store_and_get(store, make_letter_docx(tmp_path / "letter.docx"))
    assert rec["provenance"]["layout"] == "plain"
    text = rec["text"]
    for junk in ("<sup>", "</sup>", "## ", "# ", "APRK, f. 141", "Ibid., l. 14"):
        assert junk not in text, junk
    assert text.startswith("Letter of the Kazakh Regional Committee on the Migration of Herders\n\nAlma-Ata, spring 1930")
    assert "left the Zaisan district for Xinjiang, taking their herds" in text
    notes = {n["n"]: n for n in rec["notes"]}
    assert sorted(notes) == [1, 2, 3]
    assert notes[1]["text"] == "APRK, f. 141, op. 1, d. 2870, l. 12."
    assert notes[2]["text"] == "Ibid., l. 14."
    assert notes[3]["text"] == ""  # an empty Word footnote: its marker is still cut and anchored
    assert text[:notes[1]["anchor"]].endswith("for Xinjiang")
    assert text[:notes[2]["anchor"]].endswith("to the remaining auls")
    assert text[:notes[3]["anchor"]].endswith("border posts to be reinforced")
    assert rec["title"] == "Letter of the Kazakh Regional Committee on the Migration of Herders"


def test_docx_without_notes_loses_its_heading_marks(tmp_path):
    raw = read(make_letter_docx(tmp_path / "plain.docx", footnotes=False))
    assert raw.layout == "plain" and raw.notes == []
    assert raw.text.split("\n\n")[:2] == [
        "Letter of the Kazakh Regional Committee on the Migration of Herders", "Alma-Ata, spring 1930"]
    assert "#" not in raw.text


def test_odt_plain_layout_stores_clean_text_and_note(tmp_path, store):
    from test_formats_docx import make_odt

    rec = _store_and_get(store, make_odt(tmp_path / "донесение.odt"))
    text = rec["text"]
    assert text.startswith("Донесение о положении на границе\n\n")
    assert "<sup>" not in text and "ГАРФ" not in text and "#" not in text
    (note,) = rec["notes"]
    assert note["text"] == "ГАРФ. Ф. Р-9401. Оп. 2. Д. 98. Л. 377."
    assert text[:note["anchor"]].endswith("112 человек")
    assert note["archival_refs"][0]["fond"] == "Р-9401"


def test_pdf_plain_layout_cleans_markup_and_keeps_page_offsets(tmp_path):
    from formats_render import render_pdf

    pages = [
        "## Notes of a border officer\n\nOn the **first** day the post at Bakhty counted 240 herders<sup>1</sup>.",
        "On the second day the post at Khorgos counted 310 herders and 2,000 sheep.\n\n"
        "<sup>1</sup> APRK, f. 141, op. 1, d. 5, l. 3.",
    ]
    raw = read(render_pdf(pages, tmp_path / "officer.pdf"))
    assert raw.format == "pdf" and raw.layout == "plain"
    assert "#" not in raw.text and "**" not in raw.text and "<sup>" not in raw.text and "APRK" not in raw.text
    assert [(n.n, n.text) for n in raw.notes] == [(1, "APRK, f. 141, op. 1, d. 5, l. 3.")]
    assert raw.text[:raw.notes[0].anchor].endswith("240 herders")
    first, second = raw.pages
    assert raw.text[first.start:first.end].startswith("Notes of a border officer")
    assert raw.text[second.start:second.end].startswith("On the second day")
    assert second.end == len(raw.text)


# --- 2. titles of plain documents -------------------------------------------------------------


def _title(tmp_path: Path, text: str, name: str = "doc.txt") -> str | None:
    from opis.pipeline import process

    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return process(read(p), Pipeline(["boilerplate", "metadata"])).title


def test_russian_report_title_is_not_its_classification():
    from opis.pipeline import process

    doc = process(read(DATA / "nkvd_report_ru.txt"), Pipeline(["boilerplate", "metadata"]))
    assert doc.classification == "Top Secret"
    # no heading: not the marking, the copy number, nor the addressee (ГКО over 'товарищу СТАЛИНУ'),
    # but the opening sentence that states the subject
    assert doc.title == "НКВД СССР докладывает о положении в Синьцзяне по состоянию на 10 сентября 1945 года"


ENGLISH_REPORT = """TOP SECRET
Copy No. 3

BY CIPHER

MINISTRY OF STATE SECURITY OF THE USSR

To Comrade V. M. MOLOTOV

REPORT
on the situation in the Ili district

Moscow, 12 October 1944

No. 2245/c

On 7 October 1944 insurgent detachments attacked the garrison of Nilka. The fighting went on for three days.
"""


def test_english_report_title_is_its_heading_with_subject(tmp_path):
    assert _title(tmp_path, ENGLISH_REPORT) == "REPORT on the situation in the Ili district"


@pytest.mark.parametrize(
    ("text", "title"),
    [
        # the type heading wins over the letterhead above it
        ("Секретно\n\nЭкз. № 1\n\nНКГБ КАЗАХСКОЙ ССР\n\nСПЕЦСООБЩЕНИЕ\nоб откочевке населения в Синьцзян\n\n"
         "3 мая 1931 г.\n\nПо агентурным данным, в районе Зайсана откочевали 40 хозяйств.\n",
         "СПЕЦСООБЩЕНИЕ об откочевке населения в Синьцзян"),
        ("Особой важности\nСовершенно секретно\n\nДокладная записка о положении в Илийском округе\n\n"
         "В августе 1945 г. повстанцы заняли Кульджу.\n", "Докладная записка о положении в Илийском округе"),
        # a heading that carries a date is not a 'Place, date' line
        ("SECRET\nEx. No. 2\n\nThe Uprising in Kulja, November 1944\n\nOn 7 November the rebels took the town.\n",
         "The Uprising in Kulja, November 1944"),
        ("Strictly Confidential / Personal\n\nNotes on the Ili Valley Grain Trade\n\nThe harvest failed in 1931.\n",
         "Notes on the Ili Valley Grain Trade"),
    ],
)
def test_plain_titles_skip_marks_and_prefer_the_heading(tmp_path, text, title):
    assert _title(tmp_path, text) == title


# --- 3. Chicago credits with the source's own verbs --------------------------------------------


@pytest.fixture(scope="module")
def seed_records_metadata(tmp_path_factory):
    from opis.store import Store

    store = Store(tmp_path_factory.mktemp("fu") / "fu.db")
    out = {}
    for prefix in ("000", "004"):
        out[prefix] = _store_and_get(store, SEEDS[prefix])
    store.close()
    return out


def test_chicago_keeps_contributed_by(seed_records_metadata):
    rec = seed_records_metadata["004"]
    assert rec["contributors"] == ["Sergey Radchenko"]  # the public list of strings stays
    assert rec["credits"] == [{"role": "contributed by", "name": "Sergey Radchenko"},
                              {"role": "translated by", "name": "Gary Goldberg"}]
    text = export(rec, "chicago")
    assert "Contributed by Sergey Radchenko and translated by Gary Goldberg." in text
    assert "Obtained by" not in text


def test_chicago_keeps_obtained_by(seed_records_metadata):
    text = export(seed_records_metadata["000"], "chicago")
    assert "Obtained by Jamil Hasanli and translated by Gary Goldberg." in text


def test_chicago_credits_merge_verbs_and_fall_back_without_credits():
    base = {"id": "0123456789abcdef", "title": "Memorandum", "date": {"edtf": "1950-02-14"}}  # no journal: a record
    merged = {**base, "contributors": ["Kathryn Weathersby"], "translators": ["Kathryn Weathersby"],
              "credits": [{"role": "obtained by", "name": "Kathryn Weathersby"},
                          {"role": "translated by", "name": "Kathryn Weathersby"}]}
    assert "Obtained and translated by Kathryn Weathersby." in export(merged, "chicago")
    old = {**base, "contributors": ["Jamil Hasanli"], "translators": ["Gary Goldberg"]}  # stored before credits
    assert "Obtained by Jamil Hasanli and translated by Gary Goldberg." in export(old, "chicago")
    donated = {**base, "contributors": ["A. Person"], "credits": [{"role": "donated by", "name": "A. Person"}]}
    assert export(donated, "chicago").endswith("Donated by A. Person.")
