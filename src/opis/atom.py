"""Atom feeds (RFC 4287) as XML text: a pure function of typed data.

Every value is written through ElementTree, which escapes ``&``, ``<``, ``>`` and quotes; the
characters XML 1.0 cannot carry at all (control characters, lone surrogates, U+FFFE/U+FFFF),
which document text may contain, are dropped first. Ids are ``tag:`` URIs (RFC 4151):
``tag:HOST,DATE:opis/...`` with the server's host name and a date that never changes for the
thing named, so a reader sees each entry once.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

NS = "http://www.w3.org/2005/Atom"
#: characters outside XML 1.0's Char production (section 2.2)
_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_HOST = re.compile(r"^[A-Za-z0-9.-]+$")


def xml_text(value: str | None) -> str:
    """``value`` without the characters XML 1.0 cannot carry (``""`` for None)."""
    return _NOT_XML.sub("", value or "")


def tag_uri(host: str, date: str, specific: str) -> str:
    """A ``tag:`` URI (RFC 4151): ``tag:host,YYYY-MM-DD:specific``; a host that is not a DNS name
    (an IPv6 address, say) is replaced by ``localhost``."""
    name = host if _HOST.match(host or "") else "localhost"
    return f"tag:{name.lower()},{date[:10]}:{specific}"


@dataclass(frozen=True)
class Entry:
    """One entry: a stable id, a title, when it was last updated (RFC 3339), the URL of its page
    and a plain-text summary."""

    id: str
    title: str
    updated: str
    link: str
    summary: str = ""


@dataclass(frozen=True)
class Feed:
    """A feed: its id, title, last update (RFC 3339), the URL of the feed itself and of its page,
    the author shown when entries name none, and the entries, newest first."""

    id: str
    title: str
    updated: str
    self_link: str
    alternate: str
    author: str = "opis"
    subtitle: str = ""
    entries: list[Entry] = field(default_factory=list)


def _add(parent: ET.Element, name: str, text: str | None = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, f"{{{NS}}}{name}", {k: xml_text(v) for k, v in attrs.items()})
    if text is not None:
        el.text = xml_text(text)
    return el


def render(feed: Feed) -> str:
    """The feed as an Atom document (UTF-8 XML text with its declaration)."""
    ET.register_namespace("", NS)
    root = ET.Element(f"{{{NS}}}feed")
    _add(root, "id", feed.id)
    _add(root, "title", feed.title, type="text")
    if feed.subtitle:
        _add(root, "subtitle", feed.subtitle, type="text")
    _add(root, "updated", feed.updated)
    author = _add(root, "author")
    _add(author, "name", feed.author)
    _add(root, "link", rel="self", type="application/atom+xml", href=feed.self_link)
    _add(root, "link", rel="alternate", type="text/html", href=feed.alternate)
    _add(root, "generator", "opis")
    for entry in feed.entries:
        el = _add(root, "entry")
        _add(el, "id", entry.id)
        _add(el, "title", entry.title, type="text")
        _add(el, "updated", entry.updated)
        _add(el, "link", rel="alternate", type="text/html", href=entry.link)
        if entry.summary:
            _add(el, "summary", entry.summary, type="text")
    body = ET.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + body + "\n"
