"""Chicago notes-bibliography, as the digital archives print their "Citation" line.

Archive record: ``"Title", November 16, 1945, Wilson Center Digital Archive, RGASPI, f. 558,
op. 11, d. 98, ll. 0144. Obtained by X and translated by Y. <URL>`` — with the credit verbs the
source uses (``Document.credits``: "Contributed by", "Obtained by" ...).
Article: ``Family, Given, and Given Family. "Title." *Journal* 25, no. 2 (2026): 268–283. https://doi.org/…``.
"""

from __future__ import annotations

from opis.export import common
from opis.model import Document


def _people(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _credit_groups(doc: Document) -> list[tuple[list[str], list[str]]]:
    """[(verbs, names)]: the record's credits in the source's order and wording ('contributed',
    'obtained', 'translated' ...), verbs sharing the same names merged ('Obtained and translated by X').
    Records without ``credits`` fall back to 'obtained' for contributors and 'translated' for translators."""
    by_verb: dict[str, list[str]] = {}
    for c in doc.credits or []:
        verb = c.role.removesuffix(" by").strip()
        if c.name and verb:
            by_verb.setdefault(verb, []).append(c.name)
    if not by_verb:
        if doc.contributors:
            by_verb["obtained"] = list(doc.contributors)
        if doc.translators:
            by_verb["translated"] = list(doc.translators)
    groups: list[tuple[list[str], list[str]]] = []
    for verb, names in by_verb.items():
        same = next((g for g in groups if g[1] == names), None)
        if same:
            same[0].append(verb)
        else:
            groups.append(([verb], names))
    return groups


def _credit_line(doc: Document) -> str:
    """'Contributed by X and translated by Y' (first verb capitalised), or ''."""
    clauses = [f"{_people(verbs)} by {_people(names)}" for verbs, names in _credit_groups(doc)]
    line = " and ".join(clauses)
    return line[:1].upper() + line[1:]


def render(doc: Document) -> str:
    """The document's Chicago citation, as the digital archives print it."""
    if common.is_article(doc):
        return _article(doc)
    parts = [f"\"{doc.title or 'Untitled'}\"", common.long_date(common.date_parts(doc))]
    if pub := common.publisher(doc):
        parts.append(pub)
    if sig := common.signature(doc):
        parts.append(sig)
    out = ", ".join(parts) + "."
    if line := _credit_line(doc):
        out += f" {line}."
    if u := common.url(doc):
        out += f" <{u}>"
    return out


def _article(doc: Document) -> str:
    names = common.agent_names(doc)
    authors = ""
    if names:
        first = common.split_name(names[0])
        first_s = f"{first['family']}, {first.get('given', '')}".strip(", ")
        rest = names[1:]
        if not rest:
            authors = first_s
        else:
            authors = first_s + "".join(f", {n}" for n in rest[:-1]) + f", and {rest[-1]}"
    out = f"{authors}. " if authors else ""
    out += f"\"{doc.title or 'Untitled'}.\""
    if doc.journal:
        out += f" *{doc.journal}*"
        if doc.volume:
            out += f" {doc.volume}"
        if doc.issue:
            out += f", no. {doc.issue}"
        year = common.date_parts(doc)[:1]
        if year:
            out += f" ({year[0]})"
        if doc.pages:
            out += f": {doc.pages.replace('-', '–')}"
    out += "."
    if doc.doi:
        out += f" https://doi.org/{doc.doi}."
    elif u := common.url(doc):
        out += f" {u}."
    return out
