"""``opis eval``: compare stored records with gold files; precision/recall/F1 per field.

Gold files follow ``../shared/gold/*.json``: ``{"file": ".../NAME.txt", "metadata": {...}, ...}``.
A gold file is matched to the stored record whose source file has the same name. Each area
adds a scorer module (``opis.evaluate.<area>``) with ``score(gold, record) -> list[Tally]``,
registered as a :class:`Scorer` through the ``register_scorers`` hook (the built-ins in
:mod:`opis.plugins_builtin.scorers`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Tally:
    """Counts for one field on one document (set comparison: tp, fp, fn)."""

    field: str
    tp: int = 0
    fp: int = 0
    fn: int = 0
    misses: list[str] = field(default_factory=list)  # human-readable mismatches for the report


def set_tally(
    name: str,
    gold: list[Any],
    got: list[Any],
    match: Callable[[Any, Any], bool] | None = None,
    label: Callable[[Any], Any] | None = None,
) -> Tally:
    """Compare two multisets: each gold value takes the first unused value that ``match``es it
    (equality by default); ``label`` shows an extra value in the report."""
    match = match or (lambda g, r: g == r)
    label = label or (lambda r: r)
    t = Tally(name)
    remaining = list(got)
    for g in gold:
        hit = next((i for i, r in enumerate(remaining) if match(g, r)), None)
        if hit is not None:
            del remaining[hit]
            t.tp += 1
        else:
            t.fn += 1
            t.misses.append(f"missing {g!r}")
    t.fp = len(remaining)
    t.misses += [f"extra {label(r)!r}" for r in remaining]
    return t


def value_tally(name: str, gold: Any, got: Any) -> Tally:
    """Compare one value: right = tp; wrong = fp+fn; missing = fn; invented = fp."""
    t = Tally(name)
    if gold == got:  # also both None: nothing expected, nothing found
        t.tp = 1
    elif gold is None:
        t.fp = 1
        t.misses.append(f"expected nothing, got {got!r}")
    elif got is None:
        t.fn = 1
        t.misses.append(f"missing {gold!r}")
    else:
        t.fp = t.fn = 1
        t.misses.append(f"expected {gold!r}, got {got!r}")
    return t


@dataclass
class FieldScore:
    """Precision and recall counts for one scored field over all documents, with its mismatches."""

    field: str
    tp: int = 0
    fp: int = 0
    fn: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        """Share of predicted values that are right; 1.0 when nothing was predicted."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        """Share of gold values that were found; 1.0 when the gold has none."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall; 0.0 when both are zero."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_dict(self) -> dict[str, Any]:
        """The score as JSON-ready data, ratios rounded to four places."""
        return {
            "field": self.field, "tp": self.tp, "fp": self.fp, "fn": self.fn,
            "precision": round(self.precision, 4), "recall": round(self.recall, 4), "f1": round(self.f1, 4),
            "misses": self.misses,
        }


@dataclass
class Rightness:
    """How many scored values were wholly right (nothing missing, nothing extra)."""

    right: int = 0
    total: int = 0

    @property
    def share(self) -> float:
        """Share of values wholly right; 1.0 when none were scored."""
        return self.right / self.total if self.total else 1.0

    def to_dict(self) -> dict[str, Any]:
        """The counts and share as JSON-ready data."""
        return {"right": self.right, "total": self.total, "share": round(self.share, 4)}


@dataclass
class Report:
    """The result of ``opis eval``: scores per field, the matched and unmatched gold files, and wholly-right
    counts."""

    fields: dict[str, FieldScore] = field(default_factory=dict)
    documents: list[str] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)
    # values wholly right, per field, per page layout (the gold's "layout") and over all
    right_by_field: dict[str, Rightness] = field(default_factory=dict)
    right_by_layout: dict[str, Rightness] = field(default_factory=dict)
    right_all: Rightness = field(default_factory=Rightness)

    def count_right(self, layout: str | None, tally: Tally) -> None:
        """Count one tally as wholly right or not, under its field, the page layout ("-" when unknown) and the
        total."""
        ok = int(tally.fp == 0 and tally.fn == 0)
        for r in (self.right_by_field.setdefault(tally.field, Rightness()),
                  self.right_by_layout.setdefault(layout or "-", Rightness()), self.right_all):
            r.right += ok
            r.total += 1

    def add(self, doc_name: str, tally: Tally) -> None:
        """Add one document's tally to its field's score, prefixing its misses with the document name."""
        fs = self.fields.setdefault(tally.field, FieldScore(tally.field))
        fs.tp += tally.tp
        fs.fp += tally.fp
        fs.fn += tally.fn
        fs.misses += [f"{doc_name}: {m}" for m in tally.misses]

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data (the ``--json`` output of ``opis eval``)."""
        return {
            "documents": self.documents,
            "unmatched": self.unmatched,
            "fields": {k: v.to_dict() for k, v in sorted(self.fields.items())},
            "right": {
                "all": self.right_all.to_dict(),
                "by_field": {k: v.to_dict() for k, v in sorted(self.right_by_field.items())},
                "by_layout": {k: v.to_dict() for k, v in sorted(self.right_by_layout.items())},
            },
        }


@dataclass(frozen=True)
class Scorer:
    """A scorer of ``opis eval``: its name and ``score(gold, record) -> list[Tally]``."""

    name: str
    score: Callable[[dict[str, Any], dict[str, Any]], list[Tally]]


def scorers() -> list[Scorer]:
    """Every registered scorer, the built-ins first."""
    from opis.plugins import by_name, get_plugin_manager

    return list(by_name(get_plugin_manager().hook.register_scorers()).values())


def load_gold(gold_dir: str | Path) -> list[dict[str, Any]]:
    """The gold records of a directory: every ``*.json`` file, in name order."""
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(Path(gold_dir).glob("*.json"))]


def evaluate(store, gold_dir: str | Path) -> Report:
    """Score the store's records against the gold files of ``gold_dir``, matched by file name."""
    by_name: dict[str, dict[str, Any]] = {}
    for rec in store.iter_records():
        path = (rec.get("provenance") or {}).get("path") or ""
        by_name.setdefault(Path(path).name, rec)
    report = Report()
    mods = scorers()
    for gold in load_gold(gold_dir):
        name = Path(gold.get("file", "")).name
        rec = by_name.get(name)
        if rec is None:
            report.unmatched.append(name)
            continue
        report.documents.append(name)
        for mod in mods:
            for tally in mod.score(gold, rec):
                report.add(name, tally)
                if tally.field.startswith("metadata."):
                    report.count_right(gold.get("layout"), tally)
    return report


def format_report(report: Report, show_misses: bool = True) -> str:
    """The report as a text table (P/R/F1 per field, wholly-right shares), with up to 200 mismatches."""
    lines = [f"{'field':34} {'P':>6} {'R':>6} {'F1':>6}  tp/fp/fn"]
    for name, fs in sorted(report.fields.items()):
        lines.append(f"{name:34} {fs.precision:6.3f} {fs.recall:6.3f} {fs.f1:6.3f}  {fs.tp}/{fs.fp}/{fs.fn}")
    if report.right_all.total:
        lines.append("")
        lines.append(f"{'metadata values wholly right':34} {'right':>6} {'of':>6} {'share':>7}")
        for name, r in sorted(report.right_by_field.items()):
            lines.append(f"  {name:32} {r.right:6} {r.total:6} {r.share:7.1%}")
        for name, r in sorted(report.right_by_layout.items()):
            lines.append(f"  layout {name:25} {r.right:6} {r.total:6} {r.share:7.1%}")
        a = report.right_all
        lines.append(f"  {'all fields':32} {a.right:6} {a.total:6} {a.share:7.1%}")
    lines.append(f"documents: {len(report.documents)} matched" + (f", unmatched gold: {', '.join(report.unmatched)}" if report.unmatched else ""))
    if show_misses:
        misses = [m for fs in report.fields.values() for m in (f"{fs.field}: {x}" for x in fs.misses)]
        if misses:
            lines.append("")
            lines.append("mismatches:")
            lines += [f"  {m}" for m in misses[:200]]
    return "\n".join(lines)
