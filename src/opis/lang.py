"""Language identification, offline: which languages a text is written in, in order of share.

The text is cut into runs of one script (Latin, Cyrillic, Han, kana...), so a bilingual
article — an English text with a Russian title and abstract — counts each part on its own.
Han runs are Chinese (Japanese when they hold kana); Latin and Cyrillic runs are told apart
by Lingua (``lingua-language-detector``: n-gram models shipped inside the wheel, no download)
restricted to the languages this corpus meets in that script. A run too short or too
ambiguous to tell falls back to the script's main language (Latin -> en, Cyrillic -> ru).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import cache

# ISO 639-1 codes of the languages considered, by script; the first one is the fallback.
SCRIPT_LANGUAGES: dict[str, tuple[str, ...]] = {
    "Latin": ("en", "de", "fr"),
    "Cyrillic": ("ru", "uk", "kk"),
    "Han": ("zh", "ja"),
}
MIN_RUN_LETTERS = 20  # runs shorter than this are not identified by the detector (fallback)
MIN_SHARE = 0.02  # a language must have this share of the letters ...
MIN_LETTERS = 100  # ... and this many letters, or a share of MAJOR_SHARE, to be listed
MAJOR_SHARE = 0.15
HAN_WEIGHT = 2  # a Han character carries about as much text as two letters of an alphabet
MIN_CONFIDENCE = 0.9  # Lingua's confidence needed to overrule the script's main language
SAMPLE_CHARS = 2000  # Lingua reads at most two samples of this size from a run (its time grows with length)
# Not language: markup tags, URLs, e-mail addresses, DOIs. Every repeat is bounded or cannot
# backtrack, so the scan stays linear: an unbounded ``\S+@`` retried from each position of a long
# token without "@" was quadratic (a 200 KB single-token file took over a minute).
NOISE_RE = re.compile(
    r"<[^>\n]{1,80}>|\bhttps?://\S+|\bwww\.\S+|(?<![^\s<(\[\"'])[^\s@]{1,64}@[^\s@]{1,253}\.\w+"
    r"|\b10\.\d{4,9}/\S+"
)

_LINGUA_NAMES = {"en": "ENGLISH", "de": "GERMAN", "fr": "FRENCH", "ru": "RUSSIAN", "uk": "UKRAINIAN",
                 "kk": "KAZAKH"}


@dataclass
class Run:
    """A stretch of text in one script, with its count of letters."""

    script: str
    text: str
    letters: int


def script_of(ch: str) -> str | None:
    """Script of a letter (None for digits, punctuation, spaces and scripts we do not track)."""
    if not ch.isalpha():
        return None
    code = ord(ch)
    if code < 0x250 or 0x1E00 <= code <= 0x1EFF:
        return "Latin"
    if 0x400 <= code <= 0x52F:
        return "Cyrillic"
    if 0x3040 <= code <= 0x30FF:
        return "Kana"
    if 0x3400 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF or 0x20000 <= code <= 0x2FFFF:
        return "Han"
    name = unicodedata.name(ch, "")
    return name.split(" ")[0].title() if name else None


def script_runs(text: str) -> list[Run]:
    """Cut text into runs of one script; punctuation and digits stay with the current run."""
    runs: list[Run] = []
    cur_script: str | None = None
    start = 0
    letters = 0
    for i, ch in enumerate(text):
        s = script_of(ch)
        if s is None:
            continue
        if s == "Kana":  # Japanese mixes kana and Han in one run
            s = "Han"
        if cur_script is not None and s != cur_script:
            runs.append(Run(cur_script, text[start:i], letters))
            start, letters = i, 0
        cur_script = s
        letters += 1
    if cur_script is not None:
        runs.append(Run(cur_script, text[start:], letters))
    return runs


@cache
def _detector(script: str):
    from lingua import Language, LanguageDetectorBuilder

    langs = [getattr(Language, _LINGUA_NAMES[c]) for c in SCRIPT_LANGUAGES[script]]
    return LanguageDetectorBuilder.from_languages(*langs).build()


def _run_language(run: Run) -> str | None:
    codes = SCRIPT_LANGUAGES.get(run.script)
    if not codes:
        return None
    if run.script == "Han":
        return "ja" if re.search(r"[\u3040-\u30ff]", run.text) else "zh"
    if run.letters < MIN_RUN_LETTERS:
        return codes[0]
    values = _detector(run.script).compute_language_confidence_values(sample(run.text))
    if values and values[0].value >= MIN_CONFIDENCE:
        return values[0].language.iso_code_639_1.name.lower()
    return codes[0]


def sample(text: str, size: int = SAMPLE_CHARS) -> str:
    """The text itself, or for a long run its first ``size`` characters and ``size`` from its middle."""
    if len(text) <= 2 * size:
        return text
    mid = len(text) // 2
    return f"{text[:size]} {text[mid:mid + size]}"


def language_shares(text: str) -> list[tuple[str, int]]:
    """(language, letters) for every language found, most letters first (Han counted double)."""
    counts: Counter[str] = Counter()
    text = NOISE_RE.sub(" ", text)
    for block in re.split(r"\n\s*\n", text):
        for run in script_runs(block):
            lang = _run_language(run)
            if lang:
                counts[lang] += run.letters * (HAN_WEIGHT if run.script == "Han" else 1)
    return counts.most_common()


def detect_languages(text: str) -> list[str]:
    """ISO 639-1 codes of the languages of a text, in order of share (e.g. ["en", "ru"])."""
    return languages_of(language_shares(text))


def languages_of(shares: list[tuple[str, int]]) -> list[str]:
    """The languages worth listing from ``language_shares`` (of one text, or summed over its parts):
    those with a share of at least MIN_SHARE and MIN_LETTERS letters (or a MAJOR_SHARE)."""
    total = sum(n for _, n in shares)
    if not total:
        return []
    out = [lang for lang, n in shares
           if n / total >= MIN_SHARE and (n >= MIN_LETTERS or n / total >= MAJOR_SHARE)]
    return out or [shares[0][0]]


def detect_language(text: str) -> str | None:
    """The main language of a text (its largest share), or None when it has no letters."""
    langs = detect_languages(text)
    return langs[0] if langs else None
