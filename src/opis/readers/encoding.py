"""Text encodings: UTF-8 and UTF-16/32 with a byte-order mark as they are, anything else detected.

Bytes that are not UTF-8 are given to charset-normalizer (``charset_normalizer.from_bytes``),
which tries the candidate code pages and keeps the one whose decoded text is the least "messy"
and the most coherent in some language, so Russian in KOI8-R, cp1251 or cp866 each decode to
the right letters. When the best guess is still doubtful (messy text, or no language it is
coherent in) the text is decoded but a warning says so; bytes that decode to no text at all
fail with a ``ReadError``.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from opis.errors import ReadError

MAX_CHAOS = 0.1  # charset-normalizer's mess ratio over which a decoding is called doubtful
MIN_COHERENCE = 0.2  # ... and the language coherence under which it is
MIN_TEXT_SHARE = 0.85  # letters and spaces needed in text decoded from a single-byte code page
# The code pages tried, those the sources of this archive come in (Russian, Kazakh, Western and
# Central European, Chinese, Japanese, Korean): a closed list keeps a short text from being read
# as a look-alike code page (cp1257 for Latin-1 French, cp932 for a KOI8-R line).
CANDIDATES = ["cp1251", "koi8_r", "koi8_u", "cp866", "iso8859_5", "mac_cyrillic", "kz1048", "cp1252", "latin_1",
              "iso8859_2", "cp1250", "gb18030", "big5", "shift_jis", "euc_jp", "euc_kr"]
MIN_CASED = 0.9  # share of well-cased words for a Russian code page to overrule the guess
CYRILLIC = ("cp1251", "koi8_r", "cp866", "iso8859_5", "mac_cyrillic")
_WORD = re.compile(r"[^\W\d_]{2,}")
_CASED = re.compile(r"[а-яё]+|[А-ЯЁ][а-яё]*|[А-ЯЁ]+")
BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


@dataclass
class Decoded:
    """Decoded text, the codec used and a warning when the encoding was a low-confidence guess."""

    text: str
    encoding: str  # Python codec name, e.g. "utf-8", "koi8_r", "cp1251"
    warning: str | None = None  # set when the encoding was guessed with low confidence


def has_bom16(data: bytes) -> bool:
    """Whether the data starts with a UTF-16 byte order mark."""
    return data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))


def decode(data: bytes, path: str) -> Decoded:
    """Decode a text file's bytes; detect the encoding when they are not UTF-8."""
    for bom, codec in BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data.decode(codec), codec)
            except UnicodeDecodeError as exc:
                raise ReadError(f"undecodable {codec.upper()} text ({exc.reason} at byte {exc.start})", path) from exc
    try:
        return Decoded(data.decode("utf-8-sig"), "utf-8")
    except UnicodeDecodeError as exc:
        not_utf8 = f"not UTF-8 ({exc.reason} at byte {exc.start})"
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=CANDIDATES).best()
    if best is None:
        raise ReadError(f"undecodable text: {not_utf8}, and no known encoding fits", path)
    encoding, text = best.encoding, str(best)
    if best.coherence < MIN_COHERENCE:  # too short for charset-normalizer to judge: read the letter case
        encoding, text = cyrillic_by_case(data, encoding, text)
    if textual_share(text) < MIN_TEXT_SHARE:
        raise ReadError(f"undecodable text: {not_utf8}; as {encoding} it is not text", path)
    warning = None
    if best.chaos > MAX_CHAOS or best.coherence < MIN_COHERENCE:
        warning = (f"text encoding guessed as {encoding} with low confidence "
                   f"(mess {best.chaos:.0%}, language coherence {best.coherence:.0%}): check the letters")
    return Decoded(text, encoding, warning)


def cyrillic_by_case(data: bytes, encoding: str, text: str) -> tuple[str, str]:
    """Among the Russian code pages, the one whose words are cased as words are ("Донесение",
    "НКВД", "заставы"), when it fits clearly better than the guess (encoding, text).

    KOI8-R read as cp1251 gives "дПМЕЯЕМХЕ", cp866 read as KOI8-R box-drawing signs: a short
    text that charset-normalizer cannot judge by language still shows its code page by case.
    """
    best = (well_cased(text), encoding, text)
    for codec in CYRILLIC:
        try:
            candidate = data.decode(codec)
        except UnicodeDecodeError:
            continue
        score = well_cased(candidate)
        if score >= MIN_CASED and score > best[0] + 0.3 and textual_share(candidate) >= MIN_TEXT_SHARE:
            best = (score, codec, candidate)
    return best[1], best[2]


def textual_share(text: str) -> float:
    """Share of letters and spaces in a text (digits and punctuation aside, binary junk scores low)."""
    counted = [ch for ch in text if not (ch.isdigit() or ch in ".,;:!?-–—()[]«»\"'№/%")]
    return sum(ch.isalpha() or ch.isspace() for ch in counted) / max(len(counted), 1)


def well_cased(text: str) -> float:
    """Share of the words of a text that are all lower case, all upper case or capitalised Cyrillic."""
    words = _WORD.findall(text)
    if not words:
        return 0.0
    good = sum(1 for w in words if _CASED.fullmatch(w))
    return good / len(words)
