"""Chicago notes-bibliography (The Chicago Manual of Style, 17th ed.).

Archive record — a specific item of a collection (14.232–14.241), in the order the digital archive
prints its own citation, with the manual's punctuation::

    “Title,” November 16, 1945, Wilson Center Digital Archive, RGASPI, f. 558, op. 11, d. 98,
    ll. 0144. Contributed by X and translated by Y. https://digitalarchive.umd.edu/document/208925.

* the item's title in quotation marks, the comma inside the closing mark (6.9; a title ending in
  ``?`` or ``!`` takes no comma, 6.119), as the archive gives the title (not re-capitalised);
* the date as month day, year (``n.d.`` when undated, ``ca.`` before an approximate one);
* the digital archive that publishes the record, then the holding archive and the signature
  (the archive's name is put before a signature that does not name it); folio ranges with an
  en dash (6.78);
* the credits in the source's own words, then the URL as it is, no angle brackets, and a
  period (14.6, 14.18).

Journal article — bibliography entry (14.171): ``Family, Given, and Given Family. “Title.”
*Journal* 25, no. 2 (May 2026): 268–83. https://doi.org/…`` with the page range abbreviated
(9.64), the journal in italics, up to ten authors (first seven and *et al.* beyond, 14.76).

:func:`marked` returns the citation with the source's inline marks (``*Journal*``); :func:`render`
the plain text (``opis export``); :func:`render_html` the HTML (the Cite panel).
"""

from __future__ import annotations

import re

from markupsafe import Markup

from opis import inline
from opis.display import for_html
from opis.export import common
from opis.model import Document


def quoted(title: str, punct: str) -> str:
    """``title`` in curly quotation marks with ``punct`` (``,`` or ``.``) inside the closing mark,
    left out when the title ends in its own question or exclamation mark."""
    # a quotation inside the title takes single marks inside the double ones (6.11)
    title = re.sub(r'"([^"]+)"|“([^”]+)”', lambda m: f"‘{m.group(1) or m.group(2)}’", title.strip())
    if title.endswith(("?", "!")):
        return f"“{title}”"
    if _ends_in_nested_quote(title):  # a quotation at the end of the title: ‘…,’” (6.9)
        inner = title[:-1].rstrip(".")
        return f"“{inner}{'' if inner.endswith(('?', '!')) else punct}{title[-1]}”"
    return f"“{title.rstrip('.')}{punct}”"


def _ends_in_nested_quote(title: str) -> bool:
    """True when the title ends with a quotation inside it (‘…’ or ' …'), not an apostrophe."""
    if title.endswith("’"):
        return "‘" in title
    return title.endswith("'") and re.search(r"(?:^|\s)'\S", title[:-1]) is not None


def cited_date(doc: Document) -> str:
    """The date as the manual writes it: 'September 5, 1945', 'May 2026', 'ca. 1920', 'n.d.'."""
    text = common.long_date(common.date_parts(doc))
    edtf = (doc.date.edtf if doc.date else None) or ""
    if text != "n.d." and ("~" in edtf or "%" in edtf):
        return f"ca. {text}"
    if text != "n.d." and "?" in edtf:
        return f"{text}?"
    return text


def located_signature(doc: Document) -> str | None:
    """The holding archive and the signature: the signature as written (folio ranges with an
    en dash), the archive's name put first when the signature does not already name it."""
    ref = common.main_ref(doc)
    sig = common.signature(doc)
    if not ref or not sig:
        return common.repository(doc)
    for folio in ref.folios or []:
        if re.fullmatch(r"\d+[a-z]?\s*-\s*\d+[a-z]?", folio) and folio in sig:
            head, _, tail = sig.rpartition(folio)
            sig = head + re.sub(r"\s*-\s*", "–", folio) + tail
    name = ref.archive_name or ref.archive
    if name and not common.names_archive(sig, ref):
        sig = f"{name}, {sig}"
    return sig


def marked(doc: Document) -> str:
    """The document's Chicago citation with the source's inline marks (``*Journal*``)."""
    if common.is_article(doc):
        return _article(doc)
    parts = [quoted(doc.title or "Untitled", ","), cited_date(doc)]
    if pub := common.publisher(doc):
        parts.append(pub)
    if sig := located_signature(doc):
        parts.append(sig)
    out = parts[0] + " " + ", ".join(parts[1:]).rstrip(".") + "."
    if line := common.credit_line(doc):
        out += f" {line.rstrip('.')}."
    if u := common.url(doc):
        out += f" {u}."
    return out


def render(doc: Document) -> str:
    """The document's Chicago citation as plain text (``opis export``)."""
    return inline.to_plain(marked(doc))


def render_html(doc: Document) -> Markup:
    """The document's Chicago citation as HTML, the journal title in ``<em>``."""
    return inline.to_html(for_html(marked(doc)))


def render_all(docs) -> dict[str, str]:
    """Several documents' citations, one a line (``citations.txt``)."""
    return {"citations.txt": "".join(render(d) + "\n" for d in docs)}


def page_range(pages: str) -> str:
    """A page range as the manual abbreviates it (9.64): 268–83, 101–8, 321–28, 498–532, 96–117."""
    m = re.fullmatch(r"\s*(\d+)\s*[-–—]+\s*(\d+)\s*", pages or "")
    if not m:
        return (pages or "").replace("-", "–")
    first, last = m.groups()
    start = int(first)
    if start < 100 or start % 100 == 0 or len(first) != len(last):
        return f"{first}–{last}"
    same = 0
    while same < len(first) and first[same] == last[same]:
        same += 1
    keep = max(len(last) - same, 2 if start % 100 >= 10 else 1)
    return f"{first}–{last[-keep:]}"


def _authors(names: list[str]) -> str:
    """'Family, Given, Given Family, and Given Family' (the first name inverted); the first
    seven and 'et al.' for more than ten."""
    if not names:
        return ""
    first = common.split_name(names[0])
    first_s = f"{first['family']}, {first['given']}" if first.get("given") else first["family"]
    if len(names) > 10:
        return ", ".join([first_s, *names[1:7]]) + ", et al"
    rest = names[1:]
    if not rest:
        return first_s
    if len(rest) == 1:
        return f"{first_s}, and {rest[0]}"
    return first_s + "".join(f", {n}" for n in rest[:-1]) + f", and {rest[-1]}"


def _article(doc: Document) -> str:
    authors = _authors(common.agent_names(doc))
    out = f"{authors.rstrip('.')}. " if authors else ""
    out += quoted(doc.title or "Untitled", ".")
    if doc.journal:
        out += " " + inline.emphasis(inline.to_plain(doc.journal))
        if doc.volume:
            out += f" {doc.volume}"
        if doc.issue:
            out += f", no. {doc.issue}" if doc.volume else f", no. {doc.issue}".lstrip(",")
        parts = common.date_parts(doc)
        if parts:
            out += f" ({common.long_date(parts[:2])})"
        if doc.pages:
            out += f": {page_range(doc.pages)}"
    out += "."
    if doc.doi:
        out += f" https://doi.org/{doc.doi}."
    elif u := common.url(doc):
        out += f" {u}."
    return out
