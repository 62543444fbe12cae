"""The archive authority: codes, names in every script, former names, written-out English names,
descriptive names ("Polish Foreign Ministry Archive") and archives named inside a longer phrase."""

from __future__ import annotations

import pytest

from opis.authority import archives as A


def test_authority_is_broad_and_complete_per_entry():
    rows = A.archives()
    assert len(rows) >= 40
    assert len({a.code for a in rows}) == len(rows)
    for a in rows:
        assert a.name_native and a.name_en and a.country and a.kind and a.scheme, a
    assert len({a.country for a in rows}) >= 25


# the archives issue 21 names, by a code or abbreviation a citation uses for each
LISTED = {
    "GARF": "GARF", "RGASPI": "RGASPI", "RGANI": "RGANI", "AVP RF": "AVP RF", "TsAMO": "TsAMO", "APRF": "APRF",
    "AP RF": "APRF", "RGVA": "RGVA", "RGAE": "RGAE", "SGA KNB RK": "SGA KNB RK", "PRC FMA": "PRC FMA",
    "MOL": "MNL OL", "MNL OL": "MNL OL", "AAN": "AAN", "ANIC": "ANIC", "SAPMO-BArch": "SAPMO-BArch",
    "PA AA": "PA AA", "AMVnR": "AMVnR", "NARA": "NARA", "TNA": "TNA", "AMZV": "AMZV", "NA ČR": "NA CR",
    "SÚA": "NA CR", "AÚV KSČ": "NA CR", "BStU": "BStU", "TsDAHOU": "TsDAHO", "HDA SBU": "HDA SBU", "LYA": "LYA",
    "LVA": "LVA", "ERAF": "ERAF", "MNA": "MNA", "MPRP Archive": "MPRP Archive", "TTLTQG III": "NAC III",
    "AMINREX": "MINREX Archive", "AQSH": "AQSh", "AJ": "AJ", "IPN": "AIPN", "CNSAS": "ACNSAS", "APRK": "AP RK",
    "TsGA RK": "TsGA RK", "XUAR Archive": "XUAR Archive", "DAMOFA": "DAMOFA", "NAI": "NAI", "NMML": "NMML",
    "ASMAE": "ASMAE", "MAE": "AD MAE", "ISA": "ISA", "SED Archives": "SAPMO-BArch", "Stasi Records Agency": "BStU",
}


@pytest.mark.parametrize("surface,code", list(LISTED.items()))
def test_listed_archives(surface, code):
    arc = A.lookup(surface)
    assert arc is not None and arc.code == code


@pytest.mark.parametrize(
    "name,code",
    [
        ("Archives of the Ministry of Foreign Affairs of the People's Republic of China", "PRC FMA"),
        ("Central Archive of the Ministry of Defense (TsAMO)", "TsAMO"),
        ("Central Archive of the Ministry of Defence", "TsAMO"),
        ("Russian State Archive of Contemporary History", "RGANI"),
        ("Hungarian National Archives", "MNL OL"),
        ("National Archives and Records Administration", "NARA"),
        ("the National Archives of the United Kingdom", "TNA"),
        ("Archive of the President of the Russian Federation", "APRF"),
        ("Political Archives of the German Foreign Office", "PA AA"),
        ("Israel State Archives", "ISA"),
        ("Nehru Memorial Museum and Library", "NMML"),
    ],
)
def test_full_english_names(name, code):
    assert A.lookup(name).code == code


@pytest.mark.parametrize(
    "name,code",
    [
        ("ГА РФ", "GARF"), ("ЦХСД", "RGANI"), ("Российский государственный архив социально-политической истории", "RGASPI"),
        ("中华人民共和国外交部档案馆", "PRC FMA"), ("外務省外交史料館", "DAMOFA"), ("Archiwum Akt Nowych", "AAN"),
        ("Magyar Országos Levéltár", "MNL OL"), ("Magyar Orszagos Leveltar", "MNL OL"),
        ("Arhivele Naţionale Istorice Centrale", "ANIC"), ("Archiv Ministerstva zahraničních věcí", "AMZV"),
        ("Politisches Archiv des Auswärtigen Amts", "PA AA"), ("Архив на Министерството на външните работи", "AMVnR"),
        ("Arhiv Jugoslavije", "AJ"), ("Архив Југославије", "AJ"), ("Lietuvos ypatingasis archyvas", "LYA"),
        ("ארכיון המדינה", "ISA"), ("Галузевий державний архів Служби безпеки України", "HDA SBU"),
    ],
)
def test_names_in_every_script(name, code):
    assert A.lookup(name).code == code


@pytest.mark.parametrize(
    "name,code",
    [
        ("Polish Foreign Ministry Archive", "AMSZ"), ("Romanian National Archives", "ANIC"),
        ("Archives of the Romanian Ministry of Foreign Affairs", "AMAE RO"),
        ("Archive of the Ministry of Foreign Affairs of Bulgaria", "AMVnR"), ("National Archives of Hungary", "MNL OL"),
        ("Brazilian Foreign Ministry Archives", "AHI"), ("Czechoslovak Foreign Ministry Archive", "AMZV"),
        ("Mongolian Foreign Ministry Archive", "MFA Mongolia"), ("Albanian Foreign Ministry Archive", "AMPJ"),
    ],
)
def test_descriptive_names_resolve_through_country_and_kind(name, code):
    assert A.lookup(name).code == code


def test_unknown_and_ambiguous_names_resolve_to_nothing():
    assert A.lookup("AMAE") is None  # French and Romanian foreign ministry archives both use it
    assert A.lookup("Russian Party Archive") is None  # RGASPI or RGANI: not guessed
    assert A.lookup("Archive of Nowhere") is None
    assert A.lookup("") is None


def test_former_names_are_kept_apart_from_aliases():
    rgani = A.lookup("RGANI")
    assert "TsKhSD" in rgani.former and "TsKhSD" not in rgani.aliases
    assert A.lookup("Centre for the Storage of Contemporary Documentation").code == "RGANI"


def test_find_archives_inside_a_longer_phrase():
    text = "Szyfrogramy from Waszyngton 1962, 6/77 w-86 t- 1312, Polish Foreign Ministry Archive (AMSZ), Warsaw"
    (m,) = A.find(text)
    assert m.archive.code == "AMSZ" and text[m.start : m.end] == "Polish Foreign Ministry Archive (AMSZ)"
    text = "copy obtained by NHK and on file at the Archive of Foreign Policy of the Russian Federation, Moscow"
    (m,) = A.find(text)
    assert m.archive.code == "AVP RF" and text[m.end :] == ", Moscow"
    text = "Ministry of External Relations Archives, Brasilia, Brazil"
    assert [(m.archive.code, m.rule) for m in A.find(text)] == [("AHI", "descriptor")]


def test_find_prefers_the_longer_name_and_ignores_codes_inside_words():
    assert [m.archive.code for m in A.find("Hungarian National Archives")] == ["MNL OL"]
    assert [m.archive.code for m in A.find("National Archives of India, New Delhi")] == ["NAI"]
    assert A.find("GARFIELD and the TNAB were mentioned") == []
