"""What a number counts or measures, read off the dependency parse of its sentence.

``counted_subject(sent, tokset, unit_kind)`` returns the noun phrase that the number at the
tokens ``tokset`` counts or measures, as it stands in the sentence (a ``Subject`` with its span
and the rule that found it), or None when the sentence names none. Only these shapes make a claim:

- ``nummod``: the number modifies a common noun written after it ("20,000 Chinese workers",
  "about 20 thousand people", "four or five personnel"); a proper noun only when it is a plural
  name of people ("22,000 Kazakhs");
- ``of``: "tens of thousands of people", "3 tons of grain";
- ``count-verb``: a noun whose number is given by a verb or a copula ("the number of Kazakhs
  reached 150,000", "the population amounted to 350,000", "troops numbering 5,000");
- ``casualty``: "27 dead, 64 wounded" — the participle says what befell those counted;
- ``unit``: a quantity with a unit of measure or money and the thing it measures ("526 km of the
  state border", "a 7.5-kilometer zone", "contraband worth 216 rubles", "production has gone up
  11.4%"); money, mass and area may name only their unit ("fined 50 rubles"); a percentage
  always needs the measured thing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from opis.extract.units import unit_for

# Counted nouns that are really part of a time expression, a reference or a list, never claims.
NOT_COUNTED = {
    "year", "years", "month", "months", "week", "weeks", "day", "days", "hour", "hours", "minute", "minutes", "second", "time",
    "times", "season", "seasons", "decade", "decades", "century", "centuries", "page", "pages", "article", "articles",
    "volume", "volumes", "location", "place", "way", "side", "occasion", "part", "case", "point", "points", "stage", "wave",
    "direction", "reason", "aspect", "function", "kind", "type", "form", "level", "option", "question", "issue", "term", "item",
    "items", "paragraph", "paragraphs", "section", "sections", "chapter", "chapters", "clause", "clauses", "principle",
    "percent", "per", "cent", "o'clock", "a.m.", "p.m.", "am", "pm", "one", "ones", "other", "others",
}
# Nouns that head "the number of X": the counted thing is X.
NUMBER_NOUNS = {"number", "total", "population", "strength", "figure", "count", "size", "amount", "sum", "quantity"}
COUNT_VERBS = {"number", "amount", "total", "reach", "exceed", "be", "stand", "come", "estimate", "put", "count", "approach"}
CASUALTY = {"dead", "killed", "wounded", "missing", "injured", "captured", "drowned", "murdered", "executed", "shot", "arrested", "detained"}
_MEASURE_VERBS = {"be", "go", "rise", "fall", "increase", "decrease", "grow", "drop", "decline", "reach", "amount", "exceed", "make", "account",
                  "constitute", "represent", "total", "equal", "climb", "jump", "double", "shrink", "define", "set", "fix", "extend",
                  "stretch", "establish", "measure"}


@dataclass(frozen=True)
class Subject:
    """The counted or measured noun phrase: its words as written, its span in the sentence, the rule."""

    text: str
    start: int  # character offsets in the parsed text (the sentence)
    end: int
    rule: str


def _span(tokens: list, rule: str) -> Subject | None:
    tokens = [t for t in tokens if not t.is_punct or t.text in ("-", "'", "’")]
    while tokens and (tokens[0].dep_ == "det" or tokens[0].is_punct or tokens[0].pos_ in ("ADP", "CCONJ", "PART")):
        tokens = tokens[1:]
    while tokens and (tokens[-1].is_punct or tokens[-1].pos_ in ("ADP", "CCONJ", "PART", "DET")):
        tokens = tokens[:-1]
    if not tokens:
        return None
    a = min(t.idx for t in tokens)
    b = max(t.idx + len(t.text) for t in tokens)
    text = tokens[0].doc.text[a:b]
    if not any(c.isalpha() or c in "$£€¥" for c in text):
        return None
    return Subject(text=text, start=a, end=b, rule=rule)


def noun_phrase(tok, after: int = -1) -> list:
    """A noun with its left modifiers (adjectives, compounds, possessors), none before token ``after``."""
    out = [t for c in tok.lefts if c.dep_ in ("amod", "compound", "nmod", "poss") for t in c.subtree]
    out = [t for t in out + [tok] if t.i > after and not t.like_num]
    if not out:
        return []
    lo = min(t.i for t in out)
    return [t for t in tok.doc[lo:tok.i + 1]]


def _with_of(tok, after: int) -> list:
    """'number of Kazakhs', 'population of Xinjiang': the noun and its 'of' complement."""
    words = noun_phrase(tok, after)
    for c in tok.rights:
        if c.dep_ == "prep" and c.lower_ == "of":
            pobj = [t for t in c.children if t.dep_ == "pobj" and not t.like_num]
            if pobj:
                words = words + [c] + noun_phrase(pobj[0], c.i)
            break
    return words


def _countable(tok) -> bool:
    """A head noun a number can count: a common noun, or a plural name of people ('Kazakhs')."""
    if tok.lower_ in NOT_COUNTED or tok.lemma_.lower() in NOT_COUNTED or tok.like_num:
        return False
    if tok.text.isupper() and len(tok.text) > 1:
        return False  # an acronym: "the 8 MDGS", "138 KB"
    if tok.text.endswith(".") and len(tok.text) <= 4:
        return False  # an abbreviation: "2 p.", "3 vols."
    if tok.pos_ == "NOUN":
        return True
    # a plural name of people ("Kazakhs", "Chinese"), or a lower-case word the tagger took for a name ("White émigrés")
    return tok.pos_ == "PROPN" and (tok.tag_ == "NNPS" or tok.text[:1].islower())


def _number_head(toks: list, tokset: set[int]):
    ext = [t for t in toks if t.head.i not in tokset or t.head.i == t.i]
    return ext[-1] if ext else toks[-1]


_CURRENCY_SIGNS = ("$", "£", "€", "¥", "US$")


def counted_subject(sent, tokset: set[int], unit_kind: str | None = None) -> Subject | None:
    """The noun phrase the number at token indices ``tokset`` counts or measures (see module doc)."""
    toks = [t for t in sent if t.i in tokset]
    first_num = next((t.i for t in toks if t.like_num or t.pos_ == "NUM"), None)
    if first_num is not None:  # the qualifier's words ("estimated at", "more than") are not the number
        toks = [t for t in toks if t.i >= first_num or t.text in _CURRENCY_SIGNS]
        tokset = {t.i for t in toks}
    if not toks:
        return None
    anchor = _number_head(toks, tokset)
    if unit_kind:
        return _measured(sent, toks, tokset, anchor, unit_kind)
    last = max(tokset)
    nxt = sent.doc[last + 1] if last + 1 < sent.end else None
    if nxt is not None and nxt.lower_ == "of":
        return _of_counted(sent, nxt, last)
    if nxt is not None and nxt.lower_ in CASUALTY:
        return _span([nxt], "casualty")  # "27 dead, 64 wounded"
    found = _modified_counted(anchor, last)
    if found is None:
        found = _count_verb(anchor)
    if found is None and anchor.dep_ in ("pobj", "dobj", "attr", "oprd"):
        found = _number_of(sent, tokset)  # "estimate the number of households ... at a much higher figure of 83,000"
    return found


def _of_counted(sent, of, last: int) -> Subject | None:
    """'tens of thousands of people', '3,000 of the refugees': the countable 'of' object or nothing."""
    doc = sent.doc
    pobj = [t for t in of.children if t.dep_ == "pobj"] or ([doc[last + 2]] if last + 2 < sent.end else [])
    if pobj and _countable(pobj[0]):
        return _span(noun_phrase(pobj[0], of.i), "of")
    return None


def _modified_counted(anchor, last: int) -> Subject | None:
    """The countable noun the number modifies, directly or through a number or modifier it is joined to."""
    head = anchor.head
    while head.dep_ in ("compound", "nmod") and head.head.i > head.i and head.head.pos_ == "NOUN":
        head = head.head  # "29 Soviet joint-stock company (SAO) factories": the last noun of the compound counts
    if anchor.dep_ in ("nummod", "quantmod", "amod", "compound", "nmod") and head.i > last and _countable(head):
        return _span(noun_phrase(head, last), "nummod")
    # "four or five personnel": a number joined to one that counts a noun
    if anchor.dep_ == "conj" and head.like_num and head.dep_ == "nummod" and head.head.i > last and _countable(head.head):
        return _span(noun_phrase(head.head, head.i), "nummod")
    if anchor.dep_ == "nummod" and head.head.i > last and head.dep_ in ("amod", "compound") and _countable(head.head):
        return _span(noun_phrase(head.head, last), "nummod")
    return None


def _number_of(sent, tokset: set[int]) -> Subject | None:
    """The 'number of X' / 'population of X' that a sentence gives a bare figure for."""
    for t in sent:
        if t.i in tokset or t.lemma_.lower() not in ("number", "population", "total", "strength"):
            continue
        of = [c for c in t.children if c.dep_ == "prep" and c.lower_ == "of"]
        pobj = [x for x in of[0].children if x.dep_ == "pobj" and x.pos_ in ("NOUN", "PROPN")] if of else []
        if pobj and pobj[0].i < min(tokset):
            return _span(_with_of(t, -1), "number-of")
    return None


def _count_verb(anchor) -> Subject | None:
    """'the number of Kazakhs reached 150,000', 'the population was 11,100', 'troops numbering 5,000'."""
    if anchor.dep_ not in ("dobj", "attr", "pobj", "oprd", "npadvmod", "advmod", "nummod", "appos", "conj"):
        return None
    verb = anchor.head
    if anchor.dep_ == "pobj":
        verb = verb.head  # "amounted to 350,000", "estimated at 40,000"
    if anchor.dep_ == "conj":
        return None
    if verb.pos_ not in ("VERB", "AUX") or verb.lemma_.lower() not in COUNT_VERBS:
        return None
    if verb.dep_ == "acl" and _countable(verb.head):  # "troops numbering 5,000"
        return _span(noun_phrase(verb.head), "count-verb")
    subj = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass") and c.pos_ in ("NOUN", "PROPN")]
    if not subj:
        return None
    s = subj[0]
    if s.lemma_.lower() in NUMBER_NOUNS or _countable(s):
        if s.pos_ == "PROPN" and s.lemma_.lower() not in NUMBER_NOUNS and s.tag_ != "NNPS":
            return None
        words = _with_of(s, -1)
        for c in s.children:  # "90,000 Czech force and large number of Russians ..., total approximately 160,000"
            if c.dep_ == "conj" and c.pos_ in ("NOUN", "PROPN"):
                words += _with_of(c, -1)
        return _span(words, "count-verb")
    return None


@dataclass
class _Measure:
    """A quantity with a unit in its parsed sentence: its first and last token, the token that
    heads it, that token's head and the unit token."""

    sent: object
    toks: list
    first: int
    last: int
    anchor: object
    head: object
    unit_tok: object
    unit_kind: str

    @property
    def doc(self):
        """The spaCy document of the measure's sentence."""
        return self.sent.doc


def _measure(sent, toks: list, tokset: set[int], anchor, unit_kind: str) -> _Measure:
    last, first = max(tokset), min(tokset)
    head, unit_tok = anchor.head, toks[-1]
    between = sent.doc[last + 1:anchor.head.i]
    if anchor.head.i > last and unit_for(anchor.head.text) is not None and all(
            t.like_num or t.is_punct or t.pos_ == "CCONJ" for t in between):
        anchor = anchor.head  # "4 and 7.5 kilometers": the unit written once for the list
        last, head, unit_tok = anchor.i, anchor.head, anchor
    return _Measure(sent, toks, first, last, anchor, head, unit_tok, unit_kind)


def _measured(sent, toks: list, tokset: set[int], anchor, unit_kind: str) -> Subject | None:
    """The thing a quantity with a unit measures: the first of ``_MEASURE_RULES`` that finds one;
    for a percentage or a length, the subject of a measuring verb or nothing; for money, what it
    is for; else the unit itself names the kind of measure (money, mass, area, temperature)."""
    m = _measure(sent, toks, tokset, anchor, unit_kind)
    for rule in _MEASURE_RULES:
        found = rule(m)
        if found is not None:
            return found
    if unit_kind == "percent" or unit_kind == "length":
        return _measure_verb_subject(m)
    found = _money_purpose(m) if unit_kind == "money" else None
    return found if found is not None else _unit_words(toks)


def _worth_before(m: _Measure) -> Subject | None:
    """'contraband worth 216 rubles'."""
    doc, first = m.doc, m.first
    if first >= 2 and doc[first - 1].lower_ == "worth" and doc[first - 2].pos_ in ("NOUN", "PROPN"):
        return _span(noun_phrase(doc[first - 2]), "unit")
    return None


def _worth_of_after(m: _Measure) -> Subject | None:
    """'216 rubles worth of contraband'."""
    doc, last, end = m.doc, m.last, m.sent.end
    if last + 3 < end and doc[last + 1].lower_ == "worth" and doc[last + 2].lower_ == "of" and doc[last + 3].pos_ in (
            "NOUN", "ADJ", "PROPN"):
        thing = next((t for t in doc[last + 3:end] if t.pos_ in ("NOUN", "PROPN")), None)
        if thing is not None:
            return _span(noun_phrase(thing, last + 2), "unit")
    return None


def _modified_noun(m: _Measure) -> Subject | None:
    """'a 7.5-kilometer zone', 'a 10% increase'."""
    head = m.head
    if (
        m.anchor.dep_ in ("amod", "compound", "nummod", "nmod") and head.i > m.last and head.pos_ == "NOUN"
        and head.lower_ not in NOT_COUNTED and unit_for(head.text) is None
    ):
        return _span(noun_phrase(head, m.last), "unit")
    return None


def _unit_of(m: _Measure) -> Subject | None:
    """'526 km of the state border', '40% of the population': the unit's 'of' object."""
    for c in m.unit_tok.rights:
        if c.dep_ == "prep" and c.lower_ == "of":
            pobj = [t for t in c.children if t.dep_ == "pobj" and t.pos_ in ("NOUN", "PROPN")]
            if pobj:
                return _span(noun_phrase(pobj[0], c.i), "unit")
    return None


def _next_of(m: _Measure) -> Subject | None:
    """The 'of' object right after the quantity."""
    doc, last, end = m.doc, m.last, m.sent.end
    nxt = doc[last + 1] if last + 1 < end else None
    if nxt is not None and nxt.lower_ == "of" and last + 2 < end:
        pobj = [t for t in nxt.children if t.dep_ == "pobj"]
        if pobj and pobj[0].pos_ in ("NOUN", "PROPN"):
            return _span(noun_phrase(pobj[0], nxt.i), "unit")
    return None


def _measure_of(m: _Measure) -> Subject | None:
    """'a fine of 300 rubles', 'a distance of 5 km'."""
    head = m.head
    if m.anchor.dep_ == "pobj" and head.lower_ == "of" and head.head.pos_ == "NOUN" and head.head.lower_ not in NOT_COUNTED:
        return _span(noun_phrase(head.head), "unit")
    return None


def _length_target(m: _Measure) -> Subject | None:
    """A length: the distance and what from, or the strips listed before a parenthesis."""
    if m.unit_kind != "length":
        return None
    away = _distance_target(m.sent, m.last)
    if away is not None:
        return away
    return _listed_in_parentheses(m.sent, m.first)


_MEASURE_RULES = (_worth_before, _worth_of_after, _modified_noun, _unit_of, _next_of, _measure_of, _length_target)


def _measure_verb_subject(m: _Measure) -> Subject | None:
    """'industrial production has gone up 11.4%', 'the border was 526 km long': the subject of the
    measuring verb that governs the quantity, when it comes before it."""
    verb = m.anchor
    while verb.pos_ not in ("VERB", "AUX") and verb.head.i != verb.i:
        verb = verb.head
    if verb.pos_ in ("VERB", "AUX") and verb.lemma_.lower() in _MEASURE_VERBS:
        subj = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass") and c.pos_ in ("NOUN", "PROPN")]
        if subj and subj[0].i < m.first:
            return _span(_with_of(subj[0], -1), "unit")
    return None


def _money_purpose(m: _Measure) -> Subject | None:
    """'40 million tugrik for the construction of the railroad', '$5 million in aid'."""
    doc, last, end = m.doc, m.last, m.sent.end
    if not (last + 2 < end and doc[last + 1].lower_ in ("for", "in", "of")):
        return None
    thing = next((t for t in doc[last + 2:min(end, last + 6)] if t.pos_ in ("NOUN", "PROPN")), None)
    while thing is not None and thing.dep_ == "compound" and thing.head.i > thing.i and thing.head.pos_ in ("NOUN", "PROPN"):
        thing = thing.head  # "relief funds"
    if thing is not None and thing.head.i in (last + 1, thing.i) or (thing is not None and thing.head.head.i == last + 1):
        return _span(_with_of(thing, last + 1), "unit")
    return None


def _unit_words(toks: list) -> Subject | None:
    """The unit's own words (money, mass, area, temperature: the unit names the kind of measure)."""
    unit_words = [t for t in toks if not t.like_num and (t.pos_ in ("NOUN", "PROPN", "SYM", "X", "ADJ") or t.text in "$£€¥")]
    unit_words = [t for t in unit_words if t.lower_ not in ("about", "some", "approximately", "nearly", "over", "almost")]
    return _span(unit_words, "unit") if unit_words else None


_DIRECTION = re.compile(
    r"^\s*(?:(?:to\s+the\s+)?(?:north|south|east|west|north-?east|north-?west|south-?east|south-?west)(?:\s+of)?|from|away\s+from|"
    r"inland(?:\s+from)?|off|beyond|behind|inside|deep\s+into|into)\b",
    re.I,
)


def _distance_target(sent, last: int) -> Subject | None:
    """'3 versts north of the Khorgos post', '4 kilometers from the state border': the distance and what from."""
    doc = sent.doc
    if last + 1 >= sent.end:
        return None
    start = doc[last + 1].idx
    m = _DIRECTION.match(doc.text[start:sent.end_char])
    if not m:
        return None
    words = []
    for t in doc[last + 1:sent.end]:
        if t.idx < start + m.end():
            words.append(t)
            continue
        if t.is_punct or t.pos_ in ("VERB", "AUX", "CCONJ", "SCONJ") or len(words) >= 9:
            break
        words.append(t)
    if not any(t.pos_ in ("NOUN", "PROPN") and t.idx >= start + m.end() for t in words):
        return None
    return _span(words, "distance")


def _listed_in_parentheses(sent, first: int) -> Subject | None:
    """'border strips (4; 7.5; 16 and 22 km)': the noun phrase right before the parenthesis."""
    doc = sent.doc
    i = first - 1
    while i > sent.start and doc[i].text != "(":
        if doc[i].pos_ in ("VERB", "AUX") or doc[i].text == ")":
            return None
        i -= 1
    if i <= sent.start or doc[i].text != "(":
        return None
    prev = doc[i - 1]
    if prev.pos_ not in ("NOUN", "PROPN") or prev.lower_ in NOT_COUNTED:
        return None
    return _span(noun_phrase(prev), "unit")
