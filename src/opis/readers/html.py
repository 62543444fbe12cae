"""HTML reader: the page as Markdown-ish text, so the same layout recognisers apply.

Block elements become paragraphs, headings ``## ...``, ``<strong>`` ``**...**``, ``<em>``
``*...*``, list items ``- ...``, ``<sup>`` stays ``<sup>...</sup>`` (footnote markers), and links
keep their text (a link whose text is its own address becomes ``<https://...>``). Scripts,
styles and forms are dropped. Page facts from ``<head>`` (title, canonical URL, citation_* meta
tags) go into ``fields``.
"""

from __future__ import annotations

import re
from pathlib import Path

from bs4 import BeautifulSoup, Comment, NavigableString, Tag

from opis.errors import ReadError
from opis.readers import ReadOptions
from opis.readers.base import RawDocument
from opis.readers.encoding import decode

DROP = {"script", "style", "noscript", "template", "svg", "form", "button", "select", "iframe", "head"}
BLOCK = {
    "p", "div", "section", "article", "main", "aside", "header", "footer", "nav", "blockquote",
    "table", "tr", "ul", "ol", "dl", "dt", "dd", "figure", "figcaption", "address", "pre", "hr", "body",
}
HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
META_FIELDS = {
    "citation_title": "Title", "dc.title": "Title", "citation_doi": "DOI", "dc.identifier": "Identifier",
    "citation_journal_title": "Journal", "citation_date": "Date", "citation_publication_date": "Date",
    "dc.date": "Date", "description": "Description", "og:url": "URL",
}


def read(path: Path, data: bytes, options: ReadOptions) -> RawDocument:
    """Read an HTML file's text, with its title, meta fields and canonical URL; raises ReadError when it
    cannot be parsed."""
    decoded = decode(data, str(path))
    try:
        soup = BeautifulSoup(decoded.text, "lxml")
        fields = head_fields(soup)
        root = soup.body or soup
        text = re.sub(r"\n{3,}", "\n\n", render(root)).strip()
    except RecursionError as exc:
        raise ReadError("HTML nested too deeply to read", str(path)) from exc
    except Exception as exc:  # lxml refuses some broken documents
        raise ReadError(f"cannot parse HTML ({exc})", str(path)) from exc
    return RawDocument(
        path=str(path), sha256="", format="html",
        reader=__name__, text=text, fields=fields, warnings=[decoded.warning] if decoded.warning else [],
    )


def head_fields(soup: BeautifulSoup) -> dict[str, str]:
    """The title, the known meta fields and the canonical URL of an HTML head."""
    fields: dict[str, str] = {}
    if soup.title and soup.title.string:
        fields["HTML title"] = soup.title.string.strip()
    for meta in soup.find_all("meta"):
        key = (meta.get("name") or meta.get("property") or "").lower()
        if key in META_FIELDS and meta.get("content"):
            fields.setdefault(META_FIELDS[key], meta["content"].strip())
    canonical = soup.find("link", rel="canonical")
    if canonical and canonical.get("href"):
        fields.setdefault("URL", canonical["href"].strip())
    return fields


def render(node: Tag) -> str:
    """The text of an HTML element: runs of spaces squeezed, lines trimmed."""
    out: list[str] = []
    _walk(node, out)
    text = "".join(out)
    text = re.sub(r"[ \t\u00a0]+", " ", text)
    return re.sub(r" *\n *", "\n", text)


def cf_email(node: Tag) -> str | None:
    """The address behind Cloudflare's e-mail protection (``data-cfemail`` or an
    ``/cdn-cgi/l/email-protection#…`` link: hex, the first byte XORed with the rest), "" when the
    element is such markup but cannot be decoded, None when it is not."""
    hexed = node.get("data-cfemail")
    href = node.get("href") or ""
    if hexed is None and "/cdn-cgi/l/email-protection" in href:
        hexed = href.partition("#")[2]
        if not hexed:  # the address is in an inner span, or nowhere
            inner = node.find(attrs={"data-cfemail": True})
            return cf_email(inner) if isinstance(inner, Tag) else ""
    if hexed is None:
        return None
    try:
        raw = bytes.fromhex(str(hexed))
        decoded = bytes(b ^ raw[0] for b in raw[1:]).decode("utf-8")
    except (ValueError, IndexError, UnicodeDecodeError):
        return ""
    return decoded if re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", decoded) else ""


def _walk(node: Tag, out: list[str]) -> None:
    for child in node.children:
        if isinstance(child, Comment):
            continue
        if isinstance(child, NavigableString):
            out.append(re.sub(r"\s+", " ", str(child)))
            continue
        if not isinstance(child, Tag) or child.name in DROP:
            continue
        name = child.name
        email = cf_email(child)
        if email is not None:  # e-mail protection markup: the address, never "[email protected]"
            out.append(email)
        elif name == "br":
            out.append("\n")
        elif name in HEADINGS:
            out.append("\n\n" + "#" * HEADINGS[name] + " " + _inline(child) + "\n\n")
        elif name in ("strong", "b"):
            inner = _inline(child)
            out.append(f"**{inner}**" if inner.strip() else inner)
        elif name in ("em", "i"):
            inner = _inline(child)
            out.append(f"*{inner}*" if inner.strip() else inner)
        elif name == "sup":
            out.append(f"<sup>{_inline(child).strip()}</sup>")
        elif name == "a":
            inner = _inline(child)
            href = child.get("href", "")
            out.append(f"<{href}>" if href.startswith("http") and inner.strip() == href else inner)
        elif name == "li":
            out.append("\n- " + _inline(child).strip() + "\n")
        elif name in ("td", "th"):
            out.append(_inline(child).strip() + "\t")
        elif name in BLOCK:
            out.append("\n\n")
            _walk(child, out)
            out.append("\n\n")
        else:
            _walk(child, out)


def _inline(node: Tag) -> str:
    out: list[str] = []
    _walk(node, out)
    return re.sub(r"\n{2,}", "\n", "".join(out)).strip("\n")
