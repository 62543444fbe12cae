"""Quantities and claims in sentences written in the style of other archival reports (not the seeds)."""

from __future__ import annotations

import pytest

from opis.extract import edtf_values as ev
from opis.extract.dates_text import find_dates
from opis.extract.numbers import find_quantities
from opis.model import Agent, Document, Mention, Provenance
from opis.pipeline.claims import claims as claims_component
from opis.pipeline.dates import dates as dates_component


def run(text: str, date=None, *, article: bool = False, mentions=None, authors=None) -> Document:
    doc = Document(
        id="t",
        text=text,
        date=date or ev.day(1932, 6, 30),
        provenance=Provenance(path="t.txt", sha256="0", format="text", reader="test", layout="article" if article else "archive_record"),
    )
    doc.mentions = list(mentions or [])
    doc.authors = [Agent(name=a) for a in authors or []]
    return claims_component(dates_component(doc))


def by_value(doc: Document):
    return {c.value: c for c in doc.claims}


# --- quantities -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "value", "low", "high", "unit", "qualifier", "normalized"),
    [
        ("a gang numbering no fewer than 150 horsemen", 150, None, None, None, "no less than", None),
        ("a detachment of some 2,300 men", 2300, None, None, None, "approximately", None),
        ("between 3,000 and 4,000 refugees", None, 3000, 4000, None, None, None),
        ("approximately 9 dessiatines of sown land", 9, None, None, "dessiatine", "approximately", 9.833),
        ("intercepted 12 versts from the post", 12, None, None, "verst", None, 12.802),
        ("a fine of 300 rubles was imposed", 300, None, None, "rubles", None, None),
        ("7 rubles 5 kopecks in coins", 7.05, None, None, "rubles", None, None),
        ("nearly 70 percent of all cases", 70, None, None, "%", "nearly", None),
        ("twenty-five thousand head of cattle", 25000, None, None, None, None, None),
        ("as many as 1.5 million poods of grain", 1_500_000, None, None, "pud", "up to", 24_570_000),
        ("около 500 человек", 500, None, None, None, "approximately", None),
        ("более 1 500 человек", 1500, None, None, None, "over", None),
    ],
)
def test_quantities(text, value, low, high, unit, qualifier, normalized):
    (q,) = find_quantities(text)
    assert (q.value, q.low, q.high, q.unit, q.qualifier) == (value, low, high, unit, qualifier)
    if normalized is not None:
        assert q.normalized_value == pytest.approx(normalized, rel=1e-3)
    assert text[q.start:q.end] == q.text


@pytest.mark.parametrize(
    "text",
    [
        "GARF, f. R-1235, op. 140, d. 1242, ll. 15–17.",
        "SGA KNB RK, f. 9, op. 1, d. 438, l. 76.",
        "Order Nº 1041/b of the Secretariat",
        "from index 54 N283 and N1/8/17108",
        "See pp. 112–118 and Art. 59-9.",
        "Historical Courier, no. 4 (2020): 67–86.",
        "the 49th border detachment and outpost No. 9",
        "signals from 6:00 p.m. until 8:00 p.m.",
        "1 - to the addressee",
        "grant AP23485356, ORCID 0000-0001-9636-5271",
    ],
)
def test_signatures_pages_and_numbers_are_not_quantities(text):
    dates = [(d.start, d.end) for d in find_dates(text)]  # years are dates; the caller removes them
    assert find_quantities(text, dates) == []


# --- claims ------------------------------------------------------------------------------------
def test_flight_report_with_source_place_time_and_qualifiers():
    text = (
        "According to the district militia, in March 1931 some 2,300 people fled across the border into Mongolia, "
        "driving about 40,000 head of cattle."
    )
    mongolia = Mention(start=text.index("Mongolia"), end=text.index("Mongolia") + 8, surface="Mongolia", type="PLACE", entity_id="place:mongolia")
    c = by_value(run(text, mentions=[mongolia]))
    people = c[2300]
    assert people.qualifier == "approximately"
    assert people.date.edtf == "1931-03"
    assert "people" in people.what and "fled" in people.what
    assert people.place == "place:mongolia"
    assert people.reported_by == "district militia"
    assert "cattle" in c[40000].what and c[40000].qualifier == "approximately"


def test_losses_in_words_and_the_verb_that_counts_them():
    doc = run("In the clash on 3 June the detachment lost eleven men killed and twenty-three wounded.")
    c = by_value(doc)
    assert set(c) == {11, 23}
    assert "men" in c[11].what
    assert "wounded" in c[23].what
    assert c[11].date.edtf == "1932-06-03"  # day from the clause, year from the document


def test_undated_figure_in_a_primary_source_is_about_the_document_date_and_author():
    doc = run("The rebels now have up to 150 horsemen and two machine guns.", ev.day(1945, 9, 5), authors=["L. Beria"])
    c = by_value(doc)
    assert c[150].qualifier == "up to" and "horsemen" in c[150].what
    assert c[150].date.edtf == "1945-09-05"
    assert c[150].reported_by == "L. Beria"
    assert "machine guns" in c[2].what


def test_article_claims_inherit_time_from_the_paragraph_not_the_publication_date():
    text = (
        "In 1929 the famine reached the steppe.\n\n"
        "In 1931, the militia detained 1,200 herders crossing into China. The number of households that left "
        "was estimated at no less than 3,500."
    )
    c = by_value(run(text, ev.month(2024, 5), article=True))
    assert c[1200].date.edtf == "1931"
    assert "herders" in c[1200].what and "detained" in c[1200].what
    assert c[3500].qualifier == "no less than"
    assert c[3500].date.edtf == "1931"
    assert "households" in c[3500].what


def test_figures_in_a_list_each_get_their_own_date():
    c = by_value(run("The town had 4,100 inhabitants in 1926; 5,900 inhabitants in 1939.", article=True))
    assert (c[4100].date.edtf, c[5900].date.edtf) == ("1926", "1939")


def test_money_units_and_ranges_in_claims():
    text = "On 2 May 1934 a courier was detained 8 versts from the post carrying 45 rubles 50 kopecks; 300–400 sheep were driven off."
    c = by_value(run(text))
    assert c[45.5].unit == "rubles" and c[45.5].date.edtf == "1934-05-02"
    assert c[8].quantity.normalized_value == pytest.approx(8.534, rel=1e-3) and c[8].unit == "verst"
    assert c["300–400"].quantity.low == 300 and "sheep" in c["300–400"].what


def test_signature_and_document_numbers_never_become_claims():
    text = (
        "Report No. 347 of 12 May 1932 (GARF, f. R-1235, op. 140, d. 1242, ll. 15–17) states that 640 families were resettled "
        "from the 22-kilometre zone. See also Order Nº 1041/b and pp. 112–118."
    )
    doc = run(text)
    values = sorted(str(c.value) for c in doc.claims)
    assert values == ["22", "640"]
    assert by_value(doc)[640].date.edtf == "1932-05-12"


def test_years_and_dates_are_not_claims():
    doc = run("In 1930 and again on 5 March 1931 the commission met; in the 1920s it met twice a year.")
    assert all(c.value not in (1930, 1931, 5, 1920) for c in doc.claims)


def test_russian_report():
    text = "По данным погранотряда, в 1932 г. задержано более 1 500 человек, а в ноябре 1933 г. около 300 семей ушли в Китай."
    c = by_value(run(text))
    assert c[1500].qualifier == "over" and c[1500].date.edtf == "1932"
    assert "человек" in c[1500].what
    assert c[300].qualifier == "approximately" and c[300].date.edtf == "1933-11"
    assert "сем" in c[300].what


def test_vague_amounts_keep_their_words():
    c = run("By late April tens of thousands of people had entered Soviet territory.", ev.day(1962, 4, 30)).claims
    assert c[0].value == "tens of thousands"
    assert c[0].quantity.low == 10000 and c[0].quantity.high == 99999
    assert c[0].date.edtf == "1962-04-21/1962-04-30"
    assert "people" in c[0].what and "entered" in c[0].what


def test_article_numbers_in_a_code_list_are_not_claims():
    doc = run("In 1929 he was charged under articles of the Customs Code (164-a, 166-zh, 167, 168) and fined 50 rubles.")
    assert [c.value for c in doc.claims] == [50]


def test_inherited_time_prefers_the_date_that_opens_a_clause():
    text = (
        "In October 1932, border guards clashed with a gang of approximately 60 people. The gang included herders who had "
        "left the collective farms in 1930–1931. Barriers were set up at four passes."
    )
    c = by_value(run(text, ev.month(2024, 5), article=True))
    assert c[4].date.edtf == "1932-10"
    assert c[60].qualifier == "approximately" and c[60].date.edtf == "1932-10"


def test_named_periods_date_a_claim():
    c = by_value(run("On the eve of the First World War the colony numbered over 9,000 settlers.", article=True))
    assert c[9000].qualifier == "over" and c[9000].date.edtf == "1913~"


def test_partitive_and_casualty_lists():
    c = by_value(run("During 1937 the troika of the region sentenced 1,243 persons, of whom 811 were shot."))
    assert "persons" in c[1243].what and "sentenced" in c[1243].what
    assert c[811].what == "persons shot" and c[811].date.edtf == "1937"
    c = by_value(run("Losses of the regiment amounted to 27 dead, 64 wounded and 9 missing."))
    assert [c[v].what.split()[0] for v in (27, 64, 9)] == ["dead", "wounded", "missing"]
    assert "regiment" in c[27].what


def test_distances_name_what_they_are_measured_from():
    c = by_value(run("On 4 May 1936 a smuggler was caught 3 versts north of the Khorgos post carrying 120 rubles."))
    assert c[3].what == "distance north of Khorgos post" and c[3].quantity.normalized_value == pytest.approx(3.2, rel=1e-2)
    assert c[120].unit == "rubles" and c[120].date.edtf == "1936-05-04"
