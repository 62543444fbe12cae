"""Editorial apparatus: typed spans for sic, glosses, insertions, handwriting, notes, omissions."""

from __future__ import annotations

from conftest import SEEDS, gold
from opis.pipeline.apparatus import find_apparatus


def _marks(text):
    return find_apparatus(text)


def _target(text, a):
    return text[a.target_start : a.target_end] if a.target_start is not None else None


def test_seed_report_glosses_match_gold_and_point_at_the_word_they_explain():
    text = SEEDS["000"].read_text(encoding="utf-8")
    marks = _marks(text)
    glosses = [a for a in marks if a.kind == "gloss"]
    assert [a.content for a in glosses] == gold("000")["apparatus"]["gloss"]
    targets = {a.content: _target(text, a) for a in glosses}
    assert targets["Tacheng"] == "Chuguchak"
    assert targets["Emin"] == "Dörbiljin"
    assert targets["Chiang Kai-shek"] == "JIANG JIESHI"
    assert targets["Baicheng"] == "Bay"


def test_seed_report_sic_insertions_and_notes():
    text = SEEDS["000"].read_text(encoding="utf-8")
    marks = _marks(text)
    sic_targets = [_target(text, a) for a in marks if a.kind == "sic"]
    assert "Kosh-Tologoy" in sic_targets and "Bulunkul'" in sic_targets and "Shikho" in sic_targets
    insertions = [a.content for a in marks if a.kind == "insertion"]
    assert "The following" in insertions and "by" in insertions and "were" in insertions
    notes = [a for a in marks if a.kind == "note"]
    # the page note is printed without its closing bracket: it runs to the end of its paragraph
    page_note = next(a for a in notes if a.content.startswith("Notes at the bottom of the page"))
    assert "Vyshinsky" in page_note.text and "At the present time" not in page_note.text
    assert any(a.content == "inserted by hand" for a in notes)
    # no markdown link and no e-mail artefact is taken for apparatus
    assert not any("email" in (a.content or "") for a in marks)


def test_seed_telegram_handwriting_runs_over_lines_and_keeps_nested_marks():
    text = SEEDS["004"].read_text(encoding="utf-8")
    marks = _marks(text)
    hand = [a for a in marks if a.kind == "handwritten"]
    assert len(hand) == gold("004")["apparatus"]["handwritten"]
    last = hand[-1]
    assert last.content.startswith("...of the approach") and last.text.endswith("cannot be permitted.]")
    assert "\n" in last.text
    assert [a.content for a in marks if a.kind == "insertion"] == ["get"]  # "[get]" inside the handwriting
    assert sum(1 for a in marks if a.kind == "illegible") == gold("004")["apparatus"]["illegible"]
    margin = [a for a in marks if a.kind == "note"]
    assert margin and "right margin" in margin[0].content


def test_seed_memorandum_omission_and_glosses():
    text = SEEDS["001"].read_text(encoding="utf-8")
    marks = _marks(text)
    assert [a.content for a in marks if a.kind == "gloss"] == gold("001")["apparatus"]["gloss"]
    assert sum(1 for a in marks if a.kind == "sic") == gold("001")["apparatus"]["sic"]
    assert sum(1 for a in marks if a.kind == "omission") == gold("001")["apparatus"]["omission"]
    ma = next(a for a in marks if a.kind == "sic" and "Ma-er" in _target(text, a))
    assert _target(text, ma) == "Ma-er-guo-fu"  # the rank before the name is not part of it


def test_other_styles_hungarian_page():
    text = (
        "Report of Cde. Yu. V. Andropov from Budapest, 30 October 1956\n\n"
        "The insurgents hold Győr [Gyor] and Pozsony [sic] road. [Handwritten: To Cde. Suslov.\n"
        "Urgent.] The garrison at Székesfehérvár [Szekesfehervar] was [illegible] reinforced.\n\n"
        "<...> Three tank divisions <…> crossed at Záhony [Zahony]. □□□ [The] Soviet command ..."
    )
    marks = _marks(text)
    kinds = [a.kind for a in marks]
    assert kinds.count("gloss") == 3
    assert {_target(text, a) for a in marks if a.kind == "gloss"} == {"Győr", "Székesfehérvár", "Záhony"}
    assert [_target(text, a) for a in marks if a.kind == "sic"] == ["Pozsony"]
    assert kinds.count("handwritten") == 1 and "Suslov" in next(a.content for a in marks if a.kind == "handwritten")
    assert kinds.count("omission") == 2
    assert kinds.count("illegible") == 2  # "[illegible]" and the boxes
    assert "insertion" in kinds


def test_bibliography_translations_and_links_are_not_apparatus():
    text = (
        "V.A. Barmin, *Sovetskii Soiuz i Sin'tszian* [The Soviet Union and Xinjiang] (Barnaul, 1998). "
        "See [the archive](https://example.org/a) and [12]."
    )
    assert _marks(text) == []
