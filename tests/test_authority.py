"""The authority files and the resolver: names as sources write them, in every script."""

from __future__ import annotations

import re

import pytest

import opis.authority as A
from conftest import gold
from opis.authority.loader import AuthorityDataError, read_file
from opis.authority.normalize import normalize

# --- the seeds' gold: every canonical name the authority knows is reached from its surface ----------


def _gold_entities():
    for prefix in ("000", "001", "002", "003", "004"):
        g = gold(prefix)
        for e in g.get("entities") or g.get("entities_sample") or []:
            yield prefix, e


KNOWN = [(p, e) for p, e in _gold_entities() if e["canonical"] in {x.label for x in A.entries()}]


def test_gold_names_are_in_the_authority():
    assert len(KNOWN) >= 80


@pytest.mark.parametrize(("prefix", "ent"), KNOWN, ids=[f"{p}:{e['surface']}" for p, e in KNOWN])
def test_gold_surface_resolves_to_canonical(prefix, ent):
    m = A.resolve(ent["surface"], ent["type"])
    assert m is not None, ent
    assert m.entity.label == ent["canonical"]


def test_every_gold_gloss_resolves_to_the_entry_of_its_name():
    # "Chuguchak [Tacheng]": the gloss names the same place as the surface
    for surface, gl in [("Chuguchak", "Tacheng"), ("Dörbiljin", "Emin"), ("Koktokay", "Fuyun"),
                        ("Qinggil", "Qinghe"), ("Bay", "Baicheng"), ("Karashar", "Yanqi"),
                        ("Tashkurgan", "Tashiku’ergan"), ("JIANG JIESHI", "Chiang Kai-shek"),
                        ("Jinghe", "Jing")]:
        assert A.resolve(surface).entity.id == A.resolve(gl).entity.id, (surface, gl)


# --- generalisation: names the seeds do not contain ---------------------------------------------


@pytest.mark.parametrize(("surface", "type", "expected", "method"), [
    ("Кульджа", "PLACE", "place:yining", "exact"),
    ("伊宁", None, "place:yining", "exact"),
    ("Kuldzha", "PLACE", "place:yining", "exact"),
    ("Kul'dzha", "PLACE", "place:yining", "translit"),      # Russian soft sign, not listed as such
    ("Tihwa", "PLACE", "place:urumqi", "exact"),
    ("迪化", None, "place:urumqi", "exact"),
    ("Fengtian", "PLACE", "place:shenyang", "exact"),
    ("Vernyi", "PLACE", "place:almaty", "exact"),
    ("Dzharkent", "PLACE", "place:zharkent", "exact"),
    ("Джаркент", None, "place:zharkent", "exact"),
    ("Panfilov", "PLACE", "place:zharkent", "exact"),
    ("Semipalatinsk Oblast", "PLACE", "place:semey", "exact"),
    ("Chuguchak uezd", "PLACE", "place:tacheng", "exact"),
    ("the city of Kashgar", "PLACE", "place:kashgar", "exact"),
    ("Lake Balkhash", "PLACE", "place:lake-balkhash", "exact"),
    ("Lake Zaisan", "PLACE", "place:lake-zaysan", "exact"),
    ("Mao Tse-tung", "PERSON", "person:mao-zedong", "exact"),
    ("Мао Цзэдун", "PERSON", "person:mao-zedong", "exact"),
    ("Chou En-lai", "PERSON", "person:zhou-enlai", "exact"),
    ("SHENG SHICAI", "PERSON", "person:sheng-shicai", "exact"),
    ("Шэн Шицай", "PERSON", "person:sheng-shicai", "exact"),
    ("Comrade Khrushchev", "PERSON", "person:nikita-khrushchev", "exact"),
    ("N. S. Khrushchev", "PERSON", "person:nikita-khrushchev", "exact"),
    ("Khrushchev N.S.", "PERSON", "person:nikita-khrushchev", "exact"),
    ("Н.С. Хрущев", "PERSON", "person:nikita-khrushchev", "exact"),
    ("Marshal of the Soviet Union K.K. Rokossovsky", "PERSON", "person:konstantin-rokossovsky", "exact"),
    ("Lavrentii Beriia", "PERSON", "person:lavrentiy-beria", "exact"),
    ("Lavrenty Pavlovich Beriya", "PERSON", "person:lavrentiy-beria", "translit"),
    ("Chiang Chung-cheng", "PERSON", "person:chiang-kai-shek", "exact"),
    ("Чан Кайши", "PERSON", "person:chiang-kai-shek", "exact"),
    ("NKVD of the Kazakh SSR", "ORG", "org:nkvd-kazakh-ssr", "exact"),
    ("НКВД СССР", "ORG", "org:nkvd", "exact"),
    ("Ob'edinennoe gosudarstvennoe politicheskoe upravlenie", "ORG", "org:ogpu", "exact"),
    ("50-й пограничный отряд", "UNIT", "unit:50th-border-detachment", "exact"),
    ("Fifth Cavalry Division", "UNIT", "unit:5th-cavalry-division", "exact"),
    ("5th Cavalry Divisions", "UNIT", "unit:5th-cavalry-division", "exact"),
    ("CC CPSU", "ORG", "org:cpsu-cc", "exact"),
])
def test_resolve_variants_across_scripts(surface, type, expected, method):
    m = A.resolve(surface, type)
    assert m is not None, surface
    assert (m.entity.id, m.method) == (expected, method)


def test_fuzzy_catches_misspellings_but_not_short_strings():
    m = A.resolve("Semipalatisnk", "PLACE")
    assert m and m.entity.id == "place:semey" and m.method == "fuzzy" and m.score < 0.9
    m = A.resolve("Khrushchyov", "PERSON")
    assert m and m.entity.id == "person:nikita-khrushchev"
    assert A.resolve("Bau", "PLACE") is None           # not Bay
    assert A.resolve("Alma", "PLACE") is None          # not Alma-Ata
    assert A.resolve("Ivanov", "PERSON") is None       # no such person; no near surname


def test_type_is_respected():
    assert A.resolve("Bay", "PERSON") is None
    assert A.resolve("Malinovsky", "PLACE") is None
    # the East Turkestan government is an organisation, the region a place
    assert A.resolve("government of East Turkestan", "ORG").entity.id == "org:east-turkestan-republic"
    assert A.resolve("East Turkestan", "PLACE").entity.id == "place:xinjiang"


def test_gloss_decides_when_the_surface_is_unknown():
    m = A.resolve("Chuguchakh", gloss="Tacheng")
    assert m.entity.id == "place:tacheng" and m.method == "gloss"
    m = A.resolve("Tashiku'ergan [Tashkurgan]")
    assert m.entity.id == "place:tashkurgan"
    assert A.resolve("Xyzzyville", gloss="Nowhere-at-all") is None


def test_initials_must_fit():
    assert A.resolve("I.V. Stalin").entity.id == "person:joseph-stalin"
    assert A.resolve("J.V. Stalin").entity.id == "person:joseph-stalin"
    assert A.resolve("Stalin").entity.id == "person:joseph-stalin"
    # wrong initials: not Stalin
    assert A.resolve("P.K. Stalin", "PERSON") is None
    assert A.resolve("A.M. Vasilevsky").entity.id == "person:aleksandr-vasilevsky"


def test_ambiguous_name_prefers_curated_borderland_entry():
    assert A.resolve("Suzhou").entity.id == "place:jiuquan"
    assert A.resolve("Soochow").entity.id == "place:suzhou-jiangsu"
    assert A.resolve("Altay").entity.id == "place:altay"
    assert A.resolve("Moscow").entity.id == "place:moscow"     # not Moscow, Idaho


def test_long_tail_from_geonames():
    m = A.resolve("Osaka")
    assert m.entity.country == "JP" and m.entity.geonames and m.entity.lat is not None
    assert A.resolve("Bombay").entity.label == "Mumbai"
    assert A.resolve("Новосибирск").entity.id == "place:novosibirsk"


# --- variants, countries, demonyms, renamings -----------------------------------------------


def test_variants_give_every_name_in_every_script():
    v = A.variants("Kulja")
    assert {"Yining", "Ghulja", "Кульджа", "伊宁"} <= set(v)
    v = A.variants("Jiang Jieshi")
    assert {"Chiang Kai-shek", "蒋介石", "Чан Кайши"} <= set(v)
    assert A.variants("Zzzxq") == []
    assert A.variants("") == []


def test_country_and_hierarchy():
    assert A.country_of("place:tacheng") == "place:china"
    assert A.country_of("place:zharkent") == "place:kazakhstan"
    assert A.country_of("place:china") == "place:china"
    assert A.country_of("person:joseph-stalin") == "place:soviet-union"
    assert A.country_of("place:nowhere") is None
    assert A.hierarchy("place:emin") == ["place:emin", "place:tarbagatai", "place:xinjiang", "place:china"]


def test_demonyms():
    assert A.demonym_country("Soviet") == "place:soviet-union"
    assert A.demonym_country("Chinese") == "place:china"
    assert A.demonym_country("Americans") == "place:united-states"
    assert A.demonym_country("Manchurian") == "place:china"
    assert A.demonym_country("советский") == "place:soviet-union"
    assert A.demonym_country("Table") is None


def test_renamings_chain():
    chain = A.renamings("org:nkvd")
    assert chain[:4] == ["org:cheka", "org:gpu", "org:ogpu", "org:nkvd"]
    assert A.renamings("org:gpu") == chain


# --- find_names over running text -------------------------------------------------------------

TEXT = (
    "On 12 May 1962 the Chinese consulate in Kuldja reported that residents of Chapchal and "
    "Huocheng County crossed to Panfilov. Cde. N. S. KHRUSHCHEV was informed by the KGB; "
    "us officials in Washington heard of it later. Бегство из Кульджи и Чугучака в Казахстан. "
    "塔城的居民 went to Bakhty. The Kyzyl-Aul outpost was closed and the Bay of Biscay is far."
)


def test_find_names_spans_and_ids():
    found = {(TEXT[s:e], i) for s, e, i in A.find_names(TEXT)}
    for pair in [("Kuldja", "place:yining"), ("Chapchal", "place:chapchal"),
                 ("Huocheng County", "place:huocheng"), ("Panfilov", "place:zharkent"),
                 ("KHRUSHCHEV", "person:nikita-khrushchev"), ("KGB", "org:kgb"),
                 ("Washington", "place:washington"), ("Казахстан", "place:kazakhstan"),
                 ("塔城", "place:tacheng"), ("Bakhty", "place:bakhty")]:
        assert pair in found, pair
    surfaces = {s for s, _ in found}
    assert "us" not in surfaces            # all-capital names only in capitals
    assert "Kyzyl" not in surfaces         # long-tail name inside a compound
    assert not any(s.lower() == "the" for s in surfaces)


def test_find_names_is_leftmost_longest_and_non_overlapping():
    hits = A.find_names("The Special Council of the NKVD of the USSR met.")
    assert [(h[2]) for h in hits][0] == "org:special-council-nkvd"
    ends = [e for _, e, _ in hits]
    starts = [s for s, _, _ in hits]
    assert all(s >= e for s, e in zip(starts[1:], ends[:-1], strict=False))


# --- normalisation ------------------------------------------------------------------------------


@pytest.mark.parametrize(("a", "b"), [
    ("Чугучак", "Chuguchak"), ("Жаркент", "Jarkent"), ("Zharkent", "Dzharkent"), ("Khorgos", "Horgos"),
    ("毛泽东", "Mao Tse-tung"), ("Hsin-chiang", "Xinjiang"), ("新疆", "Xinjiang"), ("Aleksei", "Alexey"),
    ("Dörbiljin", "DORBILJIN"), ("Fifth Cavalry Army", "5th cavalry army"), ("Bulunkul'", "Bulunkul"),
])
def test_normalize_equates(a, b):
    assert normalize(a) == normalize(b)


@pytest.mark.parametrize(("a", "b"), [("Tacheng", "Taching"), ("Ili", "Ala"), ("Emin", "Amin")])
def test_normalize_keeps_different_names_apart(a, b):
    assert normalize(a) != normalize(b)


# --- the data files ---------------------------------------------------------------------------


def test_data_sizes():
    counts = {t: sum(1 for _ in A.entries(t)) for t in ("PLACE", "PERSON", "ORG", "UNIT")}
    assert counts["PLACE"] >= 400 and counts["PERSON"] >= 150
    assert counts["ORG"] + counts["UNIT"] >= 80


def test_data_integrity():
    r = A.resolver()
    iso = re.compile(r"^[A-Z]{2}$")
    curated_places = 0
    for rec in r.records.values():
        e = rec.entity
        for ref in (rec.parent, rec.predecessor, rec.successor):
            assert ref is None or ref in r.records, (e.id, ref)
        assert e.country is None or iso.match(e.country), (e.id, e.country)
        if e.type == "PLACE":
            if e.lat is not None:
                assert -90 <= e.lat <= 90 and -180 <= e.lon <= 180, e.id
            if e.country:
                assert A.country_of(e.id), (e.id, e.country)
            if rec.source == "curated":
                curated_places += 1
        for v in e.variants:
            assert v.name.strip() == v.name and v.name, e.id
    assert curated_places >= 200


def test_malformed_file_names_file_and_line(tmp_path):
    bad = tmp_path / "places.csv"
    bad.write_text("# comment\nid,label,variants,lat,lon\nplace:x,X,,north,1\n", encoding="utf-8")
    with pytest.raises(AuthorityDataError, match=r"places\.csv: line 3: lat 'north'"):
        list(read_file(bad, "PLACE"))
    bad.write_text("id,label\nPlace X,X\n", encoding="utf-8")
    with pytest.raises(AuthorityDataError, match="bad id"):
        list(read_file(bad, "PLACE"))


# --- Russian originals: inflected forms ----------------------------------------------------------


@pytest.mark.parametrize(("surface", "expected"), [
    ("Кульджи", "place:yining"), ("Чугучака", "place:tacheng"), ("Алма-Аты", "place:almaty"),
    ("Казахской ССР", "place:kazakhstan"), ("Сталину", "person:joseph-stalin"),
    ("Хрущёва", "person:nikita-khrushchev"), ("Берии", "person:lavrentiy-beria"),
])
def test_russian_case_forms_resolve(surface, expected):
    m = A.resolve(surface)
    assert m is not None and m.entity.id == expected and m.method == "translit"


def test_find_names_in_russian_text():
    text = "Или: бегство из Кульджи и Чугучака в Казахстан. Доклад тов. Сталину и Молотову из Алма-Аты."
    found = [(text[s:e], i) for s, e, i in A.find_names(text)]
    assert found == [
        ("Кульджи", "place:yining"), ("Чугучака", "place:tacheng"), ("Казахстан", "place:kazakhstan"),
        ("Сталину", "person:joseph-stalin"), ("Молотову", "person:vyacheslav-molotov"),
        ("Алма-Аты", "place:almaty"),
    ]


def test_soviet_era_city_names_and_indeclinable_forms():
    assert A.resolve("Stalingrad").entity.id == "place:volgograd"
    assert A.resolve("Сталинградом").entity.id == "place:volgograd"
    assert A.resolve("Sverdlovsk").entity.id == "place:yekaterinburg"
    assert A.resolve("Сталино").entity.id == "place:donetsk"       # indeclinable place name
    assert A.resolve("Сталину").entity.id == "person:joseph-stalin"  # dative of the surname
    assert A.country_of("place:volgograd") == "place:russia"


@pytest.mark.parametrize(("surface", "expected"), [
    ("49-го пограничного отряда", "unit:49th-border-detachment"),
    ("50-м пограничным отрядом", "unit:50th-border-detachment"),
    ("Зайсанского погранотряда", "unit:50th-border-detachment"),
    ("Молотовым", "person:vyacheslav-molotov"),
])
def test_russian_unit_and_instrumental_forms(surface, expected):
    m = A.resolve(surface)
    assert m is not None and m.entity.id == expected and m.method == "translit"


def test_index_cache_round_trip(tmp_path, monkeypatch):
    monkeypatch.setenv("OPIS_CACHE_DIR", str(tmp_path))
    A.resolver.cache_clear()
    try:
        built = A.resolver()
        files = list(tmp_path.glob("authority-*.pickle"))
        assert len(files) == 1
        A.resolver.cache_clear()
        loaded = A.resolver()
        assert loaded is not built and len(loaded.records) == len(built.records)
        assert A.resolve("Chuguchak").entity.id == "place:tacheng"
        # a corrupt cache file is rebuilt, not fatal
        files[0].write_bytes(b"not a pickle")
        A.resolver.cache_clear()
        assert A.resolve("Кульджи").entity.id == "place:yining"
    finally:
        A.resolver.cache_clear()
