"""Snippets: the passage of a document with the most query terms, matches marked.

The snippet is safe HTML: document text is escaped and each match is wrapped in
``<mark>…</mark>``. :func:`plain` turns it into terminal text with ``[…]`` around matches.

Finding matches does not analyse the whole document: one regular expression finds the words
that start like a query term in any accent, in the lower-cased text (lower-casing keeps the
offsets for all but a few letters; such a text is searched case-insensitively instead), and
only those words are analysed to confirm the match.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_right
from functools import lru_cache

from opis.search.analysis import _CJK_RE, _word, fold

BEFORE = 70  # characters of context before the first match
LENGTH = 260  # characters in a snippet
MAX_SCAN = 500_000  # characters scanned per document
SEP = "\x00"  # between the texts of a page strung together (not a word character)
_MARKS = ("\x01", "\x02", "\x03")  # a match's start and end, a snippet's end, while escaping


def _accented() -> dict[str, str]:
    """Every lower-case Latin/Cyrillic letter that folds to another single letter (ö -> o)."""
    out: dict[str, str] = {}
    for cp in range(0x530):
        c = chr(cp)
        f = fold(c)
        if len(f) == 1 and f != c and c.isalpha() and c == c.lower():
            out[c] = f
    return out


_ACCENTED = _accented()


def _key_regex(key: str, accented: tuple[str, ...]) -> str:
    out = []
    for c in key:
        spellings = [a for a in accented if _ACCENTED[a] == c]
        out.append(f"[{re.escape(c)}{''.join(spellings)}]" if spellings else re.escape(c))
    return "".join(out)


@lru_cache(maxsize=512)
def _pattern(keys: tuple[str, ...], accented: tuple[str, ...], flags: int = 0) -> re.Pattern | None:
    """Lower-case text starting like one of the folded ``keys``, where a letter may also be
    spelt as one of the ``accented`` letters that fold to it (only those that occur in the
    text, which keeps the expression plain for most texts). There is no leading ``\\b``: the
    word start is checked on each match, which lets the regular expression engine skip
    ahead to the keys."""
    if not keys:
        return None
    return re.compile(r"(?:" + "|".join(_key_regex(k, accented) for k in keys) + r")\w*", flags)


@lru_cache(maxsize=256)
def _query_keys(terms: frozenset[str], prefixes: frozenset[str]) -> tuple[frozenset[str], tuple[str, ...], tuple[str, ...], re.Pattern | None]:
    """(word terms, regular expression keys longest first, CJK grams, the accented letters that
    fold to a letter of a key) of one query."""
    words = frozenset(t for t in terms if not _CJK_RE.match(t))
    keys = {t[:-1] if len(t) > 3 else t for t in words} | set(prefixes)
    grams = tuple(sorted(t for t in terms if _CJK_RE.match(t)))
    letters = set("".join(keys))
    relevant = sorted(a for a, f in _ACCENTED.items() if f in letters)
    accents = re.compile("[" + "".join(relevant) + "]") if relevant else None
    return words, tuple(sorted(keys, key=lambda k: (-len(k), k))), grams, accents


def find_matches(text: str, terms: set[str], prefixes: set[str] = frozenset()) -> list[tuple[int, int, str]]:
    """(start, end, term) of every word of ``text`` that matches a query term or prefix."""
    return marker(frozenset(terms), frozenset(prefixes)).matches(text)


def snippet(text: str, terms: set[str], prefixes: set[str] = frozenset()) -> str:
    """A window of the text around its first matches, the matched terms and prefixes marked."""
    return marker(frozenset(terms), frozenset(prefixes)).snippet(text)


@lru_cache(maxsize=256)
def marker(terms: frozenset[str], prefixes: frozenset[str] = frozenset()) -> Marker:
    """The snippet maker of one query (a search makes ten snippets with it)."""
    return Marker(terms, prefixes)


class Marker:
    """Finds a query's matches in a text and cuts its snippet; the per-query work (keys,
    regular expressions) is done once."""

    __slots__ = ("words", "keys", "grams", "accents", "prefixes")

    def __init__(self, terms: frozenset[str], prefixes: frozenset[str]):
        self.words, self.keys, self.grams, self.accents = _query_keys(terms, prefixes)
        self.prefixes = tuple(prefixes)

    def matches(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, term) of every word of ``text`` that matches a query term or prefix."""
        if len(text) > MAX_SCAN:
            text = text[:MAX_SCAN]
        return self._matches(text, text.lower())

    def _matches(self, text: str, lowered: str) -> list[tuple[int, int, str]]:
        hits: list[tuple[int, int, str]] = []
        accents = self.accents
        accented = () if accents is None or lowered.isascii() else tuple(sorted(set(accents.findall(lowered))))
        if len(lowered) == len(text):
            pattern = _pattern(self.keys, accented)
        else:  # lower-casing moved the offsets: search the text itself
            lowered, pattern = text, _pattern(self.keys, accented, re.IGNORECASE)
        if pattern is not None:
            words, prefixes = self.words, self.prefixes
            for m in pattern.finditer(lowered):
                i, j = m.span()
                if i and (lowered[i - 1].isalnum() or lowered[i - 1] == "_"):
                    continue  # not the start of a word
                tw = _word(text[i:j])
                if tw is None:
                    continue
                term, word = tw
                if term in words:
                    hits.append((i, j, term))
                elif prefixes and any(word.startswith(p) or term.startswith(p) for p in prefixes):
                    hits.append((i, j, word))
        for gram in self.grams:
            i = text.find(gram)
            while i >= 0:
                hits.append((i, i + len(gram), gram))
                i = text.find(gram, i + 1)
        if self.grams:
            hits.sort()
        return hits

    def snippet(self, text: str) -> str:
        """A window of the text around its matches, marked, whitespace collapsed, with "…" where cut; "" for
        blank text."""
        if not text or text.isspace():
            return ""
        hits = self.matches(text)
        start, end = _window(text, hits)
        body = " ".join(_marked(text, hits, start, end).split())  # whitespace runs (line breaks too) as one space
        return ("… " if start else "") + body + (" …" if end < len(text) else "")

    def snippets(self, texts: list[str]) -> list[str]:
        """The snippet of each text (as :meth:`snippet` makes it), for a page of hits at once:
        the texts are strung together, so that matching, escaping and spacing run once for
        the page instead of once per text. Texts that hold the control characters used as
        separators and marks, or whose lower-casing changes their length, are done one by one."""
        if any(not t or t.isspace() for t in texts):  # those have no snippet
            kept = [t for t in texts if t and not t.isspace()]
            made = iter(self.snippets(kept))
            return [next(made) if t and not t.isspace() else "" for t in texts]
        joined = SEP.join(texts)
        lowered = joined.lower()
        if (len(joined) > MAX_SCAN or len(lowered) != len(joined) or joined.count(SEP) != len(texts) - 1
                or any(c in joined for c in _MARKS)):
            return [self.snippet(t) for t in texts]
        bases, pos = [], 0
        for t in texts:
            bases.append(pos)
            pos += len(t) + 1
        found: list[list[tuple[int, int, str]]] = [[] for _ in texts]
        for a, b, term in self._matches(joined, lowered):
            k = bisect_right(bases, a) - 1
            found[k].append((a - bases[k], b - bases[k], term))
        pieces: list[str] = []
        edges = []
        for text, hits in zip(texts, found, strict=True):
            start, end = _window(text, hits)
            edges.append((start, end < len(text)))
            pieces += _held(_pieces(text, hits, start, end))
            pieces.append("\x03")
        body = " ".join(html.escape("".join(pieces)).replace("\x01", "<mark>").replace("\x02", "</mark>").split())
        return [("… " if start else "") + part.strip() + (" …" if more else "")
                for (start, more), part in zip(edges, body.split("\x03"), strict=False)]


def _window(text: str, hits: list[tuple[int, int, str]]) -> tuple[int, int]:
    """(start, end) of the snippet: BEFORE characters ahead of the best window of matches (the
    start of the text without matches), about LENGTH long, both ends moved to a space."""
    start = 0
    if hits:
        start = _best_start(hits) - BEFORE
        if start > 0:
            space = text.rfind(" ", max(0, start - 20), start)
            start = space + 1 if space >= 0 else start
        else:
            start = 0
    end = start + LENGTH
    if end < len(text):
        space = text.find(" ", end, end + 20)
        end = space if space >= 0 else end
    else:
        end = len(text)
    return start, end


def _best_start(hits: list[tuple[int, int, str]]) -> int:
    """Start of the window of LENGTH - BEFORE characters holding the most distinct terms (then
    the most matches), the first such window on a tie."""
    if hits[-1][1] <= hits[0][0] + LENGTH - BEFORE:  # one window holds them all
        return hits[0][0]
    best, best_score, j = hits[0][0], (-1, -1), 0
    for i, (start, _end, _t) in enumerate(hits):
        while j < len(hits) and hits[j][1] <= start + LENGTH - BEFORE:
            j += 1
        score = (len({h[2] for h in hits[i:j]}), j - i)
        if score > best_score:
            best, best_score = start, score
    return best


def _marked(text: str, hits: list[tuple[int, int, str]], start: int, end: int) -> str:
    """``text[start:end]`` escaped as HTML, with the ``hits`` inside it in ``<mark>``: escaped in
    one call, the marks held meanwhile by two control characters (or, in the rare text that
    holds them itself, piece by piece)."""
    window = text[start:end]
    if not hits:
        return html.escape(window)
    pieces = _pieces(text, hits, start, end)
    if "\x01" not in window and "\x02" not in window:
        return html.escape("".join(_held(pieces))).replace("\x01", "<mark>").replace("\x02", "</mark>")
    return "".join(html.escape(p) if i % 2 == 0 else "<mark>" + html.escape(p) + "</mark>"
                   for i, p in enumerate(pieces))


def _pieces(text: str, hits: list[tuple[int, int, str]], start: int, end: int) -> list[str]:
    """``text[start:end]`` cut at the ``hits`` inside it: the text before a hit, the hit, ...,
    the text after the last hit."""
    pieces, pos = [], start
    for a, b, _t in hits:
        if a < pos or b > end:
            continue
        pieces += (text[pos:a], text[a:b])
        pos = b
    pieces.append(text[pos:end])
    return pieces


def _held(pieces: list[str]) -> list[str]:
    """The hits among ``pieces`` held between the two control characters that become the
    marks once the whole is escaped."""
    pieces[1::2] = ["\x01" + p + "\x02" for p in pieces[1::2]]
    return pieces


def plain(snippet_html: str, color: bool = False) -> str:
    """The snippet for a terminal: matches in bold (ANSI) or between »guillemets«, entities unescaped.

    Square brackets are not used: they are the editors' marks in the documents ([sic], [Tacheng]).
    """
    start, end = ("\x1b[1m", "\x1b[0m") if color else ("»", "«")
    return html.unescape(snippet_html.replace("<mark>", start).replace("</mark>", end))
