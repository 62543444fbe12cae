"""Read the authority data files (``authority/data/*.csv``) into ``Record``s.

The format is documented in ``authority/data/README.md``. In short: one CSV per kind
(``places.csv``, ``places_geonames.csv``, ``persons.csv``, ``orgs.csv``), lines starting with
``#`` are comments, and the ``variants`` column lists names separated by ``|``, each optionally
tagged with its language after ``@`` (``Чугучак@ru|塔城@zh|Tarbagatay@kk-Latn``). The script of
each variant is detected from its letters.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from opis.errors import OpisError
from opis.model import Entity, Variant

DATA_DIR = Path(__file__).resolve().parent / "data"
TYPES = ("PERSON", "PLACE", "ORG", "UNIT")
_ID = re.compile(r"^(person|place|org|unit):[a-z0-9][a-z0-9-]*$")


class AuthorityDataError(OpisError):
    """An authority data file is malformed (bad id, duplicate id, bad number, unknown column)."""


@dataclass
class Record:
    """One authority entry: the public ``Entity`` plus what the resolver needs besides."""

    entity: Entity
    parent: str | None = None  # id of the enclosing region / parent body
    priority: int = 0  # higher wins when one name fits several entries
    source: str = "curated"  # curated | geonames
    surnames: tuple[str, ...] = ()  # persons: names the bare surname may be written as
    predecessor: str | None = None  # orgs/units: id of the body this one was renamed from
    successor: str | None = None
    start: str | None = None  # year (or EDTF) the body/name came into use
    end: str | None = None
    kind: str | None = None  # places: country | region | city | county | lake | river | ...
    population: int | None = None

    @property
    def id(self) -> str:
        """The entity's id."""
        return self.entity.id

    def names(self) -> list[str]:
        """Preferred label first, then every variant, without duplicates."""
        seen: dict[str, None] = {self.entity.label: None}
        for v in self.entity.variants:
            seen.setdefault(v.name, None)
        return list(seen)


_SCRIPTS = (
    ("Hani", re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")),
    ("Cyrl", re.compile(r"[\u0400-\u052f]")),
    ("Arab", re.compile(r"[\u0600-\u06ff\ufb50-\ufeff]")),
    ("Mong", re.compile(r"[\u1800-\u18af]")),
    ("Grek", re.compile(r"[\u0370-\u03ff]")),
    ("Jpan", re.compile(r"[\u3040-\u30ff]")),
    ("Hang", re.compile(r"[\uac00-\ud7af]")),
)


def script_of(name: str) -> str:
    """ISO 15924 code of the script of ``name`` (Hani, Cyrl, Arab, Mong, Grek, Jpan, Hang, else Latn)."""
    if name.isascii():
        return "Latn"
    for code, rx in _SCRIPTS:
        if rx.search(name):
            return code
    return "Latn"


def parse_variants(cell: str | None) -> list[Variant]:
    """The name variants of a ``name@lang|name@lang`` cell, each with its script; [] for an empty cell."""
    out: list[Variant] = []
    for part in (cell or "").split("|"):
        part = part.strip()
        if not part:
            continue
        name, _, lang = part.rpartition("@") if "@" in part else (part, "", "")
        name = name.strip()
        if name:
            out.append(Variant(name=name, lang=lang.strip() or None, script=script_of(name)))
    return out


def _rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise AuthorityDataError(f"cannot read authority file: {err.strerror}", str(path)) from err
    # comment lines become blank lines (skipped by the reader) so line numbers stay true
    lines = ["" if ln.lstrip().startswith("#") else ln for ln in text.splitlines()]
    skip = next((i for i, ln in enumerate(lines) if ln.strip()), len(lines))
    reader = csv.DictReader(io.StringIO("\n".join(lines[skip:])))
    for row in reader:
        n = reader.line_num + skip
        if None in row:
            raise AuthorityDataError(f"line {n}: more cells than columns", str(path))
        yield n, {k: (v or "").strip() for k, v in row.items()}


def _float(value: str, path: Path, n: int, col: str) -> float | None:
    if not value:
        return None
    try:
        return float(value)
    except ValueError as err:
        raise AuthorityDataError(f"line {n}: {col} {value!r} is not a number", str(path)) from err


def _int(value: str, path: Path, n: int, col: str) -> int | None:
    return None if not value else int(_float(value, path, n, col) or 0)


def read_file(path: Path, default_type: str | None = None) -> Iterator[Record]:
    """Records of one authority CSV file."""
    source = "geonames" if "geonames" in path.name else "curated"
    for n, row in _rows(path):
        rid = row.get("id", "")
        etype = (row.get("type") or default_type or "").upper()
        if not _ID.match(rid):
            raise AuthorityDataError(f"line {n}: bad id {rid!r} (want e.g. place:tacheng)", str(path))
        if etype not in TYPES or not rid.startswith(etype.lower() + ":"):
            raise AuthorityDataError(f"line {n}: id {rid!r} does not fit type {etype!r}", str(path))
        if not row.get("label"):
            raise AuthorityDataError(f"line {n}: {rid} has no label", str(path))
        entity = Entity(
            id=rid, type=etype, label=row["label"], variants=parse_variants(row.get("variants")),
            lat=_float(row.get("lat", ""), path, n, "lat"), lon=_float(row.get("lon", ""), path, n, "lon"),
            country=row.get("country") or None, wikidata=row.get("wikidata") or None,
            geonames=row.get("geonames") or None, authority=True,
            description=row.get("description") or None,
        )
        surnames = tuple(s.strip() for s in row.get("surname", "").split("|") if s.strip())
        yield Record(
            entity=entity, parent=row.get("parent") or None,
            priority=_int(row.get("priority", ""), path, n, "priority") or (10 if source == "curated" else 0),
            source=source, surnames=surnames, predecessor=row.get("predecessor") or None,
            successor=row.get("successor") or None, start=row.get("start") or None,
            end=row.get("end") or None, kind=row.get("kind") or None,
            population=_int(row.get("population", ""), path, n, "population"),
        )


DEFAULT_FILES = (
    ("places.csv", "PLACE"),
    ("persons.csv", "PERSON"),
    ("orgs.csv", None),
    ("places_geonames.csv", "PLACE"),
)


def load(data_dir: Path | None = None, files: Iterable[tuple[str, str | None]] = DEFAULT_FILES) -> list[Record]:
    """All records; a generated (GeoNames) row is dropped when a curated row already has its
    GeoNames id or its id, so the hand-curated entry always wins."""
    data_dir = data_dir or DATA_DIR
    out: list[Record] = []
    ids: set[str] = set()
    geonames_ids: set[str] = set()
    for name, default_type in files:
        path = data_dir / name
        if not path.exists():
            continue
        for rec in read_file(path, default_type):
            if rec.source == "geonames" and (rec.id in ids or (rec.entity.geonames or "") in geonames_ids):
                continue
            if rec.id in ids:
                raise AuthorityDataError(f"duplicate id {rec.id}", str(path))
            ids.add(rec.id)
            if rec.entity.geonames:
                geonames_ids.add(rec.entity.geonames)
            out.append(rec)
    return out
