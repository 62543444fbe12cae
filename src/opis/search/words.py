"""The word list behind prefix queries: folded words whose index term stemming changed.

The index holds terms (``refugees`` → ``refuge``), so a prefix longer than a word's stem
(``refugee*``) finds no term. Every word that stemming changed is kept with its term in
``search_words`` (the FTS5 engine; the tantivy index keeps the same pairs in a field of
its own, so they follow its documents); a prefix query also matches the terms of the listed
words that start with the prefix. Like any stemmed search, it then finds the other forms of those words too.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

MAX_TERMS = 500  # terms a prefix adds at most (the shortest words first)
PENDING = "words_pending"  # search_meta key: the list was not built yet for this database


def write(conn: sqlite3.Connection, words: Iterable[tuple[str, str]], seen: set[str] | None = None) -> None:
    """Add (word, term) pairs; ``seen`` (the words already written in this transaction) saves
    a bulk load from writing common words again."""
    if seen is not None:
        words = [(w, t) for w, t in words if w not in seen]
        seen.update(w for w, _t in words)
    conn.executemany("INSERT OR IGNORE INTO search_words (word, term) VALUES (?, ?)", words)


def terms_for_prefix(conn: sqlite3.Connection, prefix: str) -> tuple[str, ...]:
    """The index terms of listed words starting with ``prefix`` that do not start with it
    themselves (those the backend finds by the prefix already); MAX_TERMS at most. (The
    FTS5 engine's list; tantivy keeps its own, see ``TantivyBackend.terms_for_prefix``.)"""
    rows = conn.execute(
        "SELECT term FROM search_words WHERE word >= ? AND word < ? LIMIT ?",
        (prefix, prefix + "\U0010ffff", 20 * MAX_TERMS),
    )
    return pick((term for (term,) in rows), prefix)


def pick(terms: Iterable[str], prefix: str) -> tuple[str, ...]:
    """The distinct ``terms`` that do not start with ``prefix``, MAX_TERMS at most."""
    out: dict[str, None] = {}
    for term in terms:
        if not term.startswith(prefix):
            out[term] = None
            if len(out) >= MAX_TERMS:
                break
    return tuple(out)


def pending(conn: sqlite3.Connection) -> bool:
    """True when the database held documents before the word list existed (``opis reindex``
    builds it)."""
    return conn.execute("SELECT 1 FROM search_meta WHERE key = ?", (PENDING,)).fetchone() is not None


def done(conn: sqlite3.Connection) -> None:
    """Mark the prefix word list as built (clears the pending flag)."""
    conn.execute("DELETE FROM search_meta WHERE key = ?", (PENDING,))


def pending_in(store) -> bool:
    """:func:`pending` for a store (for callers that hold a store, not its connection)."""
    return pending(store.conn)
