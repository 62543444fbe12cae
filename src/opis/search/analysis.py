"""Text analysis shared by indexing, querying and snippets: one place for every token rule.

A word is folded (case, diacritics: ``Dörbiljin`` = ``dorbiljin``) and stemmed by its script:
Snowball English for Latin words, Snowball Russian for Cyrillic words, so a mixed archive
(English translations beside Russian originals) is searched with one analyser and no language
guess per document. Chinese (and Japanese kana) runs become overlapping character bigrams, a
single character standing alone stays a unigram.

The index stores analysed terms, so every backend sees the same terms and the query side
uses the very same functions.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain

import Stemmer

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
WORD_RE = re.compile(rf"[{_CJK}]+|[^\W_{_CJK}]+")
_CJK_RE = re.compile(rf"[{_CJK}]")
_CYRILLIC_RE = re.compile(r"[\u0400-\u04ff]")
_LATIN_RE = re.compile(r"[a-z]")

_STEMMERS = {"en": Stemmer.Stemmer("english"), "ru": Stemmer.Stemmer("russian")}
for _s in _STEMMERS.values():
    _s.maxCacheSize = 200_000

#: the longest term kept; longer "words" (hashes, base64) are not useful search terms
MAX_TERM = 60


@dataclass(slots=True)
class Token:
    """One indexed word: its stemmed term, its folded word and its offsets in the analysed text."""

    term: str  # the analysed (folded, stemmed) term as indexed
    word: str  # the folded, unstemmed word (used for prefix matching)
    start: int  # character offsets in the analysed text
    end: int


@lru_cache(maxsize=200_000)
def fold(word: str) -> str:
    """Case and diacritic folding; Cyrillic stays Cyrillic (``Ё`` → ``е``, ``ö`` → ``o``)."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    out = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", out)


def is_cjk(word: str) -> bool:
    """True for a run of Chinese/Japanese characters (indexed as character pairs)."""
    return bool(_CJK_RE.match(word))


def script_of(word: str) -> str:
    """``ru`` for Cyrillic, ``en`` for Latin, ``zh`` for CJK, ``other`` otherwise."""
    if _CJK_RE.match(word):
        return "zh"
    if _CYRILLIC_RE.search(word):
        return "ru"
    if _LATIN_RE.search(word):
        return "en"
    return "other"


def stem(folded: str) -> str:
    """The stem of a folded word (English or Russian Snowball); other scripts unchanged."""
    stemmer = _STEMMERS.get(script_of(folded))
    return stemmer.stemWord(folded) if stemmer else folded


@lru_cache(maxsize=500_000)
def _word(raw: str) -> tuple[str, str] | None:
    """(term, folded word) of one non-CJK word, or None when it is not kept."""
    word = fold(raw)
    if not word or len(word) > MAX_TERM:
        return None
    return stem(word), word


def _cjk_grams(run: str) -> list[str]:
    if len(run) == 1:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


def tokenize(text: str) -> list[Token]:
    """Analysed tokens with their offsets in ``text`` (for snippets and highlighting)."""
    out: list[Token] = []
    for m in WORD_RE.finditer(text):
        raw = m.group()
        if _CJK_RE.match(raw):
            for i, gram in enumerate(_cjk_grams(raw)):
                out.append(Token(gram, gram, m.start() + i, m.start() + i + len(gram)))
            continue
        tw = _word(raw)
        if tw is not None:
            out.append(Token(tw[0], tw[1], m.start(), m.end()))
    return out


@lru_cache(maxsize=1_000_000)
def _chunk_terms(chunk: str) -> tuple[str, ...]:
    """Analysed terms of a whitespace-delimited chunk (``Chuguchak,`` → ``("chuguchak",)``)."""
    terms: list[str] = []
    for raw in WORD_RE.findall(chunk):
        if _CJK_RE.match(raw):
            terms.extend(_cjk_grams(raw))
        else:
            tw = _word(raw)
            if tw is not None:
                terms.append(tw[0])
    return tuple(terms)


def analyze(text: str | None) -> list[str]:
    """The analysed terms of ``text``, in order (what the index stores).

    Words never span whitespace, so the text is split there first and each chunk's terms come
    from a cache: archival text repeats its words, which makes indexing several times faster.
    """
    if not text:
        return []
    return list(chain.from_iterable(map(_chunk_terms, text.split())))


@lru_cache(maxsize=1_000_000)
def _chunk_stemmed(chunk: str) -> tuple[tuple[str, str], ...]:
    """(folded word, term) of the words of a chunk whose term is not the word itself."""
    out = []
    for raw in WORD_RE.findall(chunk):
        if not _CJK_RE.match(raw):
            tw = _word(raw)
            if tw is not None and tw[0] != tw[1]:
                out.append((tw[1], tw[0]))
    return tuple(out)


def stemmed_words(text: str | None) -> set[tuple[str, str]]:
    """(folded word, term) of every word of ``text`` that stemming changed (``refugees`` →
    ``refuge``): what a prefix search needs to find ``refugee*`` although the index holds
    only ``refuge``."""
    if not text:
        return set()
    return set(chain.from_iterable(map(_chunk_stemmed, text.split())))


def keywords(value: str | None) -> list[str]:
    """The folded, unstemmed terms of a field value (names, codes) for exact field filters."""
    return list(_keywords(value)) if value else []


@lru_cache(maxsize=200_000)
def _keywords(value: str | None) -> tuple[str, ...]:
    """Folded, unstemmed terms of a field value (names, codes) for exact field filters."""
    terms: list[str] = []
    for raw in WORD_RE.findall(value):
        if _CJK_RE.match(raw):
            terms.extend(_cjk_grams(raw))
        else:
            word = fold(raw)
            if word and len(word) <= MAX_TERM:
                terms.append(word)
    return tuple(terms)


def fold_words(text: str) -> list[str]:
    """Folded words of a query prefix (``Chugu*`` → ``chugu``), no stemming."""
    return [fold(w) for w in WORD_RE.findall(text)]
