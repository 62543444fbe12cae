"""Credit clauses of a citation: who obtained, contributed, translated or compiled the record.

    Obtained by Péter Vámos and translated by Péter Vámos and Gwenyth A. Jones.
    copy obtained by NHK, provided to CWIHP, and on file at ...; translation by John Henriksen
    Translated from Portuguese by James G. Hershberg.
    Obtained by James G. Hershberg (George Washington University) and translated by ...

Each clause gives its verb as printed and its names (affiliations in parentheses dropped);
"translated from <language>" also names the original language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ROLES = {
    "obtained": "contributors", "contributed": "contributors", "donated": "contributors",
    "provided": "contributors", "translated": "translators", "translation": "translators",
}
_VERB = r"(?:obtained|contributed|donated|provided|translated|translation|transcribed|edited|compiled)"
_CLAUSE = re.compile(
    r"\b(?P<verbs>" + _VERB + r"(?:\s*(?:,|and)\s*" + _VERB + r")*)"
    r"(?P<mid>\s+(?:from|for|into)\s+[^.;,]{1,60}?)?\s+by\s+",
    re.IGNORECASE,
)
_NEXT = re.compile(
    r"\s*(?:,\s*|\s+)and\s+(?:a\s+)?(?:copy\s+)?(?i:" + _VERB + r")\b|;|,\s*(?:and\s+)?[a-z]|(?<!\b[A-Z])\.(?:\s|$)|\s+•"
)
_NAME = re.compile(r"^(?:[A-Z0-9][\w'’.-]*)(?:\s+(?:[A-Z0-9][\w'’.-]*|de|da|van|von|der|al|el|la|le|bin|ibn))*$")
_FROM_LANG = re.compile(r"\btranslated\s+from\s+(?:the\s+)?(?P<lang>[A-Z][a-z]+(?:-[A-Z][a-z]+)?)\b", re.IGNORECASE)


@dataclass
class CreditClause:
    """One clause of a credit line: its verb, the names it credits and its offsets."""

    verb: str  # as printed, lower case: "obtained", "translated", "compiled" ...
    names: list[str]
    start: int  # offsets in the credit text
    end: int

    @property
    def role(self) -> str | None:
        """The record role the verb stands for, or None when it is not a known credit verb."""
        return ROLES.get(self.verb)


def clauses(text: str) -> list[CreditClause]:
    """The credit clauses of ``text`` in their order."""
    out: list[CreditClause] = []
    for m in _CLAUSE.finditer(text):
        tail = text[m.end():]
        stop = _NEXT.search(tail)
        names_text = tail[: stop.start()] if stop else tail
        names_text = re.sub(r"\s*\([^()]*\)", "", names_text).strip(" .,")
        names = [n.strip() for n in re.split(r"\s*,\s*(?:and\s+)?|\s+and\s+|\s+&\s+", names_text) if n.strip()]
        names = [n for n in names if _NAME.match(n) and len(n.split()) <= 6]
        verbs = [v.lower() for v in re.findall(r"[A-Za-z]+", m.group("verbs")) if v.lower() != "and"]
        for verb in verbs:
            out.append(CreditClause(verb, names, m.start(), m.end() + len(names_text)))
    return out


def people(text: str) -> dict[str, list[str]]:
    """{'contributors': [...], 'translators': [...]} from a credit text, each name once."""
    out: dict[str, list[str]] = {"contributors": [], "translators": []}
    for c in clauses(text):
        if c.role:
            for name in c.names:
                if name not in out[c.role]:
                    out[c.role].append(name)
    return out


def entries(text: str) -> list[tuple[str, str]]:
    """('obtained by', name) pairs in the order of the credit text."""
    out: list[tuple[str, str]] = []
    for c in clauses(text):
        for name in c.names:
            pair = (f"{c.verb} by", name)
            if pair not in out:
                out.append(pair)
    return out


def translated_from(text: str) -> tuple[str, int, int] | None:
    """'Translated from Portuguese by X' -> ('Portuguese', start, end)."""
    m = _FROM_LANG.search(text)
    return (m.group("lang"), m.start("lang"), m.end("lang")) if m else None
