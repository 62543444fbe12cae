"""What the app was started with, and the per-request store."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass

from fastapi import Request

from opis.archive import Archive
from opis.collections import EVERYONE, Viewer, viewer_for
from opis.errors import OpisError, StoreError
from opis.store.engine import exists
from opis.web.db import StorePool

DEFAULT_MAX_BODY = 20 * 1024 * 1024  # bytes a request body may hold (opis serve --max-body)
ENV = {"db_path": "OPIS_DB", "allow_write": "OPIS_ALLOW_WRITE", "token": "OPIS_TOKEN", "max_body": "OPIS_MAX_BODY",
       "files": "OPIS_FILES", "workers": "OPIS_SERVE_WORKERS"}


def parse_size(value: str | int) -> int:
    """``"20MB"``, ``"512k"``, ``"1G"`` or a number of bytes, as bytes (units are powers of 1024)."""
    if isinstance(value, int):
        size = value
    else:
        text = value.strip().upper().removesuffix("B").removesuffix("I")
        factor = {"K": 1024, "M": 1024**2, "G": 1024**3}.get(text[-1:], 1)
        digits = text[:-1] if factor > 1 else text
        try:
            size = int(float(digits) * factor)
        except ValueError:
            raise OpisError(f"{value!r} is not a size (use e.g. 20MB, 512KB or a number of bytes)") from None
    if size < 0:
        raise OpisError(f"a size must not be negative, not {value!r}")
    return size


@dataclass(frozen=True)
class Settings:
    """The server's settings: the database, whether writes are allowed, the bearer token, the body size limit,
    the file store, and how many server processes share the database."""

    db_path: str
    allow_write: bool = False
    token: str | None = None
    max_body: int = DEFAULT_MAX_BODY
    files: str | None = None  # the file store of originals (uploads); None: <db>.files beside the database
    workers: int = 1  # server processes (opis serve --workers): they share PostgreSQL's connections

    @classmethod
    def make(cls, db_path: str, allow_write: bool = False, token: str | None = None,
             max_body: int | str = DEFAULT_MAX_BODY, files: str | None = None, workers: int = 1) -> Settings:
        """Checked settings; raises StoreError when the database does not exist, or writes are allowed with
        neither an admin account nor a token."""
        if not exists(db_path):
            raise StoreError(f"no such database (run 'opis ingest PATH --db {db_path}' first)", db_path)
        with Archive(db_path) as archive:  # (applies pending migrations once, at start)
            if allow_write and not token and not archive.has_admin():
                raise StoreError(
                    "--allow-write needs an admin account (opis users add NAME --role admin) or, for one person,"
                    " a --token (clients send 'Authorization: Bearer TOKEN')", db_path)
        return cls(db_path, allow_write, token if allow_write else None, parse_size(max_body), files or None,
                   max(1, int(workers)))

    @classmethod
    def from_env(cls) -> Settings:
        """The settings ``opis serve --workers N`` hands to each worker process (OPIS_* variables)."""
        db = os.environ.get(ENV["db_path"])
        if not db:
            raise StoreError(f"{ENV['db_path']} is not set: which database to serve?")
        return cls.make(db, allow_write=os.environ.get(ENV["allow_write"]) == "1",
                        token=os.environ.get(ENV["token"]) or None,
                        max_body=os.environ.get(ENV["max_body"]) or DEFAULT_MAX_BODY,
                        files=os.environ.get(ENV["files"]) or None,
                        workers=int(os.environ.get(ENV["workers"]) or 1))

    def to_env(self) -> dict[str, str]:
        """The environment that makes :meth:`from_env` give these settings back."""
        env = {ENV["db_path"]: self.db_path, ENV["allow_write"]: "1" if self.allow_write else "0",
               ENV["max_body"]: str(self.max_body), ENV["workers"]: str(self.workers)}
        if self.token:
            env[ENV["token"]] = self.token
        if self.files:
            env[ENV["files"]] = self.files
        return env


def get_archive(request: Request) -> Iterator[Archive]:
    """The request's :class:`~opis.Archive`, over a store leased from the app's pool for the whole
    request (see :mod:`opis.web.db`).

    GET and HEAD requests read inside one transaction, so every query of a page sees the same
    committed state while an ingest writes; other methods write in their own transactions.
    """
    pool: StorePool = request.app.state.pool
    read = request.method in ("GET", "HEAD")
    with pool.lease(read=read) as store:
        # a reader sees only the collections they may (opis.collections); requests that write are
        # not filtered (they act on the ids they are given, and need an editor or more)
        archive = Archive.over(store, files=request.app.state.settings.files,
                               viewer=request_viewer(request, store) if read else None)
        try:
            yield archive
        finally:
            archive.close()


def request_viewer(request: Request, store) -> Viewer:
    """Who reads in ``request``: its identity (:mod:`opis.web.auth`) as a
    :class:`~opis.collections.Viewer` — everyone's view in single-user mode (no accounts) and
    for an admin or the server's token."""
    from opis import accounts
    from opis.web.auth import identity

    who = identity(request)
    if who.via == "server" or (who.user is not None and who.user.role == "admin"):
        return EVERYONE
    return viewer_for(who.user, accounts=who.user is not None or accounts.has_users(store))
