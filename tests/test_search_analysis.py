"""Analysis: folding, English and Russian stemming, Chinese bigrams, date terms."""

from __future__ import annotations

from opis.search import dates
from opis.search.analysis import analyze, fold, keywords, tokenize


def test_case_and_diacritic_folding():
    assert fold("Dörbiljin") == fold("DORBILJIN") == "dorbiljin"
    assert analyze("Ürümqi") == analyze("Urumqi")
    assert fold("Ёлкин") == "елкин"


def test_english_stemming():
    assert analyze("borders crossed") == analyze("border crossing")
    assert analyze("detained refugees") == analyze("detaining refugee")
    assert analyze("migration") != analyze("migrant")  # different words stay apart


def test_russian_stemming():
    assert analyze("пограничники задержали") == analyze("пограничников задержал")
    assert analyze("Синьцзян") == analyze("Синьцзяна")
    assert analyze("границы") == analyze("граница")


def test_scripts_are_stemmed_by_their_own_rules_in_one_text():
    terms = analyze("Border guards — пограничные заставы")
    assert terms[:2] == ["border", "guard"]
    assert terms[2:] == analyze("пограничная застава")


def test_chinese_bigrams_and_single_characters():
    assert analyze("塔城地区") == ["塔城", "城地", "地区"]
    assert analyze("城") == ["城"]
    assert analyze("Tacheng 塔城") == ["tacheng", "塔城"]


def test_tokens_keep_offsets_into_the_original_text():
    text = "Chuguchak [Tacheng], Dörbiljin"
    toks = tokenize(text)
    assert [text[t.start:t.end] for t in toks] == ["Chuguchak", "Tacheng", "Dörbiljin"]
    assert toks[2].word == "dorbiljin"


def test_keywords_fold_without_stemming():
    assert keywords("Special Importance") == ["special", "importance"]


def test_date_terms_overlap_at_document_precision():
    day = set(dates.doc_terms("1945-09-05", "1945-09-05"))
    year = set(dates.doc_terms("1945-01-01", "1945-12-31"))
    decade = set(dates.doc_terms("1920-01-01", "1939-12-31"))

    def hit(doc: set[str], lo: str | None, hi: str | None) -> bool:
        return bool(doc & set(dates.query_terms(lo, hi)))

    assert hit(day, "1945-09-01", "1945-09-30") and not hit(day, "1945-08-01", "1945-08-31")
    assert hit(day, "1945-01-01", "1962-12-31") and hit(day, None, "1945-09-05") and not hit(day, "1945-09-06", None)
    assert hit(year, "1945-08-01", "1945-08-31")  # a document dated 1945 overlaps August 1945
    assert not hit(year, "1946-01-01", "1946-03-31")
    assert hit(decade, "1931-05-01", "1931-05-31") and not hit(decade, "1940-01-01", "1945-12-31")
    assert dates.doc_terms(None, None) == []


def test_snippet_matches_accents_and_case_where_lowercasing_moves_offsets():
    from opis.search.snippets import find_matches

    # "İ" lower-cases to two characters, so the text is searched case-insensitively as it is
    text = "İstanbul: DÖRBILJIN and Dörbiljin, then dorbiljin; Chuguchak."
    found = [text[a:b] for a, b, _t in find_matches(text, {"dorbiljin"})]
    assert found == ["DÖRBILJIN", "Dörbiljin", "dorbiljin"]
    plain = "Dörbiljin or DORBILJIN"
    assert [plain[a:b] for a, b, _t in find_matches(plain, {"dorbiljin"})] == ["Dörbiljin", "DORBILJIN"]


def test_snippet_escapes_the_text_and_marks_only_matches():
    from opis.search.snippets import snippet

    marked = snippet('Refugees <b>&</b> "crossed"\n\n the refugee camp', {"refuge"})
    assert marked == ('<mark>Refugees</mark> &lt;b&gt;&amp;&lt;/b&gt; &quot;crossed&quot; the '
                      '<mark>refugee</mark> camp')
    # control characters in the document do not turn into marks
    odd = snippet("a \x01 refugees \x02 <x>", {"refuge"})
    assert odd.count("<mark>") == 1 and "<mark>refugees</mark>" in odd and "&lt;x&gt;" in odd


def test_a_page_of_snippets_is_made_as_each_one_alone(seeds_dir):
    """Marker.snippets strings a page of texts together; each snippet must be the one
    Marker.snippet makes of its text alone, also beside texts that it cannot string together."""
    import random

    from opis.search.analysis import analyze
    from opis.search.snippets import marker

    texts = [p.read_text(encoding="utf-8") for p in sorted(seeds_dir.glob("*.txt"))]
    rnd = random.Random(7)
    pages = 0
    for text in texts:
        terms = analyze(text)
        for k in range(12):
            mark = marker(frozenset(rnd.sample(terms, 3)), frozenset({"bord"} if k % 2 else set()))
            starts = [rnd.randrange(max(1, len(text) - 100)) for _ in range(8)]
            page = [text[s : s + rnd.choice([80, 400, 3000])] for s in starts]
            page += [["", "  \n "], ["a \x01 b " + page[0]], ["İstanbul " + page[1]], ["塔城 " + page[2]]][k % 4]
            assert mark.snippets(page) == [mark.snippet(t) for t in page]
            pages += 1
    assert pages >= 50
