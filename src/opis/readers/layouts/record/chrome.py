"""Website and viewer chrome: the lines a saved page carries that belong to the site, not to the
record — search boxes, "get citation", share and download buttons, "You are on page 1 of 19",
file-viewer headers, navigation menus, the site's own banner, empty section labels.

Recognised by kind: a line made only of interface words, a page counter, a file-size line, a
navigation path or menu item, or a site banner ("Digital Archive ... International History
Declassified", a host name).
"""

from __future__ import annotations

import re

# Words of buttons, menus and section headings of archive websites and document viewers.
UI_WORDS = {
    "skip", "to", "content", "main", "navigation", "search", "in", "add", "filter", "cancel", "citation",
    "get", "share", "download", "print", "email", "e-mail", "cite", "this", "document", "record", "page",
    "view", "english", "html", "pdf", "back", "top", "toggle", "menu", "home", "contact", "about", "login",
    "log", "sign", "register", "more", "close", "open", "next", "previous", "show", "hide", "all",
    "associated", "places", "people", "&", "organizations", "organisations", "topics", "subjects",
    "discussed", "author(s):", "author(s)", "related", "documents", "information", "right", "rights",
    "source", "original", "archive", "uploaded", "date", "id", "classification", "collections", "services",
    "publications", "news", "conferences", "network", "attachment", "size", "|", "---|---|", "file",
    "scan", "transcript", "translation", "in:", "full", "text", "image", "images", "zoom", "copy", "link",
    "url", "permalink", "bookmark", "save", "export", "export:", "tools", "options", "-", "–", "breadcrumb", "breadcrumbs", "you", "are", "here", "here:",
}
_COUNTER_RE = re.compile(
    r"^(?:you are on page\s*\d+\s*of\s*\d+|page\s*\d+\s*(?:of|/)\s*\d+|total pages?\s*:\s*\d+"
    r"|file type\s*:.*size\s*:.*|\[page \d+\]|!\[\]\(.*|!\[\]\(\)\s*\|.*|[|\s]+)$",
    re.IGNORECASE,
)
_NAV_RE = re.compile(r"^(?:/[A-Z][A-Z ]+|(?:[A-Z][A-Z]+\s*/\s*){2,}.*|[A-Z ]+(?:/ [A-Za-z ?]+){2,}.*)$")
# The site's banner: the archive's name with its motto, alone or at the head of a flattened line.
_BANNER_RE = re.compile(
    r"Digital Archive(?:\s+[a-z0-9.-]+\.(?:org|com|edu)\.?)?\s+International History Declassified", re.IGNORECASE
)
# The banner cut in two by a line break, and a line that is only an address (a share link).
_SITE_NAME_RE = re.compile(r"(?:Digital Archive(?:\s+[a-z0-9.-]+\.(?:org|com|edu)?\.?)?|International History Declassified)", re.IGNORECASE)
_URL_RE = re.compile(r"<?https?://\S+>?")
_HOST_RE = re.compile(r"^(?:https?://)?(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)+\.?$", re.IGNORECASE)


def is_chrome(line: str) -> bool:
    """A line of the site or viewer, not of the record."""
    s = line.strip()
    if not s:
        return False
    if _COUNTER_RE.match(s) or _HOST_RE.match(s):
        return True
    if _BANNER_RE.fullmatch(s) or _SITE_NAME_RE.fullmatch(s) or _URL_RE.fullmatch(s):
        return True
    if _NAV_RE.match(s) and len(s) < 120:
        return True
    words = s.lower().replace(":", " ").split()
    return len(words) <= 6 and all(w in UI_WORDS for w in words)


def banners(line: str) -> list[tuple[int, int]]:
    """Spans of the site banner inside a longer line (flattened PDF copies run it into the title)."""
    return [(m.start(), m.end()) for m in _BANNER_RE.finditer(line)]
