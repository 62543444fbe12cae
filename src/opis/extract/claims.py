"""Claims: each quantity tied to what it counts, when, where and who says so.

``extract_claims(ctx)`` works paragraph by paragraph: only paragraphs that hold a
quantity are parsed (spaCy), the counted thing is read off the dependency tree, the time is
the nearest date in the same clause, else earlier in the sentence, else earlier in the
paragraph, else (primary sources) the document's own date. Places come from linked PLACE
mentions in the sentence; the reporting party from "according to X", a reporting verb's
subject, or the document's authors.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from opis.extract.counted import NOT_COUNTED, Subject, counted_subject
from opis.extract.numbers import find_quantities
from opis.extract.sentences import sentences
from opis.model import Claim, DateValue, Mention, Quantity

REPORT_VERBS = {"report", "state", "show", "estimate", "note", "indicate", "say", "claim", "declare", "write", "inform", "record", "count"}
# Nouns that head a "number of X" subject: the counted thing is X.
NUMBER_NOUNS = {"number", "total", "population", "strength", "figure", "count", "size", "amount", "sum"}
# Possessives before a number make it a fixed set, not a count ("our two nations").
POSSESSIVE_BEFORE = re.compile(r"\b(?:our|their|its|his|her|your|both|these|those|the\s+two|all)\s+$", re.I)
CLAUSE_BREAK = re.compile(
    r";|:|,\s+(?:and|while|whereas|but|including|а|и|но|однако|причем|причём|в\s+том\s+числе)\s+|\s+while\s+|\s+whereas\s+"
)
HEADING_SKIP = re.compile(
    r"^#+\s*(?:References|Bibliography|Sources|Notes|Endnotes|Information about the authors|Список литературы|Литература|Примечания)\b",
    re.I | re.M,
)
_PARTITIVE = re.compile(r"\b(?:of|among)\s+(?:whom|which|them|these|those)\s*$|\bиз\s+(?:них|которых)\s*$", re.I)
# Words after a bare number that say what happened to those counted ("27 dead, 64 wounded").
CASUALTY = {"dead", "killed", "wounded", "missing", "injured", "captured", "drowned", "murdered", "executed", "shot", "arrested", "detained"}
_PRON = {"them", "they", "these", "those", "it", "which", "whom", "who", "of"}


@dataclass
class ClaimContext:
    """What claim extraction reads: the text with its dates, linked places, document date, default source and
    spans to skip."""

    text: str
    dates: list[DateValue] = field(default_factory=list)  # dates found in ``text`` (spans)
    places: list[Mention] = field(default_factory=list)  # linked PLACE mentions (spans)
    document_date: DateValue | None = None
    inherit_document_date: bool = True  # primary sources: undated claims are about the document's date
    source: str | None = None  # default reporting party (document authors)
    exclude: list[tuple[int, int]] = field(default_factory=list)  # archival reference spans etc.
    _sorted: list[DateValue] | None = field(default=None, init=False, repr=False)
    _starts: list[int] = field(default_factory=list, init=False, repr=False)

    def dates_in(self, a: int, b: int) -> list[DateValue]:
        """Dates whose span starts in [a, b), in text order."""
        if self._sorted is None:
            self._sorted = sorted((d for d in self.dates if d.start is not None), key=lambda d: d.start)
            self._starts = [d.start for d in self._sorted]
        return self._sorted[bisect.bisect_left(self._starts, a):bisect.bisect_left(self._starts, b)]


def skipped_regions(text: str) -> list[tuple[int, int]]:
    """Reference lists and author blocks at the end of articles (headings found in the text)."""
    out = []
    for m in HEADING_SKIP.finditer(text):
        level = len(m.group(0)) - len(m.group(0).lstrip("#"))
        nxt = re.compile(rf"^#{{1,{level}}}\s", re.M).search(text, m.end())
        out.append((m.start(), nxt.start() if nxt else len(text)))
    return out


def paragraphs(text: str) -> list[tuple[int, int]]:
    """The (start, end) offsets of the text's paragraphs, split at blank lines."""
    out, pos = [], 0
    for m in re.finditer(r"\n\s*\n", text):
        if m.start() > pos:
            out.append((pos, m.start()))
        pos = m.end()
    if pos < len(text):
        out.append((pos, len(text)))
    return out


def find_claim_quantities(ctx: ClaimContext) -> list[Quantity]:
    """The quantities of the text outside dates, excluded spans and skipped regions (reference lists, author blocks)."""
    exclude = [(d.start, d.end) for d in ctx.dates if d.start is not None] + list(ctx.exclude) + skipped_regions(ctx.text)
    return find_quantities(ctx.text, exclude)


def parse_sentences(texts: Iterable[str]) -> Iterator:
    """Dependency parses of ``texts`` from the shared pipeline's parsing components (no NER)."""
    from opis import nlp

    return nlp.pipe(texts, nlp.PARSE)


def extract_claims(ctx: ClaimContext, nlp=None) -> list[Claim]:
    """Claims in ``ctx.text``. ``nlp``: a spaCy ``Language`` with a parser, or None for the shared
    pipeline of :mod:`opis.nlp` (its parsing components only)."""
    qs = find_claim_quantities(ctx)
    if not qs:
        return []
    claims: list[Claim] = []
    sents = sentences(ctx.text)
    starts = [a for a, _ in sents]
    paras = paragraphs(ctx.text)
    para_starts = [a for a, _ in paras]
    by_sentence: dict[tuple[int, int], list[Quantity]] = {}
    for q in qs:
        i = bisect.bisect_right(starts, q.start) - 1
        if i >= 0 and q.start < sents[i][1]:
            by_sentence.setdefault(sents[i], []).append(q)
    keys = list(by_sentence)
    carry = _Carry()
    for (s0, s1), sdoc in zip(keys, _parse_sentences(ctx, keys, nlp), strict=True):
        sent = sdoc[:]
        pi = bisect.bisect_right(para_starts, s0) - 1
        pstart = paras[pi][0] if pi >= 0 else 0
        if pstart != carry.para:
            carry.noun, carry.para = None, pstart
        for q in by_sentence[(s0, s1)]:
            claim = _claim(ctx, q, sent, (s0, s1), pstart, starts, carry)
            if claim is not None:
                claims.append(claim)
    return claims


@dataclass
class _Carry:
    """What a count leaves to the next ones: the last counted noun of the paragraph (surface, lemma)
    and the (sentence, start, end, text) of the last count's subject."""

    noun: tuple[str, str] | None = None
    subject: tuple[tuple[int, int], int, int, str] | None = None
    para: int = -1


def _parse_sentences(ctx: ClaimContext, keys: list[tuple[int, int]], nlp):
    """The sentences ``keys`` of ``ctx.text`` parsed (markup masked), in order."""
    texts = (_mask_markup(ctx.text[a:b]) for a, b in keys)
    if nlp is None:
        return parse_sentences(texts)
    return nlp.pipe(texts, disable=[p for p in ("ner",) if p in nlp.pipe_names])


def _claim(ctx: ClaimContext, q: Quantity, sent, span: tuple[int, int], pstart: int, starts: list[int],
           carry: _Carry) -> Claim | None:
    """The claim the quantity ``q`` of the parsed sentence ``sent`` states, or None (no subject,
    an uncounted noun, a duration ...); updates ``carry`` for the next counts."""
    s0, s1 = span
    tokset = {t.i for t in sent if t.idx < q.end - s0 and t.idx + len(t.text) > q.start - s0}
    what, noun, subject = _what_and_subject(ctx, q, sent, s0, tokset)
    partitive = _PARTITIVE.search(ctx.text[max(0, q.start - 20):q.start])
    if subject is None and partitive:
        subject = _partitive_noun(sent, tokset)  # "of whom 243 [were] men"
    if subject is None and carry.subject and carry.subject[0] == span and (partitive or noun in _PRON):
        # "1,243 persons, of whom 811 were shot": the count names its subject earlier in the sentence
        subject = Subject(carry.subject[3], carry.subject[1] - s0, carry.subject[2] - s0, "partitive")
    if subject is None:
        return None
    what, noun = _inherit_noun(what, noun, bool(partitive), carry)
    if noun in NOT_COUNTED:
        return None
    if POSSESSIVE_BEFORE.search(ctx.text[max(0, q.start - 12):q.start]) and q.value is not None and q.value < 10:
        return None
    what = _claim_what(what, subject, q)
    if q.unit and _unit_kind(q.unit) == "duration":
        return None
    if noun and q.unit is None:
        surface = next((w for w in what.split() if w.lower().startswith(noun[:4])), noun)
        carry.noun = (surface, noun)
    if q.unit is None and subject.rule != "partitive":
        carry.subject = (span, s0 + subject.start, s0 + subject.end, subject.text)
    place_id, place_label = _place(ctx, q.start, s0, s1)
    return Claim(
        value=_value(q),
        what=what,
        quantity=q,
        unit=q.unit,
        qualifier=q.qualifier,
        date=claim_date(ctx, q.start, q.end, s0, s1, pstart, starts),
        place=place_id,
        place_label=place_label,
        reported_by=reporter(sent) or ctx.source,
        sentence=ctx.text[s0:s1].strip(),
        start=q.start,
        end=q.end,
        subject=subject.text,
        subject_start=s0 + subject.start,
        subject_end=s0 + subject.end,
        rule=subject.rule,
    )


def _what_and_subject(ctx: ClaimContext, q: Quantity, sent, s0: int, tokset: set[int]):
    """(what, counted noun lemma, subject) of ``q``: the Russian rules for a Cyrillic sentence."""
    if _cyrillic(sent.text):
        what, noun, _verb = what_phrase_ru(ctx.text, q.start, q.end, s0)
        return what, noun, subject_ru(ctx.text, q.end, s0)
    what, noun, _verb = what_phrase(sent, q.start - s0, q.end - s0, ctx.text[q.start:q.end])
    return what, noun, counted_subject(sent, tokset, _unit_kind(q.unit) if q.unit else None)


def _inherit_noun(what: str, noun: str | None, partitive: bool, carry: _Carry) -> tuple[str, str | None]:
    """A partitive count or a pronoun takes the paragraph's last counted noun ("1,243 persons, of
    whom 811 were shot")."""
    if carry.noun and noun is None and partitive:
        what, noun = f"{carry.noun[0]} {what}".strip(), carry.noun[1]
    if noun in _PRON and carry.noun:
        rest = what.split(" ", 1)[1] if " " in what else ""
        what = f"{carry.noun[0]} {rest}".strip()
        noun = carry.noun[1]
    return what, noun


def _claim_what(what: str, subject: Subject, q: Quantity) -> str:
    """The claim's 'what': markup stripped, the subject's head word in it, temperatures named."""
    what = _strip_markup(what) or subject.text
    head_word = subject.text.split()[-1].lower()
    if subject.rule not in ("distance", "casualty") and head_word not in what.lower():
        what = f"{subject.text} {what}"  # "four or five personnel should remain": 5 — personnel remain
    if q.unit and _unit_kind(q.unit) == "temperature":
        what = "temperature" + (f" ({what})" if what and "degree" not in what else "")
    return what


def _partitive_noun(sent, tokset: set[int]) -> Subject | None:
    """'of whom 243 [were] men, 262 women': the plural noun right after the number and a copula."""
    if not tokset:
        return None
    for t in sent.doc[max(tokset) + 1:sent.end]:
        if t.text in ("[", "]") or t.lower_ in ("were", "was", "are", "is"):
            continue
        if t.pos_ == "NOUN" and t.tag_ == "NNS" and t.lower_ not in NOT_COUNTED:
            return Subject(t.text, t.idx, t.idx + len(t.text), "partitive")
        return None
    return None


def _mask_markup(s: str) -> str:
    """Note markup (``<sup>49</sup>``) blanked out, keeping every offset, so that it does not break the parse."""
    return re.sub(r"<sup>.*?</sup>|</?sup>", lambda m: " " * len(m.group(0)), s)


def _strip_markup(s: str) -> str:
    s = re.sub(r"</?sup>|\bsup>\S*|<\S*sup\b", " ", s)
    return re.sub(r"\s+", " ", s).strip()


def _unit_kind(unit: str) -> str | None:
    from opis.extract.units import unit_for

    u = unit_for(unit)
    return u.kind if u else None


def _value(q: Quantity) -> float | str | None:
    if q.value is not None:
        v = q.value
        return int(v) if float(v).is_integer() else v
    if q.low is not None and q.high is not None and re.search(r"\d", q.text):
        return f"{_fmt(q.low)}–{_fmt(q.high)}"
    words = q.text
    if q.qualifier:
        words = re.sub(r"^\W*\w+(?:\s+(?:than|to|at|of|amounted|numbered))*\s+", "", words)
    return words.strip().lower()


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


# --- time ----------------------------------------------------------------------------------------
_RELATIVE = re.compile(r"\b(?:who|whom|whose|which)\b|\bthat\s+had\b|\bhad\s+(?:been\s+)?\w+(?:ed|en|t)\b", re.I)


def _in_relative_clause(text: str, pos: int, pstart: int, sentence_starts: list[int]) -> bool:
    start = max([s for s in sentence_starts if s <= pos] or [pstart])
    for m in CLAUSE_BREAK.finditer(text, start, pos):
        start = m.end()
    return bool(_RELATIVE.search(text, start, pos))


def claim_date(
    ctx: ClaimContext, qs: int, qe: int, s0: int, s1: int, pstart: int, sentence_starts: list[int] | None = None
) -> DateValue | None:
    """The date a quantity at [qs, qe) refers to: the nearest date in its clause or sentence, else the
    paragraph's last main-clause date, else the document date (when inherited), else None."""
    sentence_starts = sentence_starts or []
    in_sent = ctx.dates_in(s0, s1)
    if in_sent:
        # clause around the quantity
        c0, c1 = s0, s1
        for m in CLAUSE_BREAK.finditer(ctx.text, s0, s1):
            if m.end() <= qs:
                c0 = m.end()
            elif m.start() >= qe:
                c1 = m.start()
                break
        same = [d for d in in_sent if c0 <= d.start < c1]
        if same:
            return min(same, key=lambda d: min(abs(d.start - qe), abs(d.end - qs)))
        before = [d for d in in_sent if d.end <= qs]
        if before:
            return before[-1]
    earlier = ctx.dates_in(pstart, s0)
    if earlier:
        # skip a date buried in a relative or pluperfect clause ("Kazakhs who had migrated in 1930–1931"):
        # it dates a background event, not what the paragraph goes on to count
        main = [d for d in earlier if not _in_relative_clause(ctx.text, d.start, pstart, sentence_starts)]
        return (main or earlier)[-1]
    if ctx.inherit_document_date and ctx.document_date and ctx.document_date.edtf:
        return ctx.document_date
    return None


# --- place and source ------------------------------------------------------------------------------
def _place(ctx: ClaimContext, pos: int, s0: int, s1: int) -> tuple[str | None, str | None]:
    cands = [m for m in ctx.places if m.entity_id and s0 <= m.start < s1]
    if not cands:
        return None, None
    best = min(cands, key=lambda m: abs(m.start - pos))
    return best.entity_id, best.gloss or best.surface


_ACCORDING = re.compile(r"(?:\b[Aa]ccording to (?:the |a |an )?|(?<!\w)(?:[Пп]о данным|[Сс]огласно|[Пп]о сведениям) )(?P<x>[^,;:.]+?)(?:,|;|:|\.\s|$)")


# Nouns that name a speaker or a document, and so can be the source of a figure ("according to the report").
SOURCE_NOUNS = {
    "report", "telegram", "cable", "letter", "note", "memorandum", "memo", "statement", "communique", "communiqué", "newspaper",
    "paper", "article", "broadcast", "radio", "agency", "ministry", "embassy", "consulate", "committee", "government", "command",
    "headquarters", "militia", "police", "intelligence", "source", "informant", "official", "ambassador", "consul", "minister",
    "chairman", "secretary", "commander", "leader", "spokesman", "press", "news", "census", "survey", "record", "minutes",
    "protocol", "decree", "order", "resolution", "directive", "document", "office", "department", "section", "detachment",
    "service", "authority", "administration", "bureau", "council", "commission", "party", "delegation", "author", "witness",
    "estimate", "count", "register", "list", "journal", "diary", "dispatch", "message", "information", "interrogation",
}


def _names_a_source(tokens) -> bool:
    """A source is a speaker or a document: a name, or a noun such as 'report', 'embassy', 'militia'.
    Never a numbered thing ('23th Session') or a bare description ('incomplete statistics')."""
    tokens = [t for t in tokens if not t.is_punct]
    if not tokens or any(c.isdigit() for c in tokens[0].text):
        return False
    if any(t.like_num or re.search(r"\d", t.text) for t in tokens[:3]):
        return False
    return any(
        (t.pos_ == "PROPN" and t.i > t.sent.start) or t.lemma_.lower() in SOURCE_NOUNS or t.lower_ in SOURCE_NOUNS for t in tokens
    )


def reporter(sent) -> str | None:
    """Who gives the figures of a sentence: 'according to X', or the subject of a reporting verb — a speaker or a document."""
    m = _ACCORDING.search(sent.text)
    if m:
        a, b = sent.start_char + m.start("x"), sent.start_char + m.end("x")
        tokens = [t for t in sent if a <= t.idx < b]
        if _cyrillic(m.group("x")) or _names_a_source(tokens):
            if re.match(r"\W*\d", m.group("x")):
                return None
            return " ".join(m.group("x").split()[:10])
        return None
    root = sent.root
    if root.lemma_ in REPORT_VERBS:
        subj = [c for c in root.children if c.dep_ == "nsubj"]
        if subj and subj[0].pos_ != "PRON" and subj[0].lemma_.lower() not in NUMBER_NOUNS and _names_a_source(list(subj[0].subtree)):
            return _phrase(subj[0], limit=8)
    return None


# --- what is counted -----------------------------------------------------------------------------
_MOVE_PREPS = {"into", "from", "to", "across", "out", "in", "at", "on", "for", "within", "along", "toward", "towards"}


_MODIFIER_DEPS = ("amod", "compound", "nmod", "poss", "npadvmod")


def _phrase(tok, limit: int = 6, with_preps: bool = True) -> str:
    """A short phrase for a noun: its modifiers, the noun, and an 'of'/participle complement."""
    left = [c for c in tok.lefts if c.dep_ in _MODIFIER_DEPS and c.pos_ != "NUM" and not c.like_num]
    words: list = []
    for c in left:
        words.extend(t for t in c.subtree if not t.like_num and t.dep_ != "det" and t.pos_ not in ("PUNCT",))
    words.append(tok)
    if with_preps:
        words.extend(_complement(tok))
    words = sorted(set(words), key=lambda t: t.i)[: limit + 4]
    return _clean(" ".join(_norm(t) for t in words))


def _complement(tok) -> list:
    """The words of the noun's first 'of' object or motion participle ("people crossing into the USSR")."""
    for c in tok.rights:
        if c.dep_ == "prep" and c.text.lower() == "of":
            pobj = [t for t in c.children if t.dep_ == "pobj"]
            if pobj and not pobj[0].like_num:
                return [c, *(t for t in _compact(pobj[0]) if t.dep_ != "det")]
            return []
        if c.dep_ == "acl" and c.pos_ == "VERB" and c.tag_ in ("VBG", "VBN"):
            return _motion(c)
    return []


def _motion(participle) -> list:
    """'crossing into the USSR': the participle with its first motion preposition's object; a bare
    participle adds nothing."""
    for p in participle.children:
        if p.dep_ == "prep" and p.text.lower() in _MOVE_PREPS:
            pobj = [t for t in p.children if t.dep_ == "pobj"]
            if pobj:
                return [participle, p, *(t for t in _compact(pobj[0]) if t.dep_ != "det")]
            return []
    return []


def _compact(tok) -> list:
    """A noun with its left modifiers (no clauses)."""
    out = [t for c in tok.lefts if c.dep_ in ("amod", "compound", "nmod", "poss") for t in c.subtree if t.pos_ != "PUNCT"]
    return sorted(out + [tok], key=lambda t: t.i)


def _norm(t) -> str:
    if t.pos_ == "PROPN" or (t.text[:1].isupper() and t.i > t.sent.start and t.pos_ != "ADJ") or t.text.isupper():
        return t.text
    if t.pos_ == "ADJ" and t.text[:1].isupper():  # Chinese, Soviet
        return t.text
    return t.text.lower()


def _clean(s: str) -> str:
    s = re.sub(r"\s+([,.;:)\]])", r"\1", s)
    s = re.sub(r"[\[\]]", "", s)
    s = re.sub(r"^(?:the|a|an|of)\s+", "", s)
    return re.sub(r"\s+", " ", s).strip(" ,;:")


_NOUNS = ("NOUN", "PROPN")
_UNIT_HEAD_DEPS = ("nummod", "quantmod", "amod", "compound", "npadvmod", "nmod")
_ROUND_NUMBERS = ("thousands", "hundreds", "dozens", "tens")
_LIGHT_VERBS = ("be", "have", "consist", "include", "make", "become", "number", "amount", "total")
_DIRECTION_PREPS = ("into", "from", "to", "across", "out")


def what_phrase(sent, qstart: int, qend: int, qtext: str) -> tuple[str, str | None, str | None]:
    """(what, counted noun lemma, verb lemma) for the quantity at [qstart, qend) (paragraph offsets)."""
    span = _quantity_span(sent, qstart, qend)
    if span is None:
        return "", None, None
    tokset, anchor = span
    found = _counted(sent, tokset, anchor)
    if isinstance(found, tuple) and len(found) == 3:
        return found
    noun, unit_noun = found
    base = noun if noun is not None else (unit_noun if unit_noun is not None else anchor)
    verb = _clause_verb(sent, base, noun, tokset)
    parts = _noun_parts(sent, noun, unit_noun, anchor, verb, base)
    noun_lemma = noun.lemma_.lower() if noun is not None else None
    verb_phrase = _verb_phrase(verb, base, noun, tokset)
    verb_lemma = verb.lemma_.lower() if verb_phrase is not None else None
    if verb_phrase is not None:
        parts.append(verb_phrase)
    what = _clean(" ".join(p for p in parts if p))
    if unit_noun is not None and noun is None:
        what = _measure_what(sent, tokset, what, parts)
    if not what or (noun is None and unit_noun is None and anchor.dep_ == "pobj"):
        counted = _number_of_noun(sent, tokset)
        if counted is not None:
            return _phrase(counted, limit=9), counted.lemma_.lower(), verb_lemma
    if noun_lemma is None and not what:
        return "", None, verb_lemma
    return what, noun_lemma, verb_lemma


def _quantity_span(sent, qstart: int, qend: int) -> tuple[set[int], object] | None:
    """(indices of the quantity's tokens, its anchor: the last token whose head is outside it)."""
    toks = [t for t in sent if t.idx < qend and t.idx + len(t.text) > qstart]
    if not toks:
        return None
    tokset = {t.i for t in toks}
    ext = [t for t in toks if t.head.i not in tokset or t.head.i == t.i]
    return tokset, (ext[-1] if ext else toks[-1])


def _counted(sent, tokset: set[int], anchor) -> tuple:
    """(counted noun, unit noun) of the quantity, or a whole (what, noun, verb) answer when the
    number is a casualty count ('314 killed') or the value of 'the number of X'."""
    after = [t for t in sent if t.i > max(tokset)]
    noun = _of_complement(after)
    if noun is None:
        casualty = _casualty(sent, tokset, after)
        if casualty is not None:
            return casualty
        noun = _worth_noun([t for t in sent if t.i < min(tokset)], after)
        if noun is None:
            noun = _anchor_noun(anchor)
    noun, unit_noun = _split_unit(noun, tokset)
    if noun is None:
        number_of = _number_of_subject(anchor)
        if number_of is not None:
            return number_of
    return noun, unit_noun


def _number_of_noun(sent, tokset: set[int]):
    """'estimate the number of households ... at a much higher figure of 83,000': 'number'/'population'
    with an 'of' complement elsewhere in the sentence."""
    counted = next((t for t in sent if t.lemma_.lower() in ("number", "population") and any(
        c.dep_ == "prep" and c.lower_ == "of" for c in t.children)), None)
    return counted if counted is not None and counted.i not in tokset else None


def _of_complement(after: list):
    """'tens of thousands of people', '6,000 of them': the noun of the 'of' right after the number."""
    if after and after[0].text.lower() == "of" and len(after) > 1:
        cand = [t for t in after[0].children if t.dep_ == "pobj"] or [after[1]]
        if cand[0].pos_ in ("NOUN", "PROPN", "PRON"):
            return cand[0]
    return None


def _casualty(sent, tokset: set[int], after: list) -> tuple[str, str, str] | None:
    """'314 killed', '20 wounded': the casualty word after the number, with the clause's subject."""
    if not (after and after[0].lower_ in CASUALTY):
        return None
    subj = next((t for t in sent if t.dep_ in ("nsubj", "nsubjpass") and t.i < min(tokset) and t.pos_ in _NOUNS), None)
    what = after[0].lower_ + (f" ({_phrase(subj, limit=5)})" if subj is not None else "")
    return what, after[0].lower_, after[0].lemma_.lower()


def _worth_noun(before: list, after: list):
    """'contraband worth about 64,000 rubles', '216 rubles worth of contraband'."""
    if before and before[-1].lower_ == "worth" and len(before) > 1 and before[-2].pos_ in _NOUNS:
        return before[-2]
    if after and after[0].text.lower() == "worth" and len(after) > 2 and after[1].text.lower() == "of":
        return after[2] if after[2].pos_ in _NOUNS else None
    return None


def _anchor_noun(anchor):
    """The noun the number modifies, or the number's own unit noun ('526 km of the state border')."""
    if anchor.dep_ in _UNIT_HEAD_DEPS and anchor.head.pos_ in _NOUNS:
        return anchor.head
    if anchor.pos_ in _NOUNS and not anchor.like_num and anchor.text.lower() not in _ROUND_NUMBERS:
        return anchor
    return None


def _split_unit(noun, tokset: set[int]) -> tuple:
    """(counted noun, unit noun): a noun inside the quantity is its unit; the counted thing is its 'of' object."""
    if noun is None or noun.i not in tokset:
        return noun, None
    of = [c for c in noun.rights if c.dep_ == "prep" and c.text.lower() == "of"]
    pobj = [t for t in of[0].children if t.dep_ == "pobj"] if of else []
    return (pobj[0] if pobj else None), noun


def _number_of_subject(anchor) -> tuple[str, str, str] | None:
    """'the number of households ... was estimated at 40,000', 'the number of Kazakhs reached 150,000'."""
    if anchor.dep_ not in ("pobj", "dobj", "attr", "oprd"):
        return None
    v = anchor.head.head if anchor.dep_ == "pobj" else anchor.head
    subj = [c for c in v.children if c.dep_ in ("nsubj", "nsubjpass")]
    if subj and subj[0].lemma_.lower() in NUMBER_NOUNS:
        return _phrase(subj[0], limit=9), subj[0].lemma_.lower(), v.lemma_.lower()
    return None


def _governing_verb(sent, base):
    """The verb that governs ``base`` within four hops (not a reporting verb, not across ';' or ':')."""
    t, hops = base, 0
    while t.head.i != t.i and hops < 4:
        prev, t = t, t.head
        hops += 1
        if t.text.lower() == "with" or _punct_between(sent, prev, t):
            return None
        if t.pos_ in ("VERB",) or (t.pos_ == "AUX" and t.dep_ == "ROOT"):
            return t if t.lemma_.lower() not in REPORT_VERBS and t.dep_ not in ("acl",) else None
        if t.dep_ in ("conj",) and t.head.pos_ == "VERB" and t.pos_ != "NOUN":
            return t.head
    return None


def _clause_verb(sent, base, noun, tokset: set[int]):
    """The verb of the quantity's clause: the governing verb, or a passive participle after the number."""
    verb = base if base.pos_ == "VERB" else _governing_verb(sent, base)  # "314 killed": the number is its subject
    passive = _passive_after(sent, max(tokset))
    if passive is not None and noun is not None and passive.head.i == noun.i:
        passive = None  # a relative clause of the noun ("smugglers, who were supported by ...")
    if passive is not None and (verb is None or verb.i < min(tokset) or _punct_between(sent, passive, verb)):
        verb = passive
    return verb


def _noun_parts(sent, noun, unit_noun, anchor, verb, base) -> list[str]:
    """The counted thing's phrase (or the unit's, or the words before a colon)."""
    parts: list[str] = []
    if noun is not None:
        if noun.head.text.lower() == "of" and noun.head.head.lemma_.lower() in ("strength", "population"):
            parts.append(_phrase(noun.head.head, limit=8))
        else:
            parts.append(_phrase(noun))
        cv = _colon_verb(sent, base) if verb is None else None
        if cv:
            parts.append(cv)
    elif unit_noun is not None:
        parts.append(_phrase(unit_noun, with_preps=False))
    elif anchor.dep_ in ("nsubj", "nsubjpass") and verb is not None:
        ctx = _context_before_colon(sent, anchor)
        if ctx:
            parts.append(ctx)
    return parts


def _np(tok) -> str:
    """A noun with its left modifiers, without articles, as words."""
    return " ".join(_norm(x) for x in _compact(tok) if x.dep_ != "det")


def _verb_phrase(verb, base, noun, tokset: set[int]) -> str | None:
    """The verb with its object, direction and agent ('crossed into the USSR', 'detained by ...');
    None for no verb or a light one (be, have, include, total ...)."""
    if verb is None or verb.lemma_.lower() in _LIGHT_VERBS:
        return None
    vt = [verb.lemma_.lower()] if verb.tag_ == "VB" else [verb.text.lower()]
    if base.i != verb.i:
        vt += [_np(c) for c in verb.children if c.dep_ in ("dobj",) and c.i != base.i and c.i not in tokset
               and not any(x.like_num for x in c.subtree)]
    direction = _verb_direction(verb, tokset)
    if direction:
        vt.append(direction)
    if noun is not None and noun.dep_ in ("dobj",) and noun.head.i == verb.i:
        subj = [c for c in verb.children if c.dep_ == "nsubj" and c.pos_ != "PRON"]
        if subj:
            vt.append("by " + _np(subj[0]))
    return " ".join(vt)


def _verb_direction(verb, tokset: set[int]) -> str | None:
    """The verb's first direction phrase ('into the USSR'), unless its object is a number."""
    for c in verb.children:
        if c.dep_ == "prep" and c.text.lower() in _DIRECTION_PREPS and c.i not in tokset:
            pobj = [x for x in c.children if x.dep_ == "pobj"]
            if pobj and not any(x.like_num for x in pobj[0].subtree):
                return c.text.lower() + " " + _np(pobj[0])
    return None


def _measure_what(sent, tokset: set[int], what: str, parts: list[str]) -> str:
    """A measure with no counted noun: a distance ('distance from state border') or the measured thing."""
    distance = _distance_from(sent, max(tokset))
    if distance:
        return distance
    if len(parts) == 1 and _only_units(parts[0]):
        # "a special regime – 4 and 7.5 kilometers inland", "strips (4; 7.5; 16 and 22 km)": name the measured thing
        measured = _measured_thing(sent, min(tokset))
        if measured:
            return _clean(f"{measured} {' '.join(parts[1:])}")
    return what


_UNIT_WORDS = re.compile(r"^(?:(?:km|kilomet(?:er|re)s?|m|met(?:er|re)s?|versts?|miles?|and|or|[\d.;,-]+)\s*)*$", re.I)


def _only_units(phrase: str) -> bool:
    return bool(_UNIT_WORDS.match(phrase.strip()))


def _measured_thing(sent, before_i: int) -> str | None:
    """The nearest noun phrase before the measure that is not itself a unit ('border strips', 'borderland')."""
    chunks = [c for c in sent.noun_chunks if c.end <= before_i and c.root.pos_ in ("NOUN", "PROPN")]
    for c in reversed(chunks):
        if not _only_units(c.root.text) and not any(t.like_num for t in c):
            words = [t for t in c if t.dep_ not in ("det", "poss", "case") and not t.like_num]
            if c.root.text.lower() in _MONTH_WORDS or not words:
                continue
            return " ".join(_norm(t) for t in words)
    return None


_MONTH_WORDS = {"january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"}
_DIRECTION = re.compile(r"^\s*(?:(?:to\s+the\s+)?(?:north|south|east|west|north-?east|north-?west|south-?east|south-?west)(?:\s+of)?|from|away\s+from|inland\s+from|off)\b", re.I)


def _distance_from(sent, last_i: int) -> str | None:
    """'4 kilometers from the state border' -> 'distance from state border'; '25 versts south of Bakhty'."""
    doc = sent.doc
    rest = doc[last_i + 1:sent.end]
    m = _DIRECTION.match(rest.text)
    if not m:
        return None
    words = []
    for t in rest:
        if t.idx - rest.start_char >= m.end():
            if t.is_punct or t.pos_ in ("VERB", "AUX", "CCONJ", "SCONJ") or len(words) >= 5:
                break
            if t.dep_ != "det":
                words.append(_norm(t))
    target = " ".join(words)
    return _clean(f"distance {m.group(0).strip().lower()} {target}") if target else None


def _passive_after(sent, i: int):
    """'734 border violators and 24 border guards were killed': the participle after were/was in the clause."""
    toks = [t for t in sent if t.i > i]
    for a, b in zip(toks, toks[1:], strict=False):
        if a.text in (";", ":", ".") or a.lower_ in ("whom", "which", "who", "whose"):
            return None
        if a.lower_ in ("were", "was", "been") and b.tag_ == "VBN":
            return b
    return None


def _punct_between(sent, a, b) -> bool:
    lo, hi = sorted((a.i, b.i))
    return any(t.text in (";", ":") for t in sent.doc[lo:hi])


def _colon_verb(sent, tok) -> str | None:
    """'there were detained as follows: 1,093 people ...' -> 'detained'."""
    before = [t for t in sent if t.i < tok.i]
    colon = [t for t in before if t.text == ":"]
    if not colon:
        return None
    verbs = [t for t in before if t.i < colon[-1].i and t.pos_ == "VERB" and t.lemma_.lower() not in {"follow"} | REPORT_VERBS]
    return verbs[-1].text.lower() if verbs else None


def _context_before_colon(sent, anchor) -> str | None:
    """'Rebels losses [were]: 314 killed' -> 'rebels losses'."""
    text = sent.text[: anchor.idx - sent.start_char]
    if ":" not in text:
        return None
    head = text.rsplit(":", 1)[0]
    head = re.sub(r"\[.*?\]", "", head)
    head = re.sub(r"\b(?:were|was|are|is)\b", "", head)
    words = head.split()[-4:]
    return _clean(" ".join(w.lower() for w in words)) or None


def _cyrillic(s: str) -> bool:
    letters = [c for c in s if c.isalpha()]
    return bool(letters) and sum("\u0400" <= c <= "\u04ff" for c in letters) > len(letters) / 2


_RU_WORD = r"[А-Яа-яЁё-]+"
_RU_VERB = re.compile(rf"({_RU_WORD}(?:но|ны|на|ли|ло|ла|лся|лись|ено|ены|ано|ято))\b[^.;:,]*$")


def what_phrase_ru(text: str, qs: int, qe: int, s0: int) -> tuple[str, str | None, str | None]:
    """Russian sentences: the words after the number (the counted noun and what follows) and a past verb before it."""
    m = re.match(rf"\s*((?:{_RU_WORD})(?:\s+(?!и\b|а\b|но\b){_RU_WORD}){{0,3}})", text[qe:qe + 80])
    if not m:
        return "", None, None
    words = m.group(1).split()
    noun = words[0].lower()
    before = text[s0:qs]
    clause = re.split(r"[,;:]\s*", before)[-1]
    vm = _RU_VERB.search(clause)
    verb = vm.group(1).lower() if vm else None
    what = " ".join(w.lower() for w in words) + (f" ({verb})" if verb and verb not in words else "")
    return what, noun, verb


def subject_ru(text: str, qe: int, s0: int) -> Subject | None:
    """Russian: the counted noun is the word right after the number ('500 человек', '300 семей')."""
    m = re.match(rf"\s*({_RU_WORD})", text[qe:qe + 40])
    if not m or not m.group(1)[:1].isalpha():
        return None
    a, b = qe + m.start(1), qe + m.end(1)
    return Subject(text[a:b], a - s0, b - s0, "noun-after")


# --- kinds, for comparison --------------------------------------------------------------------------
NOUN_CLASSES = {
    "people": {"people", "person", "persons", "individual", "individuals", "resident", "residents", "refugee", "refugees", "crosser",
               "crossers", "citizen", "citizens", "émigré", "émigrés", "emigrant", "emigrants", "migrant", "migrants", "inhabitant",
               "inhabitants", "civilian", "civilians", "kazakhs", "человек", "violator", "violators", "escapee", "escapees"},
    "households": {"household", "households", "family", "families", "farm", "farms", "yurt", "yurts"},
    "troops": {"men", "man", "soldier", "soldiers", "troops", "troop", "fighter", "fighters", "personnel", "guards", "guard", "strength"},
    "prisoners": {"prisoner", "prisoners", "captive", "captives"},
    "vehicles": {"vehicle", "vehicles", "truck", "trucks", "car", "cars"},
    "aircraft": {"aircraft", "plane", "planes", "airplane", "airplanes"},
    "cattle": {"cattle", "head", "sheep", "horses", "livestock"},
}
VERB_CLASSES = {
    "crossed": {"cross", "crossed", "crossing", "enter", "entered", "flee", "fled", "migrate", "migrated", "migrating", "emigrate",
                "emigrated", "leave", "left", "escape", "escaped", "move", "moved", "arrive", "arrived", "exodus", "go", "went"},
    "killed": {"kill", "killed", "die", "died", "dead", "shot", "perish", "perished"},
    "detained": {"detain", "detained", "arrest", "arrested", "capture", "captured", "take", "taken", "apprehend", "apprehended", "seized"},
    "wounded": {"wound", "wounded", "injured"},
}


def claim_kind(what: str, unit: str | None = None) -> str:
    """A coarse kind ('people crossed', 'troops', 'km') so that claims from different sources line up."""
    words = re.findall(r"[\w'-]+", (what or "").lower())
    noun = next((k for w in words for k, vs in NOUN_CLASSES.items() if w in vs), None)
    verb = next((k for w in words for k, vs in VERB_CLASSES.items() if w in vs), None)
    if unit and unit not in ("",):
        u = _unit_kind(unit) or unit
        return f"{u}:{noun or (words[-1] if words else '')}"
    if noun is None and verb is None:
        return " ".join(words[:3])
    return " ".join(x for x in (noun, verb) if x)

