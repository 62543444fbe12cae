"""The one name key of opis: ``normalize(name) -> str``.

Two names get the same key when they differ only by case, diacritics, script or a common
romanisation convention:

* Unicode NFKC, then Chinese characters -> toneless pinyin (``pypinyin``), then every other script
  -> ASCII with ``unidecode`` (its Cyrillic table is close to BGN/PCGN: Чугучак -> Chuguchak);
* lower case; apostrophes, soft/hard signs, hyphens, dots and spaces dropped;
* Wade–Giles syllables that are not valid pinyin are mapped to pinyin one syllable at a time
  (``Mao Tse-tung`` -> maozedong, ``Chou En-lai`` -> zhouenlai, ``Hsin-chiang`` -> xinjiang);
* spelled-out ordinals become numerals (``Fifth`` -> 5th);
* competing Latin spellings of Russian/Turkic sounds are folded (dzh/zh/j, kh/h, gh/g,
  y/i, x/ks, w/v, ts/c, doubled letters), so ``Jarkent``/``Zharkent``/``Жаркент``,
  ``Khorgos``/``Horgos``, ``Lavrentiy``/``Лаврентий`` share one key.

The key is for matching only; it is never shown to a user.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from unidecode import unidecode

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_APOSTROPHES = re.compile(r"['’ʼʹʺ`´‘ʻ\"“”]")
_SPLIT = re.compile(r"[^a-z0-9]+")

# Wade–Giles (and postal) syllables that are not themselves pinyin syllables -> pinyin.
_WADE_GILES = {
    "tse": "ze", "tsu": "zu", "tzu": "zi", "ssu": "si", "szu": "si", "tso": "zuo", "tsung": "zong",
    "tsai": "cai", "tsao": "cao", "tsen": "cen", "tseng": "zeng", "tsui": "cui", "tsun": "cun",
    "tung": "dong", "kung": "gong", "lung": "long", "nung": "nong", "sung": "song", "yung": "yong",
    "hung": "hong", "jung": "rong", "chung": "zhong", "chou": "zhou", "chiang": "jiang",
    "chih": "zhi", "shih": "shi", "jih": "ri", "jen": "ren", "jo": "ruo", "jou": "rou", "juan": "ruan",
    "chin": "jin", "ching": "jing", "chien": "jian", "chieh": "jie", "chiao": "jiao", "chiu": "jiu",
    "chuan": "chuan", "chueh": "jue", "chun": "jun", "chiung": "jiong",
    "hsi": "xi", "hsia": "xia", "hsiang": "xiang", "hsiao": "xiao", "hsieh": "xie", "hsien": "xian",
    "hsin": "xin", "hsing": "xing", "hsiu": "xiu", "hsiung": "xiong", "hsu": "xu", "hsuan": "xuan",
    "hsueh": "xue", "hsun": "xun", "kuo": "guo", "kuang": "guang", "kuei": "gui", "kiang": "jiang",
    "tien": "tian", "pien": "bian", "mien": "mian", "lien": "lian", "nien": "nian", "yeh": "ye",
    "huo": "huo", "hwa": "hua", "kwang": "guang", "yuen": "yuan", "tsin": "jin", "tsing": "qing",
    "tai": "tai", "tao": "tao", "teh": "de", "ko": "ge", "po": "bo", "lo": "luo", "to": "duo",
}

_ORDINALS = {
    "first": "1st", "second": "2nd", "third": "3rd", "fourth": "4th", "fifth": "5th", "sixth": "6th",
    "seventh": "7th", "eighth": "8th", "ninth": "9th", "tenth": "10th", "eleventh": "11th",
    "twelfth": "12th",
}

# Applied in order on the compact key.
_FOLDS = (
    ("shch", "sh"), ("sch", "sh"), ("dzh", "j"), ("dj", "j"), ("zh", "j"), ("kh", "h"), ("gh", "g"),
    ("tsz", "z"), ("ts", "c"), ("tz", "z"), ("x", "ks"), ("w", "v"), ("y", "i"), ("ck", "k"),
    ("ph", "f"),
)
_DOUBLE = re.compile(r"([a-z])\1+")


def has_han(text: str) -> bool:
    """Whether the text contains a Chinese (Han) character."""
    return bool(_HAN.search(text))


def to_latin(name: str) -> str:
    """``name`` in Latin letters: pinyin for Chinese characters, unidecode for the rest."""
    text = unicodedata.normalize("NFKC", name)
    if has_han(text):
        from pypinyin import lazy_pinyin  # imported on first use: its dictionary takes a second to load

        parts: list[str] = []
        for piece in lazy_pinyin(text):
            if parts and _HAN.search(piece) is None and piece.isalpha() and parts[-1].isalpha():
                parts.append(" ")
            parts.append(piece)
        text = "".join(parts)
    return unidecode(text)


_DASHES = re.compile(r"[‐‑‒–—]")
_SPACED_HYPHEN = re.compile(r"\s*-\s*")


@lru_cache(maxsize=65536)
def simple_key(name: str) -> str:
    """The *exact* key: NFKC, case-folded, one kind of apostrophe and hyphen, single spaces."""
    text = unicodedata.normalize("NFKC", name).casefold()
    text = _APOSTROPHES.sub("'", text)
    text = _DASHES.sub("-", text)
    text = _SPACED_HYPHEN.sub("-", text)
    return " ".join(text.split())


@lru_cache(maxsize=65536)
def normalize(name: str) -> str:
    """The transliteration-normalised key of ``name`` (see the module docstring)."""
    latin = _APOSTROPHES.sub("", to_latin(name)).lower()
    tokens = [t for t in _SPLIT.split(latin) if t]
    out = []
    for tok in tokens:
        tok = _ORDINALS.get(tok, tok)
        out.append(_WADE_GILES.get(tok, tok))
    key = "".join(out)
    for old, new in _FOLDS:
        key = key.replace(old, new)
    return _DOUBLE.sub(r"\1", key)


_RU_ENDINGS = sorted(["ами", "ями", "ого", "его", "ому", "ему", "ыми", "ими", "ой", "ей", "ом", "ем", "ах", "ях", "ам", "ям", "ую", "юю", "ая", "яя", "ое", "ее", "ые", "ие", "ых", "их", "ым", "им", "ый", "ий", "ою", "ею", "ы", "и", "а", "я", "у", "ю", "е", "о", "ь", "й"], key=len, reverse=True)
_CYRILLIC_WORD = re.compile(r"[\u0400-\u04ff]")


_INDECLINABLE = ("о", "е", "и", "у", "ю")
_RU_ORDINAL = re.compile(r"^\d+-[а-я]{1,3}$")


def russian_stem_key(name: str, listed: bool = False) -> str | None:
    """A case-insensitive key of a Russian name without its case ending, word by word, so that
    inflected forms meet the nominative (``Кульджи``/``Кульджа``, ``Чугучака``/``Чугучак``,
    ``Казахской ССР``/``Казахская ССР``). None for names that are not in Cyrillic.

    ``listed=True`` is for the authority's own (nominative) names: a word ending in -о, -е, -и, -у,
    -ю is indeclinable (Сталино, Баку, Тбилиси) and keeps its ending, so that ``Сталину`` (Stalin,
    dative) does not meet ``Сталино`` (Donetsk)."""
    if not _CYRILLIC_WORD.search(name):
        return None
    words = []
    for word in unicodedata.normalize("NFC", name).lower().replace("ё", "е").split():
        if _RU_ORDINAL.match(word):  # 49-й, 49-го, 49-му -> 49
            words.append(word.split("-")[0])
            continue
        for end in () if listed and word.endswith(_INDECLINABLE) else _RU_ENDINGS:
            if word.endswith(end) and len(word) - len(end) >= 3:
                word = word[: -len(end)]
                break
        words.append(word)
    key = " ".join(words)
    return key if len(key.replace(" ", "")) >= 4 else None
