"""Saved searches and their alerts: a user's named query, what is new in it since their last
visit, and an Atom feed per saved search.

What is new is read from the change journal, never by running the query over the whole
archive: the documents first ingested since the last visit (:func:`opis.store.saved.new_since`,
a range of the journal's key) are the only ones the query is run against (``within``). Every
search goes through the caller's search function — ``Archive.search``, or on the web the
search page's own :func:`opis.web.lib.search` — so what a reader may not see is never counted.

A feed is read by programs that cannot sign in: its URL carries a random token, of which only
the SHA-256 digest is stored (shown once; a new one replaces it; revoking removes it).
"""

from __future__ import annotations

import hashlib
import hmac
import html
import re
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from opis import atom
from opis.errors import NotFound, OpisError
from opis.store import saved as _saved
from opis.store.saved import SavedRow

MAX_NAME = 100
MAX_QUERY = 1000
FEED_ENTRIES = 50  # entries of a feed, newest first
FEED_WINDOW = 500  # ... among the documents most recently ingested or changed
TOKEN_PREFIX = "opf_"
#: a search function: (query, limit, offset, exact, within) -> the search result as JSON
Run = Callable[..., dict[str, Any]]


class SavedSearchError(OpisError):
    """A saved search refused (no name, a malformed query, a name already taken)."""


@dataclass
class SavedSearch:
    """A saved search as its owner sees it; ``new``: how many documents matching it were
    ingested since the last visit (None when not counted)."""

    id: int
    name: str
    query: str
    exact: bool
    created_at: str
    visited_at: str
    feed: bool
    feed_prefix: str | None = None
    new: int | None = None
    user_id: int | None = None
    visited_seq: int = field(default=0, repr=False)

    @classmethod
    def of(cls, row: SavedRow, new: int | None = None) -> SavedSearch:
        """The saved search of a stored row."""
        return cls(row.id, row.name, row.query, row.exact, row.created_at, row.visited_at, row.has_feed,
                   row.feed_prefix, new, row.user_id, row.visited_seq)

    def to_dict(self) -> dict[str, Any]:
        """The saved search as JSON (``/api/saved``); never a token."""
        return {"id": self.id, "name": self.name, "query": self.query, "exact": self.exact,
                "created_at": self.created_at, "visited_at": self.visited_at, "feed": self.feed,
                "feed_prefix": self.feed_prefix, "new": self.new}


# --- feed tokens ------------------------------------------------------------------------------
def make_token() -> tuple[str, str, str]:
    """A new feed token: (token, its SHA-256 digest to store, a short prefix to show)."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    return token, token_digest(token), token[: len(TOKEN_PREFIX) + 6]


def token_digest(token: str) -> str:
    """The SHA-256 digest of a token, hex (what the store keeps)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def token_ok(stored: str | None, token: str | None) -> bool:
    """Whether ``token`` is the live token whose digest is ``stored`` (constant-time compare)."""
    if not stored or not token:
        return False
    return hmac.compare_digest(stored, token_digest(token))


# --- checks -----------------------------------------------------------------------------------
def checked(name: str, query: str, exact: bool = False) -> tuple[str, str]:
    """The name and query, stripped, once they are acceptable; raises SavedSearchError or the
    query's own QuerySyntaxError (a malformed query is refused before it is saved)."""
    from opis.search.plan import build_plan

    name, query = " ".join((name or "").split()), (query or "").strip()
    if not name:
        raise SavedSearchError("a saved search needs a name")
    if len(name) > MAX_NAME:
        raise SavedSearchError(f"a name has at most {MAX_NAME} characters")
    if not query:
        raise SavedSearchError("a saved search needs a query")
    if len(query) > MAX_QUERY:
        raise SavedSearchError(f"a saved query has at most {MAX_QUERY} characters")
    build_plan(query, exact=exact)
    return name, query


def owned(store, saved_id: int, user_id: int | None) -> SavedRow:
    """The saved search ``saved_id`` when it belongs to ``user_id`` (None: the local owner);
    NotFound otherwise (another user's saved search is not revealed to exist)."""
    try:
        row = _saved.get(store, saved_id)
    except NotFound:
        raise NotFound(f"no saved search #{saved_id}") from None
    if (row.user_id or None) != (user_id or None):
        raise NotFound(f"no saved search #{saved_id}")
    return row


# --- what is new ------------------------------------------------------------------------------
def new_candidates(store, row: SavedRow) -> list[str]:
    """The documents first ingested since the last visit of ``row`` (whatever they match)."""
    return _saved.new_since(store, row.visited_at, row.visited_seq)


def count_new(store, row: SavedRow, run: Run) -> int:
    """How many documents ingested since the last visit match the saved query (0 without a
    search when nothing was ingested since)."""
    candidates = new_candidates(store, row)
    if not candidates:
        return 0
    return int(run(row.query, limit=0, offset=0, exact=row.exact, within=candidates).get("total") or 0)


def new_hits(store, row: SavedRow, run: Run, limit: int = 100) -> dict[str, Any]:
    """The search result (as JSON) of the saved query among the documents new since the last visit."""
    candidates = new_candidates(store, row)
    if not candidates:
        return {"query": row.query, "total": 0, "hits": [], "facets": {}, "expanded": [], "approximate": False}
    return run(row.query, limit=limit, offset=0, exact=row.exact, within=candidates)


def visit(store, row: SavedRow) -> None:
    """Note a visit now: what has been ingested so far is no longer new."""
    _saved.visit(store, row.id, _saved.now_text(), _saved.last_seq(store))


# --- the feed ---------------------------------------------------------------------------------
_TAGS = re.compile(r"<[^>]*>")


def plain(snippet: str | None) -> str:
    """A search snippet (HTML-escaped text with ``<mark>`` tags) as plain text."""
    return " ".join(html.unescape(_TAGS.sub("", snippet or "")).split())


def feed_hits(store, row: SavedRow, run: Run) -> tuple[list[dict[str, Any]], dict[str, tuple[str, str]]]:
    """The hits of a feed: the documents matching the saved query among the FEED_WINDOW most
    recently ingested or changed, newest first (FEED_ENTRIES at most), and their (ingested,
    updated) times."""
    window = _saved.recent(store, FEED_WINDOW)
    if not window:
        return [], {}
    result = run(row.query, limit=min(FEED_WINDOW, 1000), offset=0, exact=row.exact, within=window)
    hits = result.get("hits") or []
    times = _saved.times(store, [h["id"] for h in hits])
    hits = [h for h in hits if h["id"] in times]
    hits.sort(key=lambda h: (times[h["id"]][0], times[h["id"]][1], h["id"]), reverse=True)
    return hits[:FEED_ENTRIES], times


def feed(row: SavedRow, hits: Iterable[dict[str, Any]], times: dict[str, tuple[str, str]], base: str,
         host: str, token: str) -> str:
    """The Atom feed of a saved search (``base``: the server's URL without a trailing slash;
    ``host``: its host name, for the ``tag:`` ids; ``token``: the feed's token, for its self link)."""
    from urllib.parse import quote

    entries = []
    for hit in hits:
        ingested, updated = times[hit["id"]]
        entries.append(atom.Entry(
            id=atom.tag_uri(host, ingested, f"opis/documents/{hit['id']}"),
            title=hit.get("title") or hit["id"], updated=updated,
            link=f"{base}/documents/{quote(hit['id'], safe='')}", summary=plain(hit.get("snippet"))))
    updated = max([e.updated for e in entries] + [row.created_at])
    return atom.render(atom.Feed(
        id=atom.tag_uri(host, row.created_at, f"opis/saved/{row.id}"),
        title=f"opis: {row.name}", subtitle=f"Documents matching {row.query}", updated=updated,
        self_link=f"{base}/saved/{row.id}/feed.atom" + (f"?token={quote(token, safe='')}" if token else ""),
        alternate=f"{base}/saved/{row.id}", entries=entries))
