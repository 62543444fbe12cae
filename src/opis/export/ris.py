"""RIS (Zotero/EndNote): MANSCPT for archive records, JOUR for articles.

Archive fields follow Zotero's RIS mapping: ``DB`` the holding archive, ``AN`` the signature,
``DP`` the digital archive that publishes the record; ``AV`` (the RIS "location in archives")
repeats the signature, ``N1`` carries the credits in the source's words, ``M3`` the kind of
document. Values lose the source's inline marks.
"""

from __future__ import annotations

from opis import inline
from opis.export import common
from opis.model import Document


def _inverted(name: str) -> str:
    sn = common.split_name(name)
    return f"{sn['family']}, {sn['given']}" if sn.get("given") else sn["family"]


def _archive_lines(doc: Document) -> list[tuple[str, str]]:
    """DB, AN, AV, DP, N1, M3: the holding archive, the signature, the digital archive, the credits."""
    lines = []
    if code := common.archive_code(doc):
        lines.append(("DB", code))
    if sig := common.signature(doc):
        lines.append(("AN", _one_line(sig)))
        lines.append(("AV", _one_line(sig)))
    if pub := common.publisher(doc):
        lines.append(("DP", pub))
    if credits := common.credit_line(doc):
        lines.append(("N1", credits))
    if doc.doc_type and not common.is_article(doc):
        lines.append(("M3", doc.doc_type))
    return lines


def render(doc: Document) -> str:
    """The document as one RIS record."""
    lines: list[tuple[str, str]] = [("TY", "JOUR" if common.is_article(doc) else "MANSCPT")]
    if doc.title:
        lines.append(("TI", _one_line(doc.title)))
    lines += [("AU", _inverted(n)) for n in common.agent_names(doc)]
    lines += [("A4", _inverted(n)) for n in doc.translators or []]
    parts = common.calendar_parts(doc)
    if parts:
        lines.append(("PY", str(parts[0])))
        lines.append(("DA", "/".join(f"{p:02d}" if i else str(p) for i, p in enumerate(parts)) + "/"))
    for value, tag in ((doc.journal, "T2"), (doc.journal, "JO"), (doc.volume, "VL"), (doc.issue, "IS"), (doc.doi, "DO")):
        if value:
            lines.append((tag, str(value)))
    if doc.pages:
        sp, _, ep = str(doc.pages).partition("-")
        lines.append(("SP", sp))
        if ep:
            lines.append(("EP", ep))
    lines += _archive_lines(doc)
    for kw in doc.keywords or []:
        lines.append(("KW", _one_line(kw)))
    if u := common.url(doc):
        lines.append(("UR", u))
    if abstract := doc.abstract or doc.summary:
        lines.append(("AB", _one_line(abstract)))
    if doc.original_language:
        lines.append(("LA", doc.original_language))
    lines.append(("ER", ""))
    return "\n".join(f"{tag}  - {value}".rstrip() for tag, value in lines) + "\n"


def render_all(docs) -> dict[str, str]:
    """Several documents as one RIS file."""
    return {"references.ris": "".join(render(d) for d in docs)}


def _one_line(s: str) -> str:
    return " ".join(inline.to_plain(s).split())
