"""Language identification: documents and pages get their languages, bilingual texts both."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import SEEDS
from opis.lang import detect_language, detect_languages, script_runs
from opis.model import Document, Page
from opis.pipeline import get_component

DATA = Path(__file__).parent / "data" / "formats"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("The border detachment reported that the herders crossed the river with their cattle at night.", "en"),
        ("Пограничный отряд сообщил, что скотоводы ночью перешли реку вместе со своим скотом.", "ru"),
        ("边防部队报告说，牧民们在夜间带着牲畜渡过了河流。", "zh"),
        ("Шекара отряды малшылар түнде малымен өзеннен өткенін хабарлады.", "kk"),
        ("Прикордонний загін повідомив, що скотарі вночі перейшли річку разом зі своєю худобою.", "uk"),
        ("Die Grenzabteilung meldete, dass die Hirten nachts mit ihrem Vieh den Fluss überquerten.", "de"),
        ("Le détachement frontalier a signalé que les éleveurs avaient traversé la rivière la nuit.", "fr"),
        ("国境警備隊は、牧畜民が夜に家畜を連れて川を渡ったと報告した。", "ja"),
    ],
)
def test_one_language(text, lang):
    assert detect_languages(text) == [lang]
    assert detect_language(text) == lang


def test_no_letters_no_language():
    assert detect_languages("") == []
    assert detect_languages("1945-09-05 — 377–379, № 1041/6") == []
    assert detect_language("12 34") is None


def test_bilingual_article_lists_both_in_order_of_share():
    # the seed research article: English text, Russian title, abstract and affiliations
    assert detect_languages(SEEDS["002"].read_text(encoding="utf-8")) == ["en", "ru"]


def test_bilingual_blocks():
    text = (
        "The report of the NKVD on the situation in Xinjiang was sent to Stalin and Molotov in September.\n\n"
        "Доклад НКВД о положении в Синьцзяне был направлен Сталину и Молотову в сентябре 1945 года, "
        "с приложением сводки пограничных войск о переходах границы.\n\n"
        "关于新疆局势的报告已送交斯大林和莫洛托夫。"
    )
    assert detect_languages(text) == ["ru", "en", "zh"]


def test_transliterated_russian_in_english_text_stays_english():
    text = ("See O.Yu. Repukhova, Pogranichnyy rezhim v Karelii v 1920–1930-e gody (Petrozavodsk: Izdatel'stvo "
            "PetrGU, 2009), 48; GARF, f. R-9401, op. 2, d. 98, ll. 377–379. The border regime tightened in 1931.")
    assert detect_languages(text) == ["en"]


def test_script_runs_split_mixed_lines():
    runs = script_runs("Research article / Научная статья")
    assert [r.script for r in runs] == ["Latin", "Cyrillic"]
    assert [r.letters for r in runs] == [15, 13]


def test_component_fills_document_and_page_languages():
    ru = (DATA / "nkvd_report_ru.txt").read_text(encoding="utf-8")
    en = SEEDS["004"].read_text(encoding="utf-8")
    text = ru + "\n\n" + en
    doc = Document(id="x", text=text, page_info=[Page(1, 0, len(ru)), Page(2, len(ru) + 2, len(text))])
    doc = get_component("language")(doc)
    assert doc.languages == ["en", "ru"]
    assert [p.lang for p in doc.page_info] == ["ru", "en"]


def test_component_keeps_what_the_reader_found():
    doc = Document(id="x", text="Совершенно секретно. Народный комиссариат внутренних дел.", languages=["ru", "en"],
                   page_info=[Page(1, 0, 10, lang="ru")])
    doc = get_component("language")(doc)
    assert doc.languages == ["ru", "en"]
    assert doc.page_info[0].lang == "ru"
