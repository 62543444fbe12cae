"""Dates in running text -> EDTF with bounds, against the document's own date."""

from __future__ import annotations

import edtf
import pytest

from opis.extract import edtf_values as ev
from opis.extract.dates_text import find_dates, parse_date
from opis.model import DateValue
from opis.pipeline.dates import dates as dates_component

REPORT_1945 = ev.day(1945, 9, 5)


def one(text: str, ref: DateValue | None = REPORT_1945, **kw) -> DateValue:
    found = find_dates(text, ref, **kw)
    assert len(found) == 1, [(d.text, d.edtf) for d in found]
    return found[0]


@pytest.mark.parametrize(
    ("text", "surface", "edtf_value", "earliest", "latest"),
    [
        ("ended up in rebels hands by 28 August as a result", "28 August", "1945-08-28", "1945-08-28", "1945-08-28"),
        ("vehicles arrived between 5 and 11 August.", "between 5 and 11 August", "1945-08-05/1945-08-11", "1945-08-05", "1945-08-11"),
        ("In the second half of August the rebels", "the second half of August", "1945-08-16/1945-08-31", "1945-08-16", "1945-08-31"),
        ("planned for the night of February 11–12, 1931.", "the night of February 11–12, 1931", "1931-02-11/1931-02-12", "1931-02-11", "1931-02-12"),
        ("submitted in early spring 1934 to Stalin", "early spring 1934", "1934-03/1934-04", "1934-03-01", "1934-04-30"),
        ("In the mid-1930s, the detachment", "mid-1930s", "1935~", "1934-01-01", "1936-12-31"),
        ("the border in the 1920–1930s.", "1920–1930s", "1920/1939", "1920-01-01", "1939-12-31"),
        ("It was stated that in 1930–1933, many", "1930–1933", "1930/1933", "1930-01-01", "1933-12-31"),
        ("At the turn of the 1930s, the OGPU", "the turn of the 1930s", "1930~", "1929-01-01", "1931-12-31"),
        ("Москва, 16 ноября 1945 г.", "16 ноября 1945 г.", "1945-11-16", "1945-11-16", "1945-11-16"),
        ("в 1930-е годы граница", "1930-е годы", "193X", "1930-01-01", "1939-12-31"),
        ("At the beginning of August the Fifth Army", "the beginning of August", "1945-08-01/1945-08-10", "1945-08-01", "1945-08-10"),
        ("In October 1933 the exchange began", "October 1933", "1933-10", "1933-10-01", "1933-10-31"),
        ("in the summer of 1927 border guards", "the summer of 1927", "1927-22", "1927-06-01", "1927-08-31"),
        ("from 1935 to 1938 the troikas", "from 1935 to 1938", "1935/1938", "1935-01-01", "1938-12-31"),
        ("by the end of the 1930s over", "the end of the 1930s", "1939~", "1938-01-01", "1939-12-31"),
        ("Received on 3.02.1944 in Tashkent", "3.02.1944", "1944-02-03", "1944-02-03", "1944-02-03"),
        ("весной 1932 г. группа", "весной 1932 г.", "1932-21", "1932-03-01", "1932-05-31"),
        ("в конце 1920-х годов", "в конце 1920-х годов", "1929~", "1928-01-01", "1929-12-31"),
        ("Приказ от 3-го марта 1945 г. № 12", "3-го марта 1945 г.", "1945-03-03", "1945-03-03", "1945-03-03"),
        ("Протокол от «15» мая 1944 г.", "«15» мая 1944 г.", "1944-05-15", "1944-05-15", "1944-05-15"),
        ("Справка, 12.IX.1945, Алма-Ата", "12.IX.1945", "1945-09-12", "1945-09-12", "1945-09-12"),
        ("telegram of 2/XI-1944 from Kulja", "2/XI-1944", "1944-11-02", "1944-11-02", "1944-11-02"),
    ],
)
def test_historians_forms(text, surface, edtf_value, earliest, latest):
    d = one(text)
    assert (d.text, d.edtf, d.earliest, d.latest) == (surface, edtf_value, earliest, latest)
    assert text[d.start:d.end] == surface  # the span points at the words
    edtf.parse_edtf(d.edtf)  # a valid EDTF string


def test_day_without_year_takes_the_document_year():
    d = one("On 22 April, our border guard representatives sent signals", ev.day(1962, 4, 30))
    assert d.edtf == "1962-04-22"


def test_day_without_year_prefers_a_year_stated_earlier_in_the_paragraph():
    text = "Reports of August 1927 describe the raids.\nOn August 18 this year, outpost 9 detained twelve violators."
    found = find_dates(text, ev.month(2026, 5))
    assert [d.edtf for d in found] == ["1927-08", "1927-08-18"]


def test_secondary_work_uses_the_last_year_in_the_text_not_its_publication_year():
    text = "The decree of 1927 was strict.\n\nOn December 20 the committee imposed a ban."
    assert find_dates(text, ev.month(2026, 5), prefer_document_year=False)[-1].edtf == "1927-12-20"
    assert find_dates(text, ev.month(2026, 5), prefer_document_year=True)[-1].edtf == "2026-12-20"


def test_numbers_that_are_not_years_are_not_dates():
    assert find_dates("a bond of 1200 rubles and 1,636 km of border", REPORT_1945) == []
    assert find_dates("carrying 1500 people across", REPORT_1945) == []


def test_russian_ordinal_day_takes_the_year_from_context():
    assert one("В ночь на 1-го мая отряд перешёл границу.").edtf == "1945-05-01"


def test_roman_numerals_elsewhere_are_not_months():
    assert find_dates("Chapter IX.1945 and volume XII.", REPORT_1945) == []
    assert find_dates("ГАРФ. Ф. Р-9401. Оп. 2. Д. 104. Л. 12", REPORT_1945) == []


def test_may_the_verb_is_not_a_month():
    assert find_dates("Hostile elements may take advantage of the incident.", REPORT_1945) == []


def test_parse_date_accepts_edtf_and_words():
    assert parse_date("1962-04").latest == "1962-04-30"
    assert parse_date("1930/1933").earliest == "1930-01-01"
    assert parse_date("spring 1934").edtf == "1934-21"
    assert parse_date("no date here") is None


def test_component_fills_doc_dates_with_spans():
    from opis.model import Document

    doc = Document(id="t", text="Telegram of 16 November 1945.\n\nThe garrison left on 20 November.", date=ev.day(1945, 11, 16))
    dates_component(doc)
    assert [(d.edtf, doc.text[d.start:d.end]) for d in doc.dates] == [("1945-11-16", "16 November 1945"), ("1945-11-20", "20 November")]
