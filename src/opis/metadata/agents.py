"""People and bodies in metadata roles: authors and recipients from titles and address lines,
translators and contributors from credit sentences, funders from credit lines.

Pure functions over strings; resolving a name to its authority entry is ``to_agent``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from opis.model import Agent

# Ranks, offices and forms of address that precede a name ("Cde. I.V. Stalin", "Marshal Malinovsky").
HONORIFICS = [
    "Marshal of the Soviet Union", "General of the Army", "Colonel General", "Lieutenant General",
    "Major General", "Lieutenant Colonel", "Rear Admiral", "Vice Admiral", "Admiral", "Marshal",
    "General", "Colonel", "Major", "Captain", "Lieutenant", "Lt. Col.", "Lt.", "Col.", "Gen.", "Maj.",
    "Capt.", "Vice Foreign Minister", "Deputy Foreign Minister", "Foreign Minister", "Vice Minister",
    "Deputy Minister", "Minister", "Vice Premier", "Premier", "Vice Chairman", "Chairman", "Vice President",
    "President", "General Secretary", "First Secretary", "Second Secretary", "Secretary", "Ambassador",
    "Consul General", "Consul", "Chargé d'Affaires", "Charge d'Affaires", "Commissar", "People's Commissar",
    "Comrades", "Comrade", "Cdes.", "Cde.", "Tov.", "Mr.", "Mrs.", "Ms.", "Dr.", "Prof.", "Academician",
    "Commander", "Chief", "Director", "Deputy", "Acting", "Sir", "Lord", "Товарищу", "Товарищ", "тов.",
]
_HONORIFIC_RE = re.compile(
    r"^(?:" + "|".join(re.escape(h) for h in sorted(HONORIFICS, key=len, reverse=True)) + r")(?:\s+|$)",
    re.IGNORECASE,
)
# Connectors allowed inside a proper name or a body's name.
_NAME_PARTICLES = {"de", "da", "van", "von", "der", "bin", "ibn", "al", "el", "la", "le", "of", "the", "and", "for", "in", "on"}
_SPLIT_RE = re.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+|\s*;\s*|\s+&\s+")
_STOP_RE = re.compile(
    r"\s+(?:on|about|regarding|concerning|re:|with regard to|in connection with|dated)\s+.*$|\s*\([^)]*\)\s*$",
    re.IGNORECASE,
)
_INITIAL_END = re.compile(r"(?:^|\s)[A-Z]\.$")
_GLOSS_RE = re.compile(r"\s*\[([^\]\[]+)\]")


@dataclass
class NamePart:
    """A name a title or line states, with the roles it holds and an editor's bracketed gloss."""

    surface: str
    roles: list[str] = field(default_factory=list)
    gloss: str | None = None  # an editor's identification: "Filippov [Stalin]" -> "Stalin"


def strip_honorifics(name: str) -> tuple[str, list[str]]:
    """'Cde. I.V. Stalin' -> ('I.V. Stalin', ['Cde.'])."""
    roles = []
    s = name.strip()
    while True:
        m = _HONORIFIC_RE.match(s)
        if not m or m.end() >= len(s):
            break
        roles.append(m.group(0).strip())
        s = s[m.end():].strip()
    return s, roles


def is_name_like(s: str, max_tokens: int = 6) -> bool:
    """Capitalised words, initials or all-caps words; particles allowed inside; no sentence."""
    tokens = s.replace("-", " ").split()
    if not tokens or len(tokens) > max_tokens:
        return False
    if tokens[0].lower() in _NAME_PARTICLES:
        return False
    for t in tokens:
        if t.lower() in _NAME_PARTICLES:
            continue
        if re.search(r"['’]s$", t):  # a possessive: "Zhou Enlai's Reception" is not a name
            return False
        if not (t[:1].isupper() or t[:1].isdigit()):
            return False
    return True


def split_names(s: str, max_tokens: int = 6) -> list[NamePart]:
    """'I.V. Stalin, V.M. Molotov, and Cde. G.M. Malenkov' -> three names with their honorifics.

    An element that starts with a lower-case word ('the Commanding General of ...') describes
    the name before it and is kept as a role of that name.
    """
    s = _STOP_RE.sub("", s.strip()).strip(" .,:;")
    parts: list[NamePart] = []
    for piece in _SPLIT_RE.split(s):
        piece = piece.strip(" ,:;")
        if piece.endswith(".") and not _INITIAL_END.search(piece):
            piece = piece[:-1].rstrip()
        if not piece:
            continue
        if piece[:1].islower():
            if parts:
                parts[-1].roles.append(piece)
            continue
        gloss = None
        g = _GLOSS_RE.search(piece)
        if g:
            gloss = g.group(1).strip()
            piece = _GLOSS_RE.sub("", piece).strip()
        surface, roles = strip_honorifics(piece)
        if parts and _INITIAL_END.search(parts[-1].surface) and not parts[-1].roles:
            # "John D. and Catherine T. MacArthur" was split at the "and"
            parts[-1].surface += " and " + surface
            continue
        parts.append(NamePart(surface, roles, gloss))
    return [p for p in parts if is_name_like(p.surface, max_tokens)]


# --- titles ---------------------------------------------------------------------------------

_VERB_TO_BY = re.compile(
    r"^(?P<pre>.*?)\b(?:given|presented|handed|sent|delivered|addressed|submitted|transmitted|passed)\s+"
    r"(?:personally\s+)?to\s+(?P<r>.+?)\s+by\s+(?P<a>.+)$",
    re.IGNORECASE,
)
_VERB_TO = re.compile(
    r"\b(?:given|presented|handed|sent|delivered|addressed|submitted|transmitted|passed)\s+to\s+(?P<r>.+)$",
    re.IGNORECASE,
)
_FROM_TO = re.compile(r"^(?P<pre>(?:\S+\s+){0,5}?)(?:from|of)\s+(?P<a>.+?),?\s+to\s+(?P<r>.+)$", re.IGNORECASE)
_BY = re.compile(r"^(?P<pre>(?:\S+\s+){1,4}?)(?:from|by)\s+(?P<a>.+)$", re.IGNORECASE)
_A_TO_B = re.compile(r"^(?:(?P<pre>[^,:]{1,40})[,:]\s+)?(?P<a>[^,]+?)\s+to\s+(?P<r>.+)$")
_TRAILING_PAREN = re.compile(r"\s*\((?:[^()]*)\)\s*$")


@dataclass
class TitleAgents:
    """The authors and recipients a document title states."""

    authors: list[NamePart] = field(default_factory=list)
    recipients: list[NamePart] = field(default_factory=list)


def agents_from_title(title: str, type_words: re.Pattern[str]) -> TitleAgents:
    """Authors and recipients a title states: 'Report from X to Y, Z, and W', 'X to Y',
    'Memorandum Given to Y by X', 'Letter by X', '... Presented to Y'."""
    t = title.strip()
    while _TRAILING_PAREN.search(t):
        t = _TRAILING_PAREN.sub("", t)
    out = TitleAgents()
    m = _VERB_TO_BY.match(t)
    if m:
        out.recipients = split_names(m.group("r"))
        out.authors = split_names(m.group("a"))
        return out
    m = _FROM_TO.match(t)
    if m and _only_type_words(m.group("pre"), type_words):
        out.authors = split_names(m.group("a"))
        out.recipients = split_names(m.group("r"))
        return out
    m = _A_TO_B.match(t)
    if m and _only_type_words(m.group("pre") or "", type_words):
        author, _ = strip_honorifics(m.group("a"))
        if is_name_like(author, max_tokens=4) and not type_words.search(author):
            out.authors = split_names(m.group("a"))
            out.recipients = split_names(m.group("r"))
            return out
    m = _BY.match(t)
    if m and _only_type_words(m.group("pre"), type_words):
        out.authors = split_names(m.group("a"))
        return out
    m = _VERB_TO.search(t)
    if m:
        out.recipients = split_names(m.group("r"))
    return out


def _only_type_words(pre: str, type_words: re.Pattern[str]) -> bool:
    """The words before 'from'/'by' name the kind of document only ('Ciphered Telegram')."""
    pre = pre.strip(" ,:")
    if not pre:
        return True
    rest = type_words.sub("", pre)
    rest = re.sub(r"\b(?:a|an|the|ciphered|cipher|coded|secret|urgent|special|personal|official|draft|excerpt|from|of)\b", "", rest, flags=re.IGNORECASE)
    return not rest.strip(" ,:;-")


_ADDRESS_RE = re.compile(
    r"\bto\s+(?:(?:Cde|Cdes|Comrade|Comrades|Tov)\.?\s+|(?=(?:MARSHAL|GENERAL|COMRADE|CDE)\b))(?P<names>[^\n\-–—]+)",
    re.IGNORECASE,
)


def recipients_from_address(lines: list[str]) -> list[NamePart]:
    """Address lines at the head of a document: 'to Cde. V. M. MOLOTOV', 'TO MARSHAL MALINOVSKY, ...'."""
    out: list[NamePart] = []
    for line in lines:
        for m in _ADDRESS_RE.finditer(line):
            out += split_names(m.group(0)[3:])
    return out


def to_agent(part: NamePart, role: str | None = None, affiliation: str | None = None) -> Agent:
    """An Agent with the authority's canonical name when the authority knows the surface form."""
    surface = part.surface
    name, entity_id = surface, None
    match = resolve_person(surface, part.gloss)
    if match is not None:
        name, entity_id = match
    elif surface.isupper() and len(surface) > 3:
        name = " ".join(w.capitalize() for w in surface.split())
    roles = [r for r in part.roles if r]
    return Agent(
        name=name, surface=surface, role=role or ("; ".join(roles) if roles else None),
        affiliation=affiliation, entity_id=entity_id,
    )


def resolve_person(surface: str, gloss: str | None = None) -> tuple[str, str] | None:
    """(canonical name, entity id) from the person authority, when it is sure."""
    from opis.authority import resolve

    try:
        match = resolve(surface, "PERSON", gloss=gloss)
    except Exception:  # the authority must never break metadata extraction
        return None
    if match is None or (match.method == "fuzzy" and match.score < 0.9):
        return None
    return match.entity.label, match.entity.id
