"""Collections: who may see which documents.

Every document belongs to one or more collections; documents given none belong to the default
public collection, ``public``. A collection is ``public`` (everyone sees it) or ``restricted``
(only the accounts granted it, and admins). A document is visible to a reader when at least one
of its collections is; an entity, a claim, a place on the map, a year of the timeline or a
reference count is what the visible documents make of it — an entity that only hidden documents
mention does not exist for that reader.

A :class:`Viewer` says who reads; the web layer makes one per request from the session
(:func:`viewer_for`) and opens the request's :class:`opis.Archive` for it; every read of that
archive is then filtered by the one rule of :func:`opis.store.collections.hidden_keys`, applied to
every query by :mod:`opis.store.visibility`. The command line, notebooks and single-user mode
read as :data:`EVERYONE`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from opis.errors import OpisError
from opis.store import collections as _store
from opis.store.collections import DEFAULT, VISIBILITIES, CollectionRow

if TYPE_CHECKING:
    from opis.accounts import User

__all__ = ["DEFAULT", "EVERYONE", "CollectionError", "CollectionRow", "Viewer", "viewer_for"]

NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")


class CollectionError(OpisError):
    """A collection request that is refused (a bad name, an unknown visibility, a duplicate)."""


@dataclass(frozen=True)
class Viewer:
    """Who reads: an account (``user_id``, ``name``), anonymous (both None), or someone who sees
    everything (``sees_all``: an admin, the server's own token, single-user mode, the CLI)."""

    user_id: int | None = None
    name: str | None = None
    sees_all: bool = False

    def hidden_keys(self, store) -> list[int]:
        """The access keys of the documents this viewer may not see (empty: sees everything)."""
        if self.sees_all or not _store.has_restricted(store):
            return []
        return _store.hidden_keys(store, self.user_id)


EVERYONE = Viewer(sees_all=True)
ANONYMOUS = Viewer()


def viewer_for(user: User | None, *, accounts: bool, server: bool = False) -> Viewer:
    """The viewer of a request: ``user`` (None: anonymous); ``accounts``: whether the archive has
    accounts at all (without any it is single-user: everything is seen); ``server``: the request
    carries the server's own token."""
    if server or not accounts:
        return EVERYONE
    if user is None:
        return ANONYMOUS
    if user.role == "admin":
        return Viewer(user.id, user.name, sees_all=True)
    return Viewer(user.id, user.name)


def check_name(name: str) -> str:
    """A collection name: lower-case letters, digits, ``.``, ``_`` and ``-``, up to 64."""
    if not NAME.match(name or ""):
        raise CollectionError(f"{name!r} is not a collection name (lower-case letters, digits, '.', '_', '-';"
                              " at most 64)")
    return name


def check_visibility(visibility: str) -> str:
    """``public`` or ``restricted``."""
    if visibility not in VISIBILITIES:
        raise CollectionError(f"visibility must be one of {', '.join(VISIBILITIES)}, not {visibility!r}")
    return visibility


def create(store, name: str, title: str | None = None, visibility: str = "restricted") -> CollectionRow:
    """Make a collection; CollectionError when the name is taken or malformed."""
    check_name(name)
    check_visibility(visibility)
    if any(c.name == name for c in _store.list_collections(store)):
        raise CollectionError(f"a collection named {name!r} exists already")
    return _store.create(store, name, title, visibility)
