"""Dated decrees, resolutions, orders, instructions and events stated in the text.

A sentence becomes one event per precise date (day, month, season or single year) it states,
when the stretch of the sentence around that date holds an event word (a decree, a ban, "was
introduced", "began"...). The stretch runs from the previous date (or the sentence start) to the
next one, so "developed in February 1921, and ... on July 10, 1921, ... adopted" gives two events.
"""

from __future__ import annotations

import bisect
import re

from opis.extract.sentences import sentences
from opis.model import DateValue, Event

KINDS = [
    ("decree", r"decrees?|указ\w*|декрет\w*"),
    ("resolution", r"resolutions?|постановлени\w*"),
    ("order", r"orders?\b|directives?|приказ\w*|распоряжени\w*"),
    ("instruction", r"instructions?|инструкци\w*"),
    ("regulation", r"regulations?|statutes?|codes?\b|laws?\b|положени\w*|закон\w*"),
    ("decision", r"decisions?|решени\w*"),
    ("agreement", r"agreements?|treat(?:y|ies)|protocols?|договор\w*|соглашени\w*"),
]
TRIGGERS = re.compile(
    r"\b(?:introduc\w*|approv\w*|adopt\w*|establish\w*|publish\w*|began|begun|begins?|launch\w*|creat\w*|formed|"
    r"abolish\w*|renamed|transferred|signed|issued|imposed|prohibit\w*|banned|ban\b|permitted|extended|"
    r"passportization|campaign|deport\w*|expuls\w*|expelled|resettle\w*|award\w*|proclaim\w*|declared|"
    r"uprising|revolt|surrender\w*|occup\w*|seized|captured|arrived|crossed|took place|started|ended|completed|"
    r"введ\w*|утвержд\w*|принят\w*|учрежд\w*|запрещ\w*|нача\w*)",
    re.I,
)
_KIND_RE = [(k, re.compile(rf"\b(?:{p})", re.I)) for k, p in KINDS]
_ACTOR_PATTERNS = [
    re.compile(r"\b(?:decree|resolution|order|instruction|decision|directives?|regulations?)\s+(?:No\.?\s*[\w/-]+\s+)?of\s+the\s+(?P<a>(?:[A-Z][\w'’-]*|of|the|and|for|People's|People’s)(?:\s+(?:[A-Z][\w'’-]*|of|the|and|for|People's|People’s))*)"),
    re.compile(r"\bby\s+(?:its\s+\w+,\s+)?(?:the\s+)?(?P<a>[A-Z][\w'’-]*(?:\s+(?:[A-Z][\w'’-]*|of|the|and|for))*)"),
    re.compile(r"\b(?:the\s+)?(?P<a>[A-Z][\w'’-]*(?:\s+(?:[A-Z][\w'’-]*|of|the|and|for))*)\s+(?:adopted|approved|issued|developed|introduced|published|imposed|ordered|decided|signed|established)\b"),
]
_BAD_ACTOR = re.compile(r"^(?:On|In|At|By|From|As|This|These|That|The|According|Thus|However|Subsequently|Initially)$")


def _actor(segment: str) -> str | None:
    for pat in _ACTOR_PATTERNS:
        for m in pat.finditer(segment):
            a = re.sub(r"(?:\s+(?:of|the|and|for))+$", "", m.group("a")).strip()
            words = a.split()
            while words and _BAD_ACTOR.match(words[0]):
                words = words[1:]
            a = " ".join(words)
            a = re.split(r"\s+(?:of|dated|on)\s+(?=January|February|March|April|May|June|July|August|September|October|November|December|\d)", a)[0]
            if not a or re.match(r"^(?:January|February|March|April|May|June|July|August|September|October|November|December)\b", a):
                continue
            return a
    return None


def _kind(segment: str) -> str:
    for k, pat in _KIND_RE:
        if pat.search(segment):
            return k
    return "event"


def _clean(segment: str) -> str:
    s = re.sub(r"<sup>.*?</sup>", "", segment)
    s = re.sub(r"\s+", " ", s).strip(" ,;:.")
    return s[:300]


def extract_events(text: str, dates: list[DateValue], exclude: list[tuple[int, int]] | None = None) -> list[Event]:
    """Dated events: sentences with a precise date (within one year) that say something happened, outside
    ``exclude`` spans."""
    exclude = exclude or []
    events: list[Event] = []
    ordered = sorted((d for d in dates if d.start is not None), key=lambda d: d.start)
    starts = [d.start for d in ordered]
    for s0, s1 in sentences(text):
        ds = [d for d in ordered[bisect.bisect_left(starts, s0):bisect.bisect_left(starts, s1)] if _eventful(d)]
        ds = [d for d in ds if not any(a <= d.start < b for a, b in exclude)]
        if not ds:
            continue
        sent = text[s0:s1]
        if re.match(r"\s*(?:<sup>|\[\d+\]|[-*]\s)", sent):
            continue
        for i, d in enumerate(ds):
            a = ds[i - 1].end if i else s0
            b = ds[i + 1].start if i + 1 < len(ds) else s1
            seg = text[a:b]
            if not TRIGGERS.search(seg) and _kind(seg) == "event":
                continue
            rest = (text[s0:d.start] + " " + text[d.end:s1]) if len(ds) == 1 else seg.replace(d.text or "", " ")
            if len(re.findall(r"[^\W\d_]{2,}", rest)) < 4:  # a label with a date ("Approved after reviewing: 10.02.2026")
                continue
            events.append(
                Event(
                    date=d,
                    what=_clean(seg if len(ds) > 1 else sent),
                    kind=_kind(seg),
                    actor=_actor(seg),
                    sentence=_clean(sent),
                    start=a if len(ds) > 1 else s0,
                    end=b if len(ds) > 1 else s1,
                )
            )
    return events


def _eventful(d: DateValue) -> bool:
    if d.precision in ("day", "month", "season", "year"):
        return not (d.edtf or "").endswith("~")
    if d.precision == "interval" and d.earliest and d.latest:
        return d.earliest[:4] == d.latest[:4]  # within one year ("between 5 and 11 August")
    return False
