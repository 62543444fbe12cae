"""Recognition rules for what the statistical model cannot know (no model, no authority needed)."""

from __future__ import annotations

import pytest

from opis.pipeline.apparatus import find_apparatus
from opis.pipeline.entities import mask_apparatus, paragraphs, rule_candidates


def _found(text: str) -> set[tuple[str, str]]:
    return {(text[c.start : c.end], c.type) for c in rule_candidates(text)}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("to the VKP(b) CC - to Cde. I. V. STALIN", ("I. V. STALIN", "PERSON")),
        ("Report from L. Beria to Cde. G.M. Malenkov", ("G.M. Malenkov", "PERSON")),
        ("Vice Minister Zhang Hanfu received the note", ("Zhang Hanfu", "PERSON")),
        ("TO MARSHAL MALINOVSKY, THE COMMANDING GENERAL", ("MALINOVSKY", "PERSON")),
        ("Drafted by Cde. Mamulov", ("Mamulov", "PERSON")),
        ("Typed by Igritskaya", ("Igritskaya", "PERSON")),
        ("signed by Colonel-General A. I. Antonov", ("A. I. Antonov", "PERSON")),
        ("the Fifth Cavalry Army of the warlord", ("Fifth Cavalry Army", "UNIT")),
        ("a squad of the 49th border detachment sent", ("49th border detachment", "UNIT")),
        ("the 3rd Rifle Division is being transferred", ("3rd Rifle Division", "UNIT")),
        ("the Bakhty commandant's office reported", ("Bakhty commandant's office", "UNIT")),
        ("the patrol of outpost No. 9 detained", ("outpost No. 9", "UNIT")),
        ("the 105th Guards Airborne Division landed", ("105th Guards Airborne Division", "UNIT")),
        ("Commanding General of the Transbaykal-Amur Military District", ("Transbaykal-Amur Military District", "UNIT")),
        ("As the Embassy of the Soviet Union pointed out", ("Embassy of the Soviet Union", "ORG")),
        ("support from the Blavatnik Family Foundation", ("Blavatnik Family Foundation", "ORG")),
        ("the forces of the government of East Turkestan headed by", ("government of East Turkestan", "ORG")),
        ("the cities of Bay and Nurgak in the north", ("Nurgak", "PLACE")),
        ("Zimunai, Koktokay, and Qinggil Counties of the district", ("Koktokay", "PLACE")),
    ],
)
def test_rule(text, expected):
    assert expected in _found(text)


def test_coordinated_units_keep_both_numbers():
    found = _found("Discipline is low in the 5th Cavalry and 3rd Rifle Divisions newly sent")
    assert ("5th Cavalry", "UNIT") in found and ("3rd Rifle Divisions", "UNIT") in found
    found = _found("composed of the 1st and 5th Cavalry Divisions with a total")
    assert ("1st and 5th Cavalry Divisions", "UNIT") in found


def test_titles_are_not_people_when_an_office_follows():
    found = _found("until special instructions of the General Staff. General Secretary of the party")
    assert not any(t == "PERSON" for _, t in found)
    assert ("General Staff", "ORG") in found


def test_lower_case_words_after_a_title_are_not_part_of_the_name():
    found = _found("One copy sent to Cde. Vyshinsky on 10 September")
    assert ("Vyshinsky", "PERSON") in found


def test_masking_keeps_offsets_and_hides_editorial_words():
    text = "[The following] ended up near Chuguchak [Tacheng], and to the [NKVD] Secretariat."
    masked = mask_apparatus(text, find_apparatus(text))
    assert len(masked) == len(text)
    assert "following" not in masked and "Tacheng" not in masked
    assert masked.index("Chuguchak") == text.index("Chuguchak")
    assert "NKVD" in masked and "[" not in masked


def test_paragraphs_are_offsets_into_the_text():
    text = "First para.\n\n  \nSecond para\nstill.\n\nThird."
    for off, p in paragraphs(text):
        assert text[off : off + len(p)] == p
    assert len(paragraphs(text)) == 3
