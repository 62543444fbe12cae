"""From the syntax tree to a backend-neutral plan: analysed terms, variants, date terms.

Every backend compiles the same :class:`Plan`, so analysis, expansion and date handling
live in one place. ``text`` is the pseudo-field for title + summary + body.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from opis.search import dates, expand
from opis.search.analysis import analyze, fold_words, keywords
from opis.search.fields import lang_terms
from opis.search.query import And, DateRange, Field, Node, Not, Or, Phrase, Word, parse

TEXT = "text"
ENTITY_FIELDS = ("place", "person", "org")


@dataclass(frozen=True)
class Terms:
    """Matches when any alternative (a phrase of analysed terms) occurs in ``field``."""

    field: str
    alts: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Prefix:
    """Matches terms starting with ``prefix``, and ``terms``: the index terms of the words
    starting with it whose stem does not (``refugee*`` → ``refuge``; see
    :mod:`opis.search.words`)."""

    field: str
    prefix: str
    terms: tuple[str, ...] = ()


@dataclass(frozen=True)
class All:
    """Matches when every ``must`` node matches and no ``must_not`` node does."""

    must: tuple[IR, ...]
    must_not: tuple[IR, ...] = ()


@dataclass(frozen=True)
class Any_:
    """Matches when any ``should`` node matches."""

    should: tuple[IR, ...]


IR = Terms | Prefix | All | Any_


@dataclass
class Plan:
    """A compiled query: the node tree the engines run, the name expansions used and the terms to highlight."""

    query: str
    root: IR
    expansions: dict[str, list[str]] = field(default_factory=dict)  # query term -> variants used
    highlight: set[str] = field(default_factory=set)  # analysed terms to mark in snippets
    prefixes: set[str] = field(default_factory=set)
    has_text: bool = False  # False for filter-only queries (rank by date then)

    @property
    def expanded(self) -> list[str]:
        """Every variant name the query was expanded with, without repeats."""
        out: list[str] = []
        for names in self.expansions.values():
            out += [n for n in names if n not in out]
        return out


class _Lowerer:
    def __init__(self, query: str, exact: bool):
        self.plan = Plan(query, All(()))
        self.exact = exact

    def _variants(self, text: str) -> tuple[str, ...]:
        if self.exact:
            return ()
        found = expand.variants(text)
        if found:
            self.plan.expansions.setdefault(text, list(found))
        return found

    def _text_terms(self, text: str, found: tuple[str, ...], negated: bool) -> IR | None:
        own = tuple(analyze(text))
        alts = [a for a in dict.fromkeys([own] + [tuple(analyze(v)) for v in found]) if a]
        if not alts:
            return None
        if not negated:
            self.plan.has_text = True
            self.plan.highlight.update(own)
            # a variant is marked when it is one word: the words of a longer variant
            # ("Ili Kazakh Autonomous Prefecture") are not matches on their own
            for a in alts[1:]:
                if len(a) == 1:
                    self.plan.highlight.update(a)
        return Terms(TEXT, tuple(alts))

    def lower(self, node: Node, negated: bool = False) -> IR | None:
        """The engine node of a query node; None when it holds nothing to match. Terms under a ``NOT``
        (``negated``) are not highlighted."""
        if isinstance(node, Word):
            if node.prefix:
                return self._prefix(node.text, negated)
            return self._text_terms(node.text, self._variants(node.text), negated)
        if isinstance(node, Phrase):
            return self._text_terms(node.text, self._variants(node.text), negated)
        if isinstance(node, Field):
            return self._field(node)
        if isinstance(node, DateRange):
            return Terms("date", tuple((t,) for t in dates.query_terms(node.earliest, node.latest)))
        if isinstance(node, Not):
            return self.lower(node.child, not negated)
        if isinstance(node, Or):
            kids = [k for k in (self.lower(c, negated) for c in node.children) if k is not None]
            return None if not kids else kids[0] if len(kids) == 1 else Any_(tuple(kids))
        if isinstance(node, And):
            return self._and(node, negated)
        raise TypeError(f"unknown query node {node!r}")  # pragma: no cover

    def _prefix(self, text: str, negated: bool) -> IR | None:
        words = fold_words(text)
        if not words:
            return None
        parts: list[IR] = [Terms(TEXT, ((t,),)) for w in words[:-1] for t in analyze(w)]
        parts.append(Prefix(TEXT, words[-1]))
        if not negated:
            self.plan.has_text = True
            self.plan.prefixes.add(words[-1])
            self.plan.highlight.update(t for w in words[:-1] for t in analyze(w))
        return parts[0] if len(parts) == 1 else All(tuple(parts))

    def _field(self, node: Field) -> IR | None:
        if node.name == "lang":
            alts = [(t,) for t in lang_terms(node.value)]
        else:
            names = [node.value]
            if node.name in ENTITY_FIELDS:
                names += self._variants(node.value)
            elif node.name == "archive" and not self.exact:
                names += _archive_names(node.value)
            alts = [tuple(keywords(n)) for n in names]
        alts = [a for a in dict.fromkeys(alts) if a]
        return Terms(node.name, tuple(alts)) if alts else None

    def _and(self, node: And, negated: bool) -> IR | None:
        must: list[IR] = []
        must_not: list[IR] = []
        children = list(node.children)
        i = 0
        while i < len(children):
            child = children[i]
            if isinstance(child, Word) and not child.prefix:
                j = i
                while j < len(children) and isinstance(children[j], Word) and not children[j].prefix:
                    j += 1
                must += self._words([c.text for c in children[i:j]], negated)
                i = j
                continue
            if isinstance(child, Not):
                low = self.lower(child.child, not negated)
                if low is not None:
                    must_not.append(low)
            else:
                low = self.lower(child, negated)
                if low is not None:
                    must.append(low)
            i += 1
        if not must:
            return None
        if len(must) == 1 and not must_not:
            return must[0]
        return All(tuple(must), tuple(must_not))

    def _words(self, words: list[str], negated: bool) -> list[IR]:
        """A run of plain words: multi-word names become one term with their variants."""
        spans = [] if self.exact else expand.group_names(words)
        out: list[IR] = []
        i = 0
        for start, end, _found in spans + [(len(words), len(words), ())]:
            for w in words[i:start]:
                low = self._text_terms(w, (), negated)
                if low is not None:
                    out.append(low)
            if start < end:
                text = " ".join(words[start:end])
                low = self._text_terms(text, self._variants(text), negated)
                if low is not None:
                    out.append(low)
            i = end
        return out


def _archive_names(value: str) -> list[str]:
    from opis.authority.archives import lookup

    arch = lookup(value)
    if arch is None:
        return []
    names = [getattr(arch, a, None) for a in ("code", "name_translit", "name_cyrillic", "name_en")]
    names += list(getattr(arch, "aliases", None) or [])
    return [n for n in names if n]


def with_word_terms(node: IR, lookup) -> IR:
    """``node`` with each text Prefix given the terms ``lookup(prefix)`` returns."""
    if isinstance(node, Prefix):
        return Prefix(node.field, node.prefix, tuple(lookup(node.prefix))) if node.field == TEXT else node
    if isinstance(node, All):
        return All(tuple(with_word_terms(c, lookup) for c in node.must),
                   tuple(with_word_terms(c, lookup) for c in node.must_not))
    if isinstance(node, Any_):
        return Any_(tuple(with_word_terms(c, lookup) for c in node.should))
    return node


def build_plan(query: str, exact: bool = False) -> Plan:
    """Parse and lower ``query``; raises :class:`opis.errors.QuerySyntaxError`."""
    ast = parse(query)
    low = _Lowerer(query, exact)
    root = low.lower(ast)
    low.plan.root = root if root is not None else All(())
    return low.plan
