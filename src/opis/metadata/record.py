"""A record's metadata from the facts its page states (``opis.readers.layouts.record``): for each
field the strongest candidate that reads as a value of that field, the others kept as
alternatives, and where the value came from (rule, confidence, span, the page's words).

Pure functions: ``resolve(facts, page_text)`` gives the values and their sources; the pipeline's
metadata component puts them on the Document.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from opis.metadata.dates import find_date, parse_date
from opis.metadata.fields import normalise_classification, record_id_from_url, split_references
from opis.model import DateValue, FieldSource
from opis.readers.layouts.record import credits as cr
from opis.readers.layouts.record.digital_archive import ORG_WORDS, SUPPORT_RE, is_language
from opis.readers.layouts.record.facts import CONFIDENCE, Fact

PRECISION_RANK = {"day": 4, "month": 3, "season": 3, "year": 2, "interval": 1, "decade": 1, "century": 0}


@dataclass
class RecordValues:
    """The resolved metadata of one record page."""

    values: dict[str, Any] = field(default_factory=dict)
    sources: list[FieldSource] = field(default_factory=list)

    def get(self, name: str, default: Any = None) -> Any:
        """The resolved value of field ``name``, or ``default``."""
        return self.values.get(name, default)


def _source(name: str, value: Any, fact: Fact, text: str, others: list[Fact], rule_suffix: str = "") -> FieldSource:
    alternatives = [
        {"value": o.value, "rule": o.rule, "confidence": o.confidence, "start": o.start, "end": o.end}
        for o in others if o is not fact and o.value != fact.value
    ]
    return FieldSource(
        field=name, value=value, rule=fact.rule + rule_suffix, confidence=fact.confidence,
        start=fact.start, end=fact.end, quote=text[fact.start:fact.end] if text else None, alternatives=alternatives,
    )


def _pick(facts: list[Fact], name: str, parse: Callable[[str], Any]) -> tuple[Any, Fact | None, list[Fact]]:
    candidates = sorted((f for f in facts if f.field == name), key=lambda f: -f.strength)
    for fact in candidates:
        value = parse(fact.value)
        if value not in (None, "", []):
            return value, fact, candidates
    return None, None, candidates


def clean_title(value: str) -> str | None:
    """A title with its whitespace collapsed and stray commas stripped, or None when empty."""
    s = re.sub(r"\s+", " ", value).strip().strip(",").strip()
    return s or None


def read_date(value: str) -> DateValue | None:
    """The date a field value states, read whole or else found within it; None when it has none."""
    return parse_date(value) or find_date(value)


def resolve_date(facts: list[Fact], text: str) -> tuple[DateValue, FieldSource | None]:
    """The strongest stated date; a weaker one that says the same more precisely refines it
    ('1961' in the citation, 'September 28, 1961' in the header)."""
    value, fact, candidates = _pick(facts, "date", read_date)
    if fact is None:
        return DateValue(), None
    suffix = ""
    for other in candidates:
        if other is fact:
            continue
        finer = read_date(other.value)
        if finer and finer.earliest and value.earliest and value.latest and \
                PRECISION_RANK.get(finer.precision or "", 0) > PRECISION_RANK.get(value.precision or "", 0) and \
                value.earliest <= finer.earliest and finer.latest <= value.latest:
            value, fact, suffix = finer, other, "+refines"
            break
    return value, _source("date", value.edtf, fact, text, candidates, suffix)


def _cut_at(fact: Fact, text: str) -> bool:
    """Whether the page text ends inside ``fact`` (an excerpt cut before the line's end)."""
    return bool(text) and not text.endswith("\n") and fact.end >= len(text.rstrip())


def resolve(facts: list[Fact], text: str) -> RecordValues:
    """Every metadata field of a record page from its facts."""
    out = RecordValues()

    def take(name: str, fact_name: str, parse: Callable[[str], Any]) -> Any:
        value, fact, candidates = _pick(facts, fact_name, parse)
        if fact is not None:
            out.values[name] = value
            out.sources.append(_source(name, value, fact, text, candidates))
        return value

    take("title", "title", clean_title)
    date, src = resolve_date(facts, text)
    out.values["date"] = date
    if src:
        out.sources.append(src)
    take("summary", "summary", lambda v: re.sub(r"\s+", " ", v).strip() or None)
    take("classification", "classification", normalise_classification)
    take("record_id", "record_id", lambda v: v if re.fullmatch(r"\d{1,12}", v.strip()) else None)
    take("source_url", "url", lambda v: v)
    if not out.get("record_id") and out.get("source_url"):
        rid = record_id_from_url(out.get("source_url"))
        if rid:
            out.values["record_id"] = rid
    printed = take("archival_refs", "reference", lambda v: v.strip() or None)  # the source keeps it as printed
    out.values["archival_refs"] = split_references(printed) if printed else []
    take("document_number", "document_number", lambda v: v)
    lang = take("original_language", "original_language", lambda v: v.strip().title() if is_language(v) else None)

    _credits(facts, text, out, lang)
    _funders(facts, text, out)
    return out


def _credits(facts: list[Fact], text: str, out: RecordValues, lang: str | None) -> None:
    """Credits: the citation's credit sentence, and translators a page lists under their own label
    (the credit sentence may also give the original language: 'translated from Russian')."""
    credit_fact = max((f for f in facts if f.field == "credits"), key=lambda f: f.strength, default=None)
    people: dict[str, list[str]] = {"contributors": [], "translators": []}
    entries: list[tuple[str, str]] = []
    if credit_fact is not None:
        credit_text = credit_fact.value
        if _cut_at(credit_fact, text) and not credit_text.rstrip().endswith((".", ")", '"', "”")):
            # the page was cut inside the credits: the last name may be cut too ('by Malgorzata K. Gno')
            credit_text = re.sub(r"\s*(?:,|\band\b|\bby\b)?\s*[^,;]*$", "", credit_text.rstrip())
        people = cr.people(credit_text)
        entries = cr.entries(credit_text)
        for role in ("contributors", "translators"):
            if people[role]:
                out.sources.append(_source(role, people[role], credit_fact, text, []))
        found = cr.translated_from(credit_fact.value)
        if lang is None and found and is_language(found[0]):
            out.values["original_language"] = found[0].title()
            out.sources.append(_source("original_language", found[0].title(), credit_fact, text, [], "+translated_from"))
    for f in facts:
        if f.field == "translators":
            names = [n.strip() for n in re.split(r"\s*(?:,|;|\band\b)\s*", f.value) if n.strip()]
            people["translators"] += [n for n in names if n not in people["translators"]]
            out.sources.append(_source("translators", names, f, text, []))
    out.values.update(people)
    out.values["credits"] = entries


def _funders(facts: list[Fact], text: str, out: RecordValues) -> None:
    """Funders: the support line(s) and the list of funders at the page's end."""
    funder_facts = [f for f in facts if f.field in ("funders", "funders_list")]
    names: list[str] = []
    for f in funder_facts:
        for name in funders_of(f.value):
            if name not in names:
                names.append(name)
    out.values["funders"] = names
    if funder_facts and names:
        out.sources.append(_source("funders", names, funder_facts[0], text, funder_facts))


_UNIT_OF = re.compile(r"\b(?:Institute|Center|Centre|Program|Programme|Library|School|Department)$")
_PARENT = re.compile(r"^(?:[A-Z][\w'’-]+\s+)*(?:University|College|Academy)(?:\s+of\s+[A-Z][\w\s]+)?$")


def funders_of(line: str) -> list[str]:
    """'...made possible with support from the MacArthur Foundation, Leon Levy Foundation' ->
    names split at commas and 'and' (not inside a name: 'Chun & Jane Chiu Family Foundation',
    'Carnegie Corporation of New York (CCNY)'), a leading 'the' dropped."""
    body = SUPPORT_RE.sub("", line.strip()).strip().rstrip(".")
    pieces = re.split(r"(\s*,\s*(?:and\s+)?|\s+and\s+(?=(?:the\s+)?[A-Z]))", body)
    names: list[str] = [pieces[0]]
    for sep, piece in zip(pieces[1::2], pieces[2::2], strict=False):
        lone = re.fullmatch(r"(?:the\s+)?[A-Z][a-z]+", names[-1].strip()) and not ORG_WORDS.search(names[-1])
        if sep.strip() == "and" and (re.search(r"\b[A-Z]\.$", names[-1]) or lone):
            names[-1] += sep + piece  # 'John D. and Catherine T. MacArthur Foundation', 'Youmna and Tony Asseily'
        elif sep.strip() == "," and _UNIT_OF.search(names[-1]) and _PARENT.match(piece.strip()):
            names[-1] += sep + piece  # an institute at its university: 'X Institute, Y University'
        else:
            names.append(piece)
    out: list[str] = []
    for part in names:
        name = re.sub(r"^the\s+", "", part.strip(), flags=re.IGNORECASE).strip(" .;")
        if name and name[0].isupper() and name not in out:
            out.append(name)
    return out


__all__ = ["RecordValues", "resolve", "resolve_date", "funders_of", "CONFIDENCE"]
