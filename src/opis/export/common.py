"""What every export needs from a record: names, date parts, the archival reference, the kind."""

from __future__ import annotations

import re
from typing import Any

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
# Publishers of digital archives recognised from a record's URL (for "…, Wilson Center Digital Archive, …")
DIGITAL_ARCHIVES = {
    "digitalarchive.wilsoncenter.org": "Wilson Center Digital Archive",
    "digitalarchive.umd.edu": "Wilson Center Digital Archive",
    "wilson-center-digital-archive": "Wilson Center Digital Archive",
}


def is_article(record: dict[str, Any]) -> bool:
    prov = record.get("provenance") or {}
    return prov.get("layout") == "article" or bool(record.get("journal"))


def agent_names(record: dict[str, Any], key: str = "authors") -> list[str]:
    out = []
    for a in record.get(key) or []:
        name = a.get("name") if isinstance(a, dict) else a
        if name:
            out.append(name)
    return out


def split_name(name: str) -> dict[str, str]:
    """'Lavrentiy Beria' -> {'family': 'Beria', 'given': 'Lavrentiy'}; 'Beria, L.' likewise."""
    name = name.strip()
    if "," in name:
        family, given = (x.strip() for x in name.split(",", 1))
        return {"family": family, "given": given} if given else {"family": family}
    parts = name.split()
    if len(parts) == 1:
        return {"family": parts[0]}
    return {"family": parts[-1], "given": " ".join(parts[:-1])}


def date_parts(record: dict[str, Any]) -> list[int]:
    """[year, month, day] as far as the record's date goes ([] when undated)."""
    edtf = ((record.get("date") or {}).get("edtf") or "").strip()
    m = re.match(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", edtf)
    if m:
        return [int(g) for g in m.groups() if g]
    if record.get("year"):
        return [int(record["year"])]
    return []


def long_date(parts: list[int]) -> str:
    if len(parts) == 3:
        return f"{MONTHS[parts[1] - 1]} {parts[2]}, {parts[0]}"
    if len(parts) == 2:
        return f"{MONTHS[parts[1] - 1]} {parts[0]}"
    return str(parts[0]) if parts else "n.d."


def main_ref(record: dict[str, Any]) -> dict[str, Any] | None:
    for ref in record.get("archival_refs") or []:
        if ref.get("kind") in ("archival", "unparsed"):
            return ref
    return None


def archive_code(record: dict[str, Any]) -> str | None:
    ref = main_ref(record)
    return ref.get("archive") if ref else None


def signature(record: dict[str, Any]) -> str | None:
    ref = main_ref(record)
    return ref.get("raw").strip().rstrip(".") if ref and ref.get("raw") else None


def publisher(record: dict[str, Any]) -> str | None:
    """The digital archive that publishes the record, from its URL."""
    url = record.get("source_url") or ""
    for host, name in DIGITAL_ARCHIVES.items():
        if host in url:
            return name
    return None


def url(record: dict[str, Any]) -> str | None:
    if record.get("source_url"):
        return record["source_url"]
    if record.get("doi"):
        return f"https://doi.org/{record['doi']}"
    return None


def cite_key(record: dict[str, Any]) -> str:
    names = agent_names(record)
    base = split_name(names[0])["family"] if names else (archive_code(record) or "doc")
    base = re.sub(r"[^A-Za-z0-9]", "", _ascii(base)) or "doc"
    parts = date_parts(record)
    return f"{base}{parts[0] if parts else ''}_{record.get('record_id') or record.get('id', '')[:8]}"


def _ascii(s: str) -> str:
    from unidecode import unidecode

    return unidecode(s)
