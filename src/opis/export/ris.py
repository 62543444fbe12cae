"""RIS (Zotero/EndNote): MANSCPT for archive records, JOUR for articles.

Archive fields follow Zotero's RIS mapping: ``DB`` archive, ``AN`` location in the archive,
``DP`` the digital archive that publishes the record.
"""

from __future__ import annotations

from typing import Any

from opis.export import common


def render(record: dict[str, Any]) -> str:
    lines: list[tuple[str, str]] = [("TY", "JOUR" if common.is_article(record) else "MANSCPT")]
    if record.get("title"):
        lines.append(("TI", _one_line(record["title"])))
    for n in common.agent_names(record):
        sn = common.split_name(n)
        lines.append(("AU", f"{sn['family']}, {sn['given']}" if sn.get("given") else sn["family"]))
    for n in record.get("translators") or []:
        sn = common.split_name(n)
        lines.append(("A4", f"{sn['family']}, {sn['given']}" if sn.get("given") else sn["family"]))
    parts = common.date_parts(record)
    if parts:
        lines.append(("PY", str(parts[0])))
        lines.append(("DA", "/".join(f"{p:02d}" if i else str(p) for i, p in enumerate(parts)) + "/"))
    for src, tag in (("journal", "JO"), ("volume", "VL"), ("issue", "IS"), ("doi", "DO")):
        if record.get(src):
            lines.append((tag, str(record[src])))
    if record.get("pages"):
        sp, _, ep = str(record["pages"]).partition("-")
        lines.append(("SP", sp))
        if ep:
            lines.append(("EP", ep))
    if code := common.archive_code(record):
        lines.append(("DB", code))
    if sig := common.signature(record):
        lines.append(("AN", _one_line(sig)))
    if pub := common.publisher(record):
        lines.append(("DP", pub))
    if u := common.url(record):
        lines.append(("UR", u))
    if record.get("summary"):
        lines.append(("AB", _one_line(record["summary"])))
    if record.get("original_language"):
        lines.append(("LA", record["original_language"]))
    lines.append(("ER", ""))
    return "\n".join(f"{tag}  - {value}".rstrip() for tag, value in lines) + "\n"


def _one_line(s: str) -> str:
    return " ".join(s.split())
