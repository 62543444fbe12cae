"""Scorer for claims and regime facts (``opis eval``).

Fields:
- ``claims``: a gold claim is found when a stored claim has the same value (and unit, when the
  gold gives one), the same qualifier when the gold states one, and a date that agrees when the
  gold gives one (same EDTF, or one date's span lies inside the other's: "1945-08" agrees with
  "1945-08-01/1945-08-10"; "1939~" with "1938~" = 1937..1939). A stored claim with a gold value
  but the wrong qualifier or date counts as a false positive.
- ``claims.value``: value (and unit) only — how many gold figures were found at all.
- ``claims.suspect``: every stored claim, checked by rule (gold lists the key figures, not every
  number, so extra claims are not errors as such): a bare year-like number, a number right after a
  signature/page/number abbreviation (``f.``, ``op.``, ``d.``, ``l.``, ``p.``, ``No.``, ``Nº``) or a
  claim with no counted thing is a false positive, any other a true positive. Audit them all with
  ``bench/claims_audit.py``.
- ``regime_facts``: a gold fact is found when a stored event has an agreeing date and shares a
  content word with the fact.
"""

from __future__ import annotations

import re
from typing import Any

from opis.evaluate import Tally
from opis.extract import edtf_values as ev
from opis.model import DateValue

_UNIT_ALIASES = {"km": "km", "kilometers": "km", "rubles": "rubles", "ruble": "rubles", "°c": "°C", "c": "°C", "m": "m", "%": "%"}


def _num(v: Any) -> Any:
    if isinstance(v, int | float):
        return float(v)
    if isinstance(v, str):
        s = v.strip().lower()
        try:
            return float(s.replace(",", ""))
        except ValueError:
            return s
    return v


def _unit(u: str | None) -> str | None:
    return _UNIT_ALIASES.get(u.lower(), u) if u else None


def _date(d: Any) -> DateValue | None:
    if not d:
        return None
    if isinstance(d, dict):
        if d.get("edtf"):
            return DateValue(edtf=d["edtf"], earliest=d.get("earliest"), latest=d.get("latest"))
        return None
    try:
        return ev.from_edtf(str(d))
    except (ValueError, KeyError, IndexError):
        return None


def _core(d: DateValue) -> DateValue:
    """An approximate year ('1939~') stands for that year when checking containment."""
    if d.edtf and d.edtf.endswith("~") and len(d.edtf) == 5:
        return ev.year(int(d.edtf[:4]))
    return d


def dates_agree(gold: Any, got: Any) -> bool:
    """Whether a gold and an extracted date agree: the same EDTF, or one contains the other (approximate years
    as that year)."""
    g, m = _date(gold), _date(got)
    if g is None or m is None:
        return False
    if g.edtf == m.edtf:
        return True
    gc, mc = _core(g), _core(m)
    return ev.contains(g, mc) or ev.contains(m, gc)


def _matches_value(gc: dict[str, Any], c: dict[str, Any]) -> bool:
    if _num(gc.get("value")) != _num(c.get("value")):
        return False
    return not gc.get("unit") or _unit(gc["unit"]) == _unit(c.get("unit"))


def _matches_all(gc: dict[str, Any], c: dict[str, Any]) -> bool:
    if not _matches_value(gc, c):
        return False
    if gc.get("qualifier") and gc["qualifier"] != c.get("qualifier"):
        return False
    return not gc.get("date") or dates_agree(gc["date"], c.get("date"))


def score_claims(gold_claims: list[dict[str, Any]], got: list[dict[str, Any]]) -> list[Tally]:
    """Tallies for claims: ``claims`` (all parts match) and ``claims.value`` (the value alone matches)."""
    full, value = Tally("claims"), Tally("claims.value")
    used: set[int] = set()
    used_value: set[int] = set()
    for gc in gold_claims:
        hit = next((i for i, c in enumerate(got) if i not in used and _matches_all(gc, c)), None)
        if hit is not None:
            used.add(hit)
            full.tp += 1
        else:
            full.fn += 1
            near = [c for c in got if _matches_value(gc, c)]
            if near:
                full.fp += 1
                c = near[0]
                full.misses.append(
                    f"wrong {gc.get('value')!r} {gc.get('what')!r}: expected qualifier={gc.get('qualifier')!r} date={gc.get('date')!r}, "
                    f"got qualifier={c.get('qualifier')!r} date={(c.get('date') or {}).get('edtf')!r}"
                )
            else:
                full.misses.append(f"missing {gc.get('value')!r} {gc.get('what')!r}")
        vhit = next((i for i, c in enumerate(got) if i not in used_value and _matches_value(gc, c)), None)
        if vhit is not None:
            used_value.add(vhit)
            value.tp += 1
        else:
            value.fn += 1
            value.misses.append(f"missing {gc.get('value')!r} {gc.get('what')!r}")
    return [full, value]


_REF_BEFORE = re.compile(r"(?:\b[fdl]|\bop|\bll|\bpp?|\bNo|Nº|№|\bN)\.?\s*$")


def suspect_reasons(claim: dict[str, Any], text: str) -> list[str]:
    """Why a stored claim looks wrong by rule ([] when it does not)."""
    out = []
    v = claim.get("value")
    if isinstance(v, int | float) and 1800 <= v <= 2030 and not claim.get("unit"):
        out.append("year-like")
    start = claim.get("start")
    if start is not None and _REF_BEFORE.search(text[max(0, start - 8):start]):
        out.append("after-reference-abbreviation")
    if not (claim.get("what") or "").strip():
        out.append("nothing counted")
    return out


def score_suspects(record: dict[str, Any]) -> Tally:
    """Tally of the record's claims that ``suspect_reasons`` flags (fp) against those it accepts (tp)."""
    t = Tally("claims.suspect")
    text = record.get("text") or ""
    for c in record.get("claims") or []:
        reasons = suspect_reasons(c, text)
        if reasons:
            t.fp += 1
            t.misses.append(f"suspect {c.get('value')!r} {c.get('what')!r}: {', '.join(reasons)}")
        else:
            t.tp += 1
    return t


def _words(s: str) -> set[str]:
    return {w for w in re.findall(r"[a-zа-я]{4,}", s.lower())} - {"with", "only", "from", "into", "that", "this", "were", "border"}


def score_regime(facts: list[dict[str, Any]], events: list[dict[str, Any]]) -> Tally:
    """Tally of the gold regime facts that have a dated event with an agreeing date and a shared word."""
    t = Tally("regime_facts")
    for f in facts:
        words = _words(f.get("fact", ""))
        hit = any(
            dates_agree(f.get("date"), e.get("date")) and (not words or words & _words((e.get("what") or "") + " " + (e.get("sentence") or "")))
            for e in events
        )
        if hit:
            t.tp += 1
        else:
            t.fn += 1
            t.misses.append(f"no dated event for {f.get('date')} {f.get('fact')!r}")
    return t


def score(gold: dict[str, Any], record: dict[str, Any]) -> list[Tally]:
    """Claim and regime-fact tallies for one document; empty when the gold has neither."""
    out: list[Tally] = []
    if "claims" in gold:
        out += score_claims(gold.get("claims") or [], record.get("claims") or [])
        out.append(score_suspects(record))
    if gold.get("regime_facts"):
        out.append(score_regime(gold["regime_facts"], record.get("events") or []))
    return out
