"""Dated decrees, orders, resolutions and events in sentences written like other reports and studies."""

from __future__ import annotations

from opis.extract import edtf_values as ev
from opis.extract.dates_text import find_dates
from opis.extract.events import extract_events


def events_of(text: str, ref=None):
    return extract_events(text, find_dates(text, ref or ev.month(2020, 1), prefer_document_year=False))


def test_order_with_number_date_and_actor():
    text = "By order No. 0045 of the NKVD of the USSR dated 12 March 1936, the frontier zone was extended to 30 kilometres."
    (e,) = events_of(text)
    assert e.date.edtf == "1936-03-12" and e.kind == "order"
    assert e.actor == "NKVD of the USSR"
    assert text[e.start:e.end].startswith("By order")


def test_two_dated_acts_in_one_sentence_are_two_events():
    text = "The statute was drafted in May 1922, and on 14 August 1922 the Presidium of the Central Executive Committee approved it."
    evs = events_of(text)
    assert [e.date.edtf for e in evs] == ["1922-05", "1922-08-14"]
    assert evs[1].actor == "Presidium of the Central Executive Committee"


def test_resolution_in_russian():
    (e,) = events_of("Постановлением СНК СССР от 17 июня 1934 г. был введен паспортный режим в пограничной полосе.")
    assert e.date.edtf == "1934-06-17" and e.kind == "resolution"


def test_vague_periods_and_labels_are_not_events():
    assert events_of("In the 1930s the border was closed step by step.") == []
    assert events_of("Submitted: 14.11.2025") == []
    assert events_of("The population grew steadily in 1926.") == []  # no act, no event word
