"""The search query language, parsed into a small syntax tree.

::

    Chuguchak "border guards" Ili OR Yili NOT Harbin -Moscow (Kuldja OR Ghulja)
    Tach*  place:Tacheng  person:"Zhang Hanfu"  archive:RGASPI  fond:558  lang:ru
    class:secret  type:telegram  translator:Goldberg  date:1945..1962  date:1945-08

Words next to each other must all match (AND is implied); ``OR`` binds looser than ``AND``;
``NOT word`` and ``-word`` exclude; parentheses group. Operators are upper case, so a lower
case ``and``/``or``/``not`` is an ordinary word. Every malformed query raises
:class:`opis.errors.QuerySyntaxError` with the 0-based ``position`` of the problem.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass

from opis.errors import QuerySyntaxError
from opis.search.analysis import MAX_TERM, WORD_RE, fold, is_cjk

#: field filters: name -> what it matches in the record
FIELDS = {
    "place": "places mentioned (authority label, any variant)",
    "person": "people mentioned or named as author/recipient",
    "org": "organisations and units mentioned",
    "archive": "archive code or name of an archival reference",
    "fond": "fond number of an archival reference",
    "lang": "language of the text or original (code or English name)",
    "class": "classification (Top Secret, Special Importance ...)",
    "type": "document type (report, telegram, memorandum ...)",
    "translator": "translator named in the record",
    "date": "date or range: 1945, 1945-08, 1945-08-16, 1940s, 1945..1962, ..1950, 1950..",
}

#: limits that keep every query cheap to parse and to run; a query over one fails with a
#: positioned QuerySyntaxError naming the limit
MAX_QUERY = 2000  # characters
MAX_DEPTH = 20  # nested parentheses
MAX_TERMS = 100  # words, phrases, prefixes and field filters
MAX_PREFIXES = 20  # prefix terms (each may match thousands of index terms)
MAX_WORD = MAX_TERM  # characters of a (folded) word or prefix: longer words are not indexed
MIN_PREFIX = 2
MIN_YEAR, MAX_YEAR = 1, 9999  # the years a date filter can name (ISO 8601 without expansion)
_EXCERPT = 70  # characters of a long query shown in an error message


# --- syntax tree ------------------------------------------------------------------------
@dataclass(frozen=True)
class Word:
    """A bare word of the query at character ``pos``; ``prefix`` for ``word*``."""

    text: str
    pos: int
    prefix: bool = False


@dataclass(frozen=True)
class Phrase:
    """A quoted phrase of the query."""

    text: str
    pos: int


@dataclass(frozen=True)
class Field:
    """A ``field:value`` filter of the query."""

    name: str
    value: str
    pos: int


@dataclass(frozen=True)
class DateRange:
    """A date filter of the query: ISO bounds, None for an open end."""

    earliest: str | None  # ISO yyyy-mm-dd, None = open
    latest: str | None
    text: str
    pos: int


@dataclass(frozen=True)
class Not:
    """A negated node (``-word``, ``NOT ...``)."""

    child: Node
    pos: int


@dataclass(frozen=True)
class And:
    """Nodes that must all match (juxtaposed terms, ``AND``)."""

    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    """Nodes of which one must match (``OR``)."""

    children: tuple[Node, ...]


Node = Word | Phrase | Field | DateRange | Not | And | Or


# --- lexer --------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Tok:
    kind: str  # WORD PHRASE FIELD LPAREN RPAREN AND OR NOT
    pos: int
    text: str = ""
    name: str = ""  # field name for FIELD


_OPERATORS = {"AND": "AND", "OR": "OR", "NOT": "NOT", "&&": "AND", "||": "OR"}
_STOP = set(' \t\r\n()"')


def _error(query: str, pos: int, message: str) -> QuerySyntaxError:
    pos = max(0, min(pos, len(query)))
    return QuerySyntaxError(f"query {_excerpt(query, pos)}: {message} (at column {pos + 1})", query, pos)


def _window(query: str, pos: int, width: int = _EXCERPT) -> tuple[int, int]:
    """The slice of ``query`` (at most ``width`` characters) shown around ``pos``."""
    if len(query) <= width:
        return 0, len(query)
    start = max(0, min(pos - width // 2, len(query) - width))
    return start, start + width


def _excerpt(query: str, pos: int) -> str:
    """``query`` quoted for a one-line message: cut around ``pos`` when long, control
    characters escaped (``repr``)."""
    start, end = _window(query, pos)
    text = repr(query[start:end])
    return ("..." if start else "") + text + ("..." if end < len(query) else "")


def caret_lines(query: str, pos: int, width: int = _EXCERPT) -> tuple[str, str]:
    """Two terminal lines pointing at ``pos``: the query (cut around ``pos`` when long, each
    unprintable character shown as ``?``) and a caret under the problem. Wide (East Asian)
    characters count two columns."""
    start, end = _window(query, pos, width)
    shown, pad = [], 0
    for i, c in enumerate(query[start:end], start):
        c = c if c.isprintable() and not _is_surrogate(c) else "?"
        cols = 2 if unicodedata.east_asian_width(c) in ("W", "F") else 1
        shown.append(c)
        if i < pos:
            pad += cols
    return "".join(shown), " " * pad + "^"


def _short(text: str, limit: int = 30) -> str:
    """A piece of the query quoted in a message, cut when long."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _is_surrogate(c: str) -> bool:
    return "\ud800" <= c <= "\udfff"


def _check_characters(query: str) -> None:
    """Control characters (other than whitespace) and lone surrogates (bytes that were not
    UTF-8) are not text a search can match: name the first one."""
    for i, c in enumerate(query):
        if _is_surrogate(c):
            raise _error(query, i, f"invalid character U+{ord(c):04X}: the query is not valid Unicode text "
                                   "(bytes that are not UTF-8?)")
        if unicodedata.category(c) == "Cc" and not c.isspace():
            raise _error(query, i, f"control character U+{ord(c):04X} in the query: remove it")


def _check_words(query: str, pos: int, text: str, prefix: bool = False) -> None:
    """Every word of ``text`` (at ``pos`` in the query) can be an index term: at most
    MAX_WORD characters once folded."""
    for m in WORD_RE.finditer(text):
        word = m.group()
        folded = fold(word)
        if len(folded) > MAX_WORD and (prefix or not is_cjk(word)):
            what = "prefix" if prefix and m.end() == len(text) else "word"
            size = f"{len(word)} characters" + (f", {len(folded)} once folded" if len(folded) != len(word) else "")
            raise _error(query, pos + m.start(),
                         f"{what} too long ({size}; at most {MAX_WORD}): no index term is that long")


def _read_phrase(query: str, i: int) -> tuple[str, int]:
    """``query[i]`` is the opening quote; return (content, index after the closing quote)."""
    end = query.find('"', i + 1)
    if end < 0:
        raise _error(query, i, 'unclosed quote: add the closing "')
    content = query[i + 1 : end]
    if not WORD_RE.search(content):
        raise _error(query, i, "empty phrase: put words between the quotes")
    return content, end + 1


def _lex(query: str) -> list[_Tok]:
    toks: list[_Tok] = []
    i, n = 0, len(query)
    while i < n:
        c = query[i]
        if c.isspace():
            i += 1
        elif c == "(":
            toks.append(_Tok("LPAREN", i))
            i += 1
        elif c == ")":
            toks.append(_Tok("RPAREN", i))
            i += 1
        elif c == '"':
            content, j = _read_phrase(query, i)
            toks.append(_Tok("PHRASE", i, content))
            i = j
        elif c == "-" and (i + 1 >= n or query[i + 1] in _STOP or query[i + 1] == "-"):
            if i + 1 < n and query[i + 1] == "-":
                raise _error(query, i, "'--' is not an operator: write -word or NOT word")
            raise _error(query, i, "'-' must be followed by the word to exclude, without a space")
        elif c == "-":
            toks.append(_Tok("NOT", i, "-"))
            i += 1
        else:
            tok, i = _word(query, i)
            if tok is not None:
                toks.append(tok)
    return toks


def _word(query: str, i: int) -> tuple[_Tok | None, int]:
    """The token of the word at ``i`` (an operator, a field:value, a prefix* or a word; None for
    punctuation only) and the position after it."""
    n = len(query)
    j = i
    while j < n and query[j] not in _STOP:
        j += 1
    text = query[i:j]
    if text in _OPERATORS:
        return _Tok(_OPERATORS[text], i, text), j
    m = re.match(r"([A-Za-z]+):(.*)$", text, re.S)
    if m:
        return _field(query, i, j, m)
    if "*" in text:
        star = text.index("*")
        if star != len(text) - 1:
            raise _error(query, i + star, "'*' is allowed only at the end of a word (prefix search)")
        stem = text[:-1]
        if len("".join(WORD_RE.findall(stem))) < MIN_PREFIX:
            raise _error(query, i, f"prefix '{_short(text)}' is too short: give at least {MIN_PREFIX} letters before '*'")
    elif not WORD_RE.search(text):
        return None, j  # punctuation only: nothing to search for, skip it
    return _Tok("WORD", i, text), j


def _field(query: str, i: int, j: int, m: re.Match[str]) -> tuple[_Tok, int]:
    """A field:value token (the value may be a "phrase" right after the colon)."""
    name = m.group(1).lower()
    if name not in FIELDS:
        raise _error(query, i, f"unknown field '{_short(m.group(1))}:' (known fields: {', '.join(FIELDS)})")
    value = m.group(2)
    if not value and j < len(query) and query[j] == '"':
        value, j = _read_phrase(query, j)
    if not value.strip():
        raise _error(query, i, f"field '{name}:' needs a value, e.g. {name}:{_example(name)}")
    return _Tok("FIELD", i, value, name), j


def _check_tokens(query: str, toks: list[_Tok]) -> None:
    """The limits on terms, prefixes and word length (see MAX_TERMS, MAX_PREFIXES, MAX_WORD)."""
    terms = prefixes = 0
    for tok in toks:
        if tok.kind not in ("WORD", "PHRASE", "FIELD"):
            continue
        terms += 1
        if terms > MAX_TERMS:
            raise _error(query, tok.pos, f"too many terms (at most {MAX_TERMS} words, phrases and filters)")
        if tok.kind == "WORD":
            prefix = tok.text.endswith("*")
            prefixes += prefix
            if prefixes > MAX_PREFIXES:
                raise _error(query, tok.pos, f"too many prefix terms (at most {MAX_PREFIXES} words ending in '*')")
            _check_words(query, tok.pos, tok.text[:-1] if prefix else tok.text, prefix)
        elif tok.kind == "PHRASE":
            _check_words(query, tok.pos + 1, tok.text)
        elif tok.name != "date":
            start = query.find(tok.text, tok.pos)  # the value, after the name (and quote)
            _check_words(query, start if start >= 0 else tok.pos, tok.text)


def _example(name: str) -> str:
    return {"date": "1945..1962", "lang": "ru", "fond": "558", "archive": "RGASPI"}.get(name, "Tacheng")


# --- dates --------------------------------------------------------------------------------
_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_DECADE_RE = re.compile(r"^(\d{3})0s$")
_LONG_YEAR_RE = re.compile(r"^[+-]?\d{5,}(?:-|s?$)|^-\d")


def _bound(query: str, pos: int, text: str, upper: bool) -> str:
    m = _DECADE_RE.match(text)
    if m:
        y = int(m.group(1)) * 10
        return f"{y + 9:04d}-12-31" if upper else f"{max(y, MIN_YEAR):04d}-01-01"
    if _LONG_YEAR_RE.match(text):
        raise _error(query, pos, f"year out of range in date '{_short(text)}': years run from {MIN_YEAR} to {MAX_YEAR}")
    m = _DATE_RE.match(text)
    if not m:
        raise _error(query, pos, f"bad date '{_short(text)}': use YYYY, YYYY-MM, YYYY-MM-DD or 1940s")
    year = int(m.group(1))
    month = int(m.group(2)) if m.group(2) else None
    day = int(m.group(3)) if m.group(3) else None
    if month is not None and not 1 <= month <= 12:
        raise _error(query, pos, f"bad month in date '{_short(text)}'")
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise _error(query, pos, f"year out of range in date '{_short(text)}': years run from {MIN_YEAR} to {MAX_YEAR}")
    if month is None:
        return f"{year:04d}-12-31" if upper else f"{year:04d}-01-01"
    last = calendar.monthrange(year, month)[1]
    if day is None:
        return f"{year:04d}-{month:02d}-{last:02d}" if upper else f"{year:04d}-{month:02d}-01"
    if not 1 <= day <= last:
        raise _error(query, pos, f"bad day in date '{_short(text)}'")
    return f"{year:04d}-{month:02d}-{day:02d}"


def parse_date(query: str, pos: int, value: str) -> DateRange:
    """``1945``, ``1945-08``, ``1945-08-16``, ``1940s``, ``A..B``, ``..B``, ``A..``."""
    vpos = pos + len("date:")
    if ".." in value:
        lo_text, _, hi_text = value.partition("..")
        if not lo_text and not hi_text:
            raise _error(query, vpos, "date range needs at least one end, e.g. date:1945..1962")
        lo = _bound(query, vpos, lo_text, upper=False) if lo_text else None
        hi = _bound(query, vpos + len(lo_text) + 2, hi_text, upper=True) if hi_text else None
        if lo and hi and lo > hi:
            raise _error(query, vpos, f"date range '{_short(value)}' ends before it starts")
        return DateRange(lo, hi, value, pos)
    return DateRange(_bound(query, vpos, value, False), _bound(query, vpos, value, True), value, pos)


# --- parser -------------------------------------------------------------------------------
class _Parser:
    def __init__(self, query: str, toks: list[_Tok]):
        self.q = query
        self.toks = toks
        self.i = 0
        self.depth = 0  # open parentheses around the current position

    def peek(self) -> _Tok | None:
        """The next token, or None at the end."""
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self) -> _Tok:
        """Consume and return the next token."""
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def _need_operand(self, op: _Tok) -> None:
        nxt = self.peek()
        if nxt is None or nxt.kind in ("RPAREN", "AND", "OR"):
            raise _error(self.q, op.pos, f"'{op.text or op.kind}' needs a term after it")

    def parse_or(self) -> Node:
        """Parse ``a OR b ...`` (the lowest precedence)."""
        items = [self.parse_and()]
        while (tok := self.peek()) is not None and tok.kind == "OR":
            self.take()
            self._need_operand(tok)
            items.append(self.parse_and())
        return items[0] if len(items) == 1 else Or(tuple(items))

    def parse_and(self) -> Node:
        """Parse terms joined by ``AND`` or juxtaposed."""
        items = [self.parse_unary()]
        while (tok := self.peek()) is not None and tok.kind not in ("OR", "RPAREN"):
            if tok.kind == "AND":
                self.take()
                self._need_operand(tok)
            items.append(self.parse_unary())
        return items[0] if len(items) == 1 else And(tuple(items))

    def parse_unary(self) -> Node:
        """Parse a term with an optional ``NOT``/``-``; raises QuerySyntaxError on a double negation."""
        tok = self.peek()
        if tok is not None and tok.kind == "NOT":
            self.take()
            self._need_operand(tok)
            nxt = self.peek()
            if nxt is not None and nxt.kind == "NOT":
                raise _error(self.q, nxt.pos, "double negation: remove one NOT/-")
            return Not(self.parse_unary(), tok.pos)
        return self.parse_primary()

    def parse_primary(self) -> Node:
        """Parse a term or a parenthesised group; raises QuerySyntaxError for a misplaced operator or
        parenthesis."""
        tok = self.peek()
        if tok is None:
            raise _error(self.q, len(self.q), "the query ends too early")
        if tok.kind in ("AND", "OR"):
            raise _error(self.q, tok.pos, f"'{tok.text}' needs a term before it")
        if tok.kind == "RPAREN":
            raise _error(self.q, tok.pos, "unexpected ')' without a matching '('")
        self.take()
        if tok.kind == "LPAREN":
            nxt = self.peek()
            if nxt is None:
                raise _error(self.q, tok.pos, "unclosed '(': add the closing ')'")
            if nxt.kind == "RPAREN":
                raise _error(self.q, tok.pos, "empty parentheses '()'")
            if self.depth >= MAX_DEPTH:
                raise _error(self.q, tok.pos, f"parentheses nested too deeply (at most {MAX_DEPTH} levels)")
            self.depth += 1
            node = self.parse_or()
            self.depth -= 1
            close = self.peek()
            if close is None or close.kind != "RPAREN":
                raise _error(self.q, tok.pos, "unclosed '(': add the closing ')'")
            self.take()
            return node
        if tok.kind == "PHRASE":
            return Phrase(tok.text, tok.pos)
        if tok.kind == "FIELD":
            if tok.name == "date":
                return parse_date(self.q, tok.pos, tok.text)
            return Field(tok.name, tok.text, tok.pos)
        text = tok.text
        if text.endswith("*"):
            return Word(text[:-1], tok.pos, prefix=True)
        return Word(text, tok.pos)


def _check(query: str, node: Node) -> None:
    """Every AND group needs something to include; OR cannot join an excluded term."""
    if isinstance(node, Not):
        _check(query, node.child)
    elif isinstance(node, And):
        for child in node.children:
            _check(query, child)
        if all(isinstance(c, Not) for c in node.children):
            raise _error(query, node.children[0].pos, "only excluded terms here: add a term to search for")
    elif isinstance(node, Or):
        for child in node.children:
            if isinstance(child, Not):
                raise _error(query, child.pos, "'OR' cannot join an excluded term: use NOT outside the OR")
            _check(query, child)


def parse(query: str) -> Node:
    """Parse ``query``; raise :class:`QuerySyntaxError` naming the problem and its position."""
    if query is None or not query.strip():
        raise QuerySyntaxError("empty query: type a word, a \"phrase\" or a field filter such as place:Tacheng", query or "", 0)
    if len(query) > MAX_QUERY:
        raise _error(query, MAX_QUERY, f"query too long ({len(query)} characters, at most {MAX_QUERY})")
    _check_characters(query)
    toks = _lex(query)
    if not toks:
        raise _error(query, 0, "no searchable words")
    _check_tokens(query, toks)
    parser = _Parser(query, toks)
    node = parser.parse_or()
    if parser.peek() is not None:
        tok = parser.peek()
        raise _error(query, tok.pos, "unexpected ')' without a matching '('")
    if isinstance(node, Not):
        raise _error(query, node.pos, "the query only excludes: add a term to search for")
    _check(query, node)
    return node
