"""Facts a page states about its record: each a value with the page span it came from and the
rule that found it, and a strength to choose between rules that disagree.

A family reader adds every candidate it finds (``FactSheet.add``); ``best`` gives the strongest
one of a field and ``alternatives`` the others, so the metadata component can keep both in
provenance ("the citation says 1961, the header says September 28, 1961").
"""

from __future__ import annotations

from dataclasses import dataclass, field

# How much a rule is trusted: the archive's own citation sentence and labelled fields are
# STRONG, the page's header sequence is GOOD, positions and registers are WEAK guesses.
STRONG, GOOD, WEAK = 3, 2, 1
CONFIDENCE = {STRONG: "high", GOOD: "medium", WEAK: "low"}


@dataclass
class Fact:
    """One value of one field as a page states it."""

    field: str  # title | date | summary | reference | credits | funders | classification | ...
    value: str  # the words of the page (one line, markup removed)
    start: int  # offsets into the page text the format reader returned
    end: int
    rule: str  # the rule that found it, e.g. "citation.quoted_title"
    strength: int = GOOD

    @property
    def confidence(self) -> str:
        """The fact's confidence (high, medium, low) from its strength."""
        return CONFIDENCE.get(self.strength, "low")

    def to_dict(self) -> dict:
        """The fact as JSON-ready data."""
        return {"value": self.value, "start": self.start, "end": self.end, "rule": self.rule,
                "confidence": self.confidence}


@dataclass
class FactSheet:
    """Every candidate fact of one page, in the order found."""

    facts: list[Fact] = field(default_factory=list)

    def add(self, name: str, value: str | None, start: int, end: int, rule: str, strength: int = GOOD) -> Fact | None:
        """Record a fact; nothing (None) for an empty value."""
        value = (value or "").strip()
        if not value:
            return None
        fact = Fact(name, value, start, end, rule, strength)
        self.facts.append(fact)
        return fact

    def all(self, name: str) -> list[Fact]:
        """Candidates of a field, strongest first (the first found wins a tie)."""
        found = [f for f in self.facts if f.field == name]
        return sorted(found, key=lambda f: -f.strength)

    def best(self, name: str) -> Fact | None:
        """The strongest fact for field ``name``, or None."""
        found = self.all(name)
        return found[0] if found else None

    def has(self, name: str) -> bool:
        """Whether any fact for field ``name`` was recorded."""
        return any(f.field == name for f in self.facts)
