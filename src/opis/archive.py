"""``opis.Archive``: the one library API the CLI, the web and notebooks share.

    >>> from opis import Archive
    >>> with Archive("opis.db") as archive:
    ...     for result in archive.ingest(["examples/corpus"]):
    ...         print(result.status, result.path)
    ...     doc = archive.get("51c4")                   # a unique id prefix, like git
    ...     hits = archive.search("Chuguchak date:1945")
    ...     print(archive.export(doc.id, "chicago"))

Every method is a thin layer over the module that does the work (:mod:`opis.ingest`,
:mod:`opis.store`, :mod:`opis.search`, :mod:`opis.export`, :mod:`opis.authority.curation`);
all SQL stays in :mod:`opis.store` and the search backends. Errors are :mod:`opis.errors`
exceptions: :class:`~opis.errors.NotFound` for an unknown document or entity,
:class:`~opis.authority.curation.CorrectionError` for a correction that is refused,
:class:`~opis.errors.StoreError` when the database cannot be opened or written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from opis.authority import curation
from opis.errors import NotFound, OpisError
from opis.model import Document
from opis.store import DEFAULT_DB, Store
from opis.store import archrefs as _archrefs
from opis.store import claims as _claims
from opis.store import documents as _documents
from opis.store import entities as _entities
from opis.store import timeline as _timeline

if TYPE_CHECKING:  # (imported when used: opening an archive does not load search or the pipeline)
    from opis.accounts import Session, User
    from opis.audit import Outcome
    from opis.collections import CollectionRow, Viewer
    from opis.files import FileStore
    from opis.ingest import IngestResult
    from opis.pipeline import Pipeline
    from opis.readers import ReadOptions
    from opis.saved import SavedSearch
    from opis.search import SearchResult
    from opis.search.related import Related
    from opis.store.accounts import TokenRow
    from opis.store.audit import AuditRow
    from opis.store.backup import BackupResult, RestoreResult
    from opis.store.check import CheckReport
    from opis.store.uploads import Upload

__all__ = ["Archive", "Correction", "Listing"]

TIMELINE_KINDS = ("document", "claim", "event")


@dataclass
class Listing:
    """One page of documents: ``total`` kept by the filters, and this page's summary rows
    (id, title, date_edtf, date_earliest, date_latest, doc_type, classification, language)."""

    total: int
    limit: int
    offset: int
    documents: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The page as JSON (``GET /api/documents``)."""
        return {"total": self.total, "limit": self.limit, "offset": self.offset, "documents": self.documents}


@dataclass
class Correction:
    """A stored curator correction and the stored documents it was applied to at once."""

    id: int
    kind: str
    args: dict[str, Any]
    documents: list[str] = field(default_factory=list)
    author: str | None = None  # the account that made it; None: the command line or the server's token
    audit_id: int | None = None  # its entry in the history
    changes: list[dict[str, Any]] = field(default_factory=list)  # the values it changed (before, after)

    def to_dict(self) -> dict[str, Any]:
        """The correction as JSON (``POST /api/corrections``)."""
        return {"id": self.id, "kind": self.kind, "args": self.args, "documents": self.documents,
                "author": self.author, "audit_id": self.audit_id, "changes": self.changes}


class Archive:
    """An opis archive: a database of records, its search index and its curator corrections.

    ``Archive(path)`` opens (and creates or migrates) the SQLite database at ``path``, or the
    PostgreSQL database of a ``postgresql://`` URL (``index``: that machine's search index folder,
    default ``OPIS_INDEX`` or ``~/.cache/opis/index/…``; see the PostgreSQL guide); ``readonly=True`` opens it without migrating and refuses every write (checks, backups,
    a read-only server). ``verify``: check the file on open (default: once per process, for
    files of moderate size; see :class:`opis.store.Store`). Use it as a context manager, or
    call :meth:`close`. :meth:`over` wraps a store that is already open (the web server's
    pooled connections).
    """

    def __init__(self, path: str | Path = DEFAULT_DB, *, readonly: bool = False, verify: bool | None = None,
                 files: str | Path | None = None, index: str | Path | None = None, viewer: Viewer | None = None):
        self._store = Store(path, verify=verify, readonly=readonly, index=index)
        self._owned = True
        self._files_root = files
        self._hidden: tuple[int, ...] = ()
        self._see_as(viewer)

    @classmethod
    def over(cls, store: Store, files: str | Path | None = None, viewer: Viewer | None = None) -> Archive:
        """An archive over the open ``store``; :meth:`close` leaves the store open (its owner closes it).
        ``viewer``: read as that reader (see :attr:`viewer`; only for reading: the request's
        store must not be written while the archive is open for a restricted reader)."""
        archive = cls.__new__(cls)
        archive._store = store
        archive._owned = False
        archive._files_root = files
        archive._hidden = ()
        archive._see_as(viewer)
        return archive

    def _see_as(self, viewer: Viewer | None) -> None:
        """Read as ``viewer`` from now on (None: everything; see :mod:`opis.collections`)."""
        from opis.collections import EVERYONE

        self._viewer = viewer or EVERYONE
        if viewer is not None and not viewer.sees_all:
            from opis.store import visibility

            self._hidden = tuple(viewer.hidden_keys(self._store))
            visibility.install(self._store, self._hidden)

    # --- lifecycle ---------------------------------------------------------------------
    @property
    def store(self) -> Store:
        """The store underneath (for the store's own lower-level methods)."""
        return self._store

    @property
    def path(self) -> str:
        """The database file (or the PostgreSQL URL, without its password)."""
        return self._store.path

    @property
    def readonly(self) -> bool:
        """Whether this archive refuses every write."""
        return self._store.readonly

    def close(self) -> None:
        """Close the database (unless the archive was made :meth:`over` a store owned elsewhere)."""
        if self._hidden:
            from opis.store import visibility

            visibility.remove(self._store)
            self._hidden = ()
        if self._owned:
            self._store.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Archive({self.path!r}{', readonly=True' if self.readonly else ''})"

    # --- ingest ------------------------------------------------------------------------
    def ingest(self, paths: Iterable[str | Path], options: ReadOptions | None = None, *, progress: bool = False,
               pipeline: Pipeline | None = None, jobs: int = 1,
               collections: Iterable[str] = ()) -> Iterator[IngestResult]:
        """Read, process and store files; directories are walked recursively.

        Yields one :class:`opis.ingest.IngestResult` per file (status ``added``, ``updated``,
        ``unchanged`` or ``error``) as it is done: one bad file never stops the batch. A file
        already stored (same content) is not processed again; curator corrections are
        re-applied to every new version. ``options``: :class:`opis.readers.ReadOptions`
        (OCR languages, a forced format ...); ``pipeline``: a :class:`opis.pipeline.Pipeline`
        other than the default; ``jobs``: files read and extracted at once, each in its own
        worker process (this process alone writes, in the files' order); ``collections``: names
        of collections every document is put in (a file already stored too; none: the
        default public collection). NotFound for an unknown collection, before any file is read.
        """
        from opis.ingest import ingest_paths
        from opis.store import collections as _collections

        cids = _collections.ids_of(self._store, collections)
        results = ingest_paths(self._store, paths, options, progress=progress, pipeline=pipeline, jobs=jobs,
                               collections=cids)
        return _collections.assigning(self._store, results, cids) if cids else results

    # --- documents ---------------------------------------------------------------------
    def get(self, id_or_prefix: str) -> Document:
        """The document with this id, or the only one whose id starts with it (like git).

        Raises :class:`~opis.errors.NotFound` for an unknown id or an ambiguous prefix."""
        return self._store.get(id_or_prefix)

    def record(self, id_or_prefix: str) -> dict[str, Any]:
        """The document as its record JSON (what ``opis show --json`` prints), by id or prefix."""
        return self._store.get_dict(id_or_prefix)

    def resolve_id(self, id_or_prefix: str) -> str:
        """The full id of the document named by an id or a unique prefix of one."""
        return self._store.resolve_id(id_or_prefix)

    def list(self, limit: int = 50, offset: int = 0, *, doc_type: str | None = None,
             date_from: str | None = None, date_to: str | None = None, archive: str | None = None) -> Listing:
        """A page of documents by date (undated last), with the total the filters keep.

        Filters: ``doc_type`` (report, telegram ...), dates overlapping ``date_from``..
        ``date_to`` (ISO; undated documents pass), ``archive`` (an archive code a document cites).
        """
        flt = _documents.DocumentFilter(doc_type, date_from, date_to, archive)
        return Listing(_documents.count(self._store, flt), limit, offset,
                       _documents.page(self._store, limit, offset, flt))

    def count(self, *, doc_type: str | None = None, date_from: str | None = None, date_to: str | None = None,
              archive: str | None = None) -> int:
        """How many documents are stored (that the filters of :meth:`list` keep); without a date or
        archive filter read from the counts kept per type, not counted."""
        return _documents.count(self._store, _documents.DocumentFilter(doc_type, date_from, date_to, archive))

    def documents(self) -> Iterator[Document]:
        """Every stored document, streamed (the store is not loaded into memory)."""
        return self._store.iter_documents()

    def document_types(self) -> list[str]:
        """The distinct document types stored (report, telegram ...), sorted."""
        return _documents.document_types(self._store)

    def titles(self, ids: Iterable[str]) -> dict[str, str | None]:
        """The titles of the documents ``ids`` by id (ids not stored are left out)."""
        return _documents.titles(self._store, sorted(set(ids)))

    def delete(self, id_or_prefix: str) -> None:
        """Remove a document and everything derived from it (curator corrections stay)."""
        self._store.delete(id_or_prefix)

    # --- search ------------------------------------------------------------------------
    def search(self, query: str, *, limit: int = 10, offset: int = 0, exact: bool = False,
               backend: str | None = None, within: Iterable[str] | None = None,
               mode: str = "words") -> SearchResult:
        """Search the archive with the query language (:mod:`opis.search.query`): words, phrases,
        AND/OR/NOT, fields (``place:``, ``date:1945..1962``, ``archive:`` ...), prefixes ``word*``.

        Names are expanded to their variants across scripts unless ``exact``. Returns an
        :class:`opis.search.SearchResult` (total, hits with snippets, facets). ``backend``:
        ``tantivy`` (default) or ``fts5``. ``within``: only among these document ids (what is new
        for a saved search). ``mode``: ``words``, ``meaning`` or ``hybrid`` (find by meaning across
        languages, :mod:`opis.search.meaning`; a ``~"..."`` in the query makes it ``hybrid``).
        Raises :class:`~opis.errors.QuerySyntaxError` for a malformed query.
        """
        from opis.search import search

        return search(self._store, query, limit=limit, offset=offset, exact=exact, backend=backend,
                      within=None if within is None else frozenset(within), mode=mode, hidden=self._hidden)

    def words_pending(self) -> bool:
        """Whether the word list for prefix queries (``word*``) waits for :meth:`reindex`."""
        from opis.search import words

        return words.pending_in(self._store)

    def reindex(self, backend: str | None = None) -> dict[str, int]:
        """Rebuild the derived rows and the search index from the stored records; returns the
        documents indexed per engine (``backend``: only that engine's index)."""
        from opis.search import reindex

        return reindex(self._store, backend)

    def warm_search(self) -> None:
        """Bring the search index in step with the store now (not at the first search)."""
        from opis.search import get_backend

        get_backend(self._store)

    # --- corrections -------------------------------------------------------------------
    def correct(self, kind: str, args: dict[str, Any], *, author: str | None = None) -> Correction:
        """Store a curator correction and apply it at once to the stored documents it concerns.
        ``author``: the account making it (kept with it; None for the command line).

        The correction is checked first, and nothing is stored when it is refused (a
        :class:`~opis.authority.curation.CorrectionError`): its arguments
        (:func:`opis.authority.curation.validate`), then against the archive — the entities
        it names exist (stored, or in the authority files), the document of a span exists
        and the span lies inside its text (or footnote ``note``). A span correction is stored
        with the document's full id, its file path and the words at the span, so it is
        re-applied to a new version of the same file only while those words are still there.

        Kinds (see :mod:`opis.authority.curation`): ``entity.merge {into, other}``,
        ``entity.rename {id, label}``, ``entity.link {doc_id, start, end, entity[, note]}``,
        ``entity.unlink {doc_id, start, end[, note]}``, ``entity.split {entity, label, mentions[, id]}``,
        ``entity.authority {id, authority}``, ``entity.reject {id}``,
        ``mention.retype {doc_id, start, end, type}``, ``claim.reject {doc_id, start, end}``,
        ``claim.correct {doc_id, start, end, value|date|place}``, ``document.set {doc_id, field, value}``.
        The change is recorded in the history (:meth:`history`) with what it changed, and can be
        undone (:meth:`undo`); :meth:`preview` says what it would change without storing anything.
        """
        from opis import audit

        args, affected = self._checked(kind, args)
        done = audit.run(self._store, kind, args, affected, author=author, preview=False)
        return Correction(done.correction_id, kind, args, done.documents, author, audit_id=done.audit_id,
                          changes=[c.to_dict() for c in done.changes])

    def corrections(self) -> list[dict[str, Any]]:
        """Every stored correction, oldest first: ``{"id", "kind", "args", "created_at", "author"}``
        (for a restricted :attr:`viewer`, those naming only documents and entities they may see)."""
        found = self._store.corrections()
        return [c for c in found if self._may_see_args(c["args"])] if self._hidden else found

    def _known_entity(self, entity_id: str) -> None:
        from opis import authority

        if not _entities.is_stored(self._store, entity_id) and authority.get(entity_id) is None:
            raise curation.CorrectionError(f"no entity with id {entity_id!r} (see 'opis entities')")

    def _span(self, args: dict[str, Any]) -> dict[str, Any]:
        """The span's document (full id), path and words; refused when it is outside the text."""
        try:
            doc = self._store.get(args["doc_id"])
        except NotFound as exc:
            raise curation.CorrectionError(str(exc)) from None
        start, end, note = args["start"], args["end"], args.get("note")
        text = doc.text if note is None else next((n.text for n in doc.notes if n.n == note), None)
        if text is None:
            raise curation.CorrectionError(f"document {doc.id} has no footnote {note}")
        if end > len(text):
            raise curation.CorrectionError(
                f"span {start}-{end} outside the text of document {doc.id} ({len(text)} characters)")
        surface = text[start:end]
        if args.get("surface") not in (None, surface):
            raise curation.CorrectionError(
                f"the words at {start}-{end} of document {doc.id} are {surface!r}, not {args['surface']!r}")
        return {"doc_id": doc.id, "note": note, "surface": surface,
                "path": doc.provenance.path if doc.provenance else None}

    # --- export ------------------------------------------------------------------------
    def export(self, id_or_prefix: str, format: str = "chicago") -> str:
        """A document's citation or record in an export format: ``chicago``, ``bibtex``, ``ris``,
        ``csl-json``, ``tei``, ``json`` (JSON-LD) or one a plugin adds (all of them:
        :func:`opis.export.names`). Raises :class:`opis.export.ExportError` for an unknown format."""
        from opis.export import export

        return export(self._store.get(id_or_prefix), format)

    # --- entities ----------------------------------------------------------------------
    def entities(self, type: str | None = None, limit: int = 100, offset: int = 0) -> list[dict[str, Any]]:
        """People, places, organisations and units (``type``: PERSON, PLACE, ORG, UNIT) with their
        document and mention counts, most documents first."""
        return _entities.list_entities(self._store, type=type, limit=limit, offset=offset)

    def entity(self, entity_id: str, *, documents_limit: int = _entities.DOCUMENTS_PAGE,
               documents_offset: int = 0) -> dict[str, Any]:
        """One entity: label, type, variants, coordinates, external ids, counts and a page of its
        documents by date (``document_list``; an authority entry no document mentions yet too).
        Raises :class:`~opis.errors.NotFound` (also for an entity only documents hidden from the
        reader mention)."""
        if self._hidden:
            from opis.store import visibility

            if visibility.hidden_entity(self._store, entity_id):
                raise NotFound(f"no entity with id {entity_id!r}")
        return _entities.get_entity(self._store, entity_id, documents_limit, documents_offset)

    def mentions(self, entity_id: str, limit: int | None = None, offset: int = 0) -> list[dict[str, Any]]:
        """The entity's mentions in document date order (``limit`` of them from ``offset``; None:
        all): document, span, surface and the words around it (``context``)."""
        return _entities.entity_mentions(self._store, entity_id, limit=limit, offset=offset)

    def cooccurring(self, entity_id: str, limit: int = 20) -> list[dict[str, Any]]:
        """Entities mentioned in the same documents as ``entity_id``, by shared documents, counted
        over its latest documents (each row's ``of``: how many were read; all when it has few)."""
        return _entities.cooccurring(self._store, entity_id, limit=limit)

    def places(self, limit: int | None = None, offset: int = 0) -> list[dict[str, Any]]:
        """Places with coordinates and the number of documents discussing them, most first (the
        map; ``limit`` from ``offset``, None: all)."""
        return _entities.places_with_counts(self._store, limit=limit, offset=offset)

    # --- claims and timeline -----------------------------------------------------------
    def claims(self, about: str | None = None, date_from: str | None = None, date_to: str | None = None,
               place: str | None = None, *, compare: bool = False, slack_days: int = 31,
               limit: int | None = None, offset: int = 0, kind: str | None = None) -> list[dict[str, Any]]:
        """The numbers the documents state: what, when, where, who says so, oldest first.

        ``about``: an entity id (claims whose place or reporting party it is, or whose sentence
        names it) or words the claim is about (synonyms included); dates as EDTF or text;
        ``place``: a place id or name; ``kind``: a kind of claim as compared (see
        :meth:`claim_kinds`); ``limit`` claims from ``offset`` (None: all). ``compare``:
        instead, groups of claims about the same thing from two or more sources, overlapping in
        time (``slack_days``) and place, formed among those ``limit`` dated claims.
        """
        if compare:
            return _claims.compare_claims(self._store, about, date_from, date_to, place, slack_days=slack_days,
                                          kind=kind, limit=limit, offset=offset)
        return _claims.list_claims(self._store, about, date_from, date_to, place, limit=limit, offset=offset,
                                   kind=kind)

    def timeline(self, date_from: str | None = None, date_to: str | None = None, place: str | None = None,
                 person: str | None = None, *, kinds: Iterable[str] = TIMELINE_KINDS,
                 limit: int | None = _timeline.DEFAULT_LIMIT, offset: int = 0) -> list[dict[str, Any]]:
        """Document dates, dated claims and events in one chronological list (``limit`` items from
        ``offset``; None: all), optionally about a place or person (an id or a name)."""
        return _timeline.timeline(self._store, date_from, date_to, place, person, kinds=tuple(kinds), limit=limit,
                                  offset=offset)

    # --- archival references -----------------------------------------------------------
    def archive_tree(self, archive: str | None = None, fond: str | None = None,
                     opis: str | None = None, *, limit: int | None = None, after: str | None = None) -> list[dict[str, Any]]:
        """The children of a level of the archive → fond → opis → delo tree, with counts of
        references and citing documents (no argument: the archives); ``limit`` children after
        the child named ``after`` (None: all)."""
        return _archrefs.archive_tree(self._store, archive, fond, opis, limit=limit, after=after)

    def citing(self, archive: str, fond: str | None = None, opis: str | None = None,
               delo: str | None = None, *, limit: int | None = None, offset: int = 0) -> list[dict[str, Any]]:
        """The documents and footnotes that cite an archive, fond, opis or delo (``limit`` from
        ``offset``; None: all), by file, then by the citing document's date."""
        return _archrefs.citing(self._store, archive, fond, opis, delo, limit=limit, offset=offset)

    @staticmethod
    def archive_info(code: str) -> dict[str, Any] | None:
        """The authority entry of an archive (any alias of its code), or None when unknown."""
        from opis.authority.archives import lookup
        from opis.model import to_dict

        arch = lookup(code)
        return to_dict(arch) if arch is not None else None

    # --- care of the database ----------------------------------------------------------
    def check(self, quick: bool = False) -> CheckReport:
        """Check the database: file integrity, foreign keys, every record readable, the derived
        tables and the search index in agreement with the records (``quick``: the file, the
        records and the text only). Reads only; returns an :class:`opis.store.check.CheckReport`
        (``.ok``, ``.format()``, ``.to_dict()``). Stored corrections that are malformed (kept
        from before corrections were validated; ingest passes them over) are named in the
        ``corrections`` line."""
        from opis.search.consistency import check_index
        from opis.store.check import Check, check_store

        report = check_store(self._store, quick=quick)
        if report.ok:
            stored = self._store.corrections()
            bad = ", ".join(f"#{c['id']}" for c in stored if not curation.is_valid(c["kind"], c["args"]))
            report.checks.append(Check("corrections", f"{len(stored)} stored" + (
                f"; passed over as malformed: {bad}" if bad else "")))
            check_index(self._store, report)
        return report

    def backup(self, path: str | Path, overwrite: bool = False) -> BackupResult:
        """Copy the database to ``path``: a consistent copy of everything stored, safe while
        other processes write. Returns an :class:`opis.store.backup.BackupResult`."""
        from opis.store.backup import backup

        return backup(self._store, path, overwrite=overwrite)

    def restore(self, path: str | Path) -> RestoreResult:
        """Replace this archive's database with the backup at ``path`` (checked first; a damaged
        one is refused and nothing changes). The current database is kept aside; the archive
        is reopened on the restored one. Returns an :class:`opis.store.backup.RestoreResult`."""
        if not self._owned:
            raise OpisError("restore needs an archive opened by path, not over a shared store")
        db, readonly = getattr(self._store, "url", self._store.path), self._store.readonly
        self._store.close()
        try:
            return self.restore_database(db, path)
        finally:
            self._store = Store(db, readonly=readonly)

    @staticmethod
    def restore_database(db: str | Path, backup: str | Path) -> RestoreResult:
        """Put the backup ``backup`` in place of the database file ``db`` without opening it
        first (``opis restore``: the database may be damaged or missing); see :meth:`restore`."""
        from opis.store.backup import restore

        return restore(db, backup)

    # --- uploads -----------------------------------------------------------------------
    @property
    def files(self) -> FileStore:
        """The file store of this archive's originals (``files=`` when opened, else the folder
        ``<database>.files`` beside the database); see :mod:`opis.files`."""
        from opis.files import FileStore
        from opis.uploads import default_root

        return FileStore(self._files_root or default_root(self.path))

    def upload(self, name: str, stream: BinaryIO, *, max_size: int | None = None,
               collections: Iterable[str] = ()) -> Upload:
        """Keep a file (its bytes read from ``stream``; ``name`` as sent, shown but never used as
        a path) in the file store and queue it for ingest. Returns its
        :class:`opis.store.uploads.Upload` (status ``queued``); :meth:`process_uploads` or a
        server's upload runner ingests it. Raises :class:`opis.uploads.UploadRefused` for a
        file without a name, empty or over ``max_size`` bytes (nothing is kept). ``collections``:
        the collections its document is put in (none: the default public one); NotFound for
        one that does not exist."""
        from opis.store import collections as _collections
        from opis.uploads import receive

        self._store.writable("storing an upload")
        names = [n for n in dict.fromkeys(collections) if n]
        _collections.ids_of(self._store, names)
        return receive(self._store, self.files, name, stream, max_size=max_size,
                       collections=",".join(names) or None)

    def original(self, doc: Document) -> tuple[str, str] | None:
        """Where to download the original file of ``doc``: its file store key and the name it
        was uploaded with, or None when the file was not uploaded (ingested from a path)."""
        from opis.store import uploads

        key = self.files.holds(doc.provenance.path) if doc.provenance and doc.provenance.path else None
        if key is None:
            return None
        return key, uploads.name_for_key(self._store, key) or key.rsplit("/", 1)[-1]

    def uploads(self, limit: int = 50, offset: int = 0, status: str | None = None) -> list[Upload]:
        """Uploads, newest first (``status``: queued, running, done or failed)."""
        from opis.store import uploads

        return uploads.recent(self._store, limit, offset, status)

    def get_upload(self, upload_id: int) -> Upload:
        """One upload by its number; NotFound if there is none."""
        from opis.store import uploads

        return uploads.get(self._store, upload_id)

    def upload_counts(self) -> dict[str, int]:
        """How many uploads are queued, running, done and failed."""
        from opis.store import uploads

        return uploads.counts(self._store)

    def process_uploads(self, limit: int | None = None) -> list[Upload]:
        """Ingest queued uploads now, in this process (all of them, or up to ``limit``); return
        their rows as they ended. A server does this in the background (:class:`opis.uploads.UploadRunner`)."""
        from opis.uploads import BATCH, run_next

        done: list[Upload] = []
        while limit is None or len(done) < limit:
            batch = run_next(self, self.files, BATCH if limit is None else min(BATCH, limit - len(done)))
            if not batch:
                break
            done += batch
        return done

    # --- accounts ----------------------------------------------------------------------
    def has_users(self) -> bool:
        """Whether the archive has accounts (else it is in single-user mode: no login)."""
        from opis import accounts

        return accounts.has_users(self._store)

    def has_admin(self) -> bool:
        """Whether an enabled admin account exists (a writable server needs one, or a token)."""
        from opis import accounts

        return accounts.has_admin(self._store)

    def add_user(self, name: str, role: str = "reader", password: str | None = None) -> User:
        """Create an account with a role (``reader``, ``editor`` or ``admin``) and a password of at
        least 10 characters (None: API tokens only). Raises :class:`opis.accounts.AccountError`."""
        from opis import accounts

        return accounts.add_user(self._store, name, role, password)

    def users(self) -> list[User]:
        """Every account, by name."""
        from opis import accounts

        return accounts.list_users(self._store)

    def user(self, name: str) -> User:
        """One account; NotFound if there is none."""
        from opis import accounts

        return accounts.get_user(self._store, name)

    def set_role(self, name: str, role: str) -> User:
        """Give an account another role (the last enabled admin keeps theirs)."""
        from opis import accounts

        return accounts.set_role(self._store, name, role)

    def disable_user(self, name: str, disabled: bool = True) -> User:
        """Disable an account (its sessions end and its tokens stop working), or enable it again."""
        from opis import accounts

        return accounts.set_disabled(self._store, name, disabled)

    def set_password(self, name: str, password: str) -> None:
        """Set an account's password (every session of it ends)."""
        from opis import accounts

        accounts.set_password(self._store, name, password)

    def change_password(self, user: User, old: str, new: str) -> None:
        """A signed-in user changes their own password, giving the current one."""
        from opis import accounts

        accounts.change_password(self._store, user, old, new)

    def login(self, name: str, password: str, addr: str | None = None) -> Session:
        """Check a name and password and start a browser session (rate limited per account and
        client address; see :mod:`opis.accounts`)."""
        from opis import accounts

        return accounts.login(self._store, name, password, addr)

    def session_user(self, token: str | None) -> tuple[User, str] | None:
        """The user and form token of a live session, or None."""
        from opis import accounts

        return accounts.session_user(self._store, token)

    def logout(self, token: str | None) -> None:
        """End a browser session."""
        from opis import accounts

        accounts.logout(self._store, token)

    def create_token(self, name: str, label: str = "api") -> tuple[str, TokenRow]:
        """A new personal API token for an account: the token itself (shown once; only its
        digest is stored) and its row."""
        from opis import accounts

        return accounts.create_token(self._store, name, label)

    def tokens(self, name: str) -> list[TokenRow]:
        """An account's API tokens (labels and prefixes, never the tokens)."""
        from opis import accounts

        return accounts.list_tokens(self._store, name)

    def revoke_token(self, name: str, token_id: int) -> None:
        """Revoke one of an account's API tokens."""
        from opis import accounts

        accounts.revoke_token(self._store, name, token_id)

    def token_user(self, token: str | None) -> User | None:
        """The enabled account owning a live API token, or None."""
        from opis import accounts

        return accounts.token_user(self._store, token)

    def note_token_use(self, token: str) -> None:
        """Record that an API token was used now (a server does it on writes)."""
        from opis import accounts

        accounts.note_token_use(self._store, token)

    # --- entities and claims, by page (kept aggregates) -----------------------------------
    def entity_documents(self, entity_id: str, limit: int = _entities.DOCUMENTS_PAGE,
                         offset: int = 0) -> list[dict[str, Any]]:
        """A page of the documents that mention the entity, by date (undated last)."""
        return _entities.entity_documents(self._store, entity_id, limit, offset)

    def count_places(self) -> int:
        """How many places are on the map (:meth:`places` without a limit would list them all)."""
        return _entities.count_places(self._store)

    def claim_kinds(self, limit: int = 200) -> list[dict[str, Any]]:
        """The kinds of claims as compared, most claims first: ``{"kind", "claims"}``."""
        return _claims.claim_kinds(self._store, limit)

    # --- bounded overviews (issue 20) --------------------------------------------------
    def timeline_years(self) -> list[dict[str, Any]]:
        """The timeline by year: ``{"year", "documents", "claims", "events"}`` per year of the
        earliest date (``year`` None: undated), from counts kept with every write."""
        return _timeline.years(self._store)

    def document_type_counts(self) -> list[dict[str, Any]]:
        """``{"doc_type", "documents"}`` per stored document type (kept counts, no scan)."""
        return _documents.type_counts(self._store)

    def suggest(self, q: str, type: str | None = None, limit: int = 10) -> list[dict[str, Any]]:
        """Entities whose label or a variant begins with ``q`` (``type``: PERSON, PLACE, ORG,
        UNIT): ``{"id", "type", "label", "name"}``, exact names first (search-as-you-type)."""
        from opis.store.suggest import suggest

        return suggest(self._store, q, type, limit)

    def timeline_page(self, date_from: str | None = None, date_to: str | None = None, place: str | None = None,
                      person: str | None = None, *, kinds: Iterable[str] = TIMELINE_KINDS, limit: int = 100,
                      cursor: str | None = None) -> dict[str, Any]:
        """One bounded page of :meth:`timeline`: ``{"items", "next", "examined_to"}``; pass
        ``next`` as ``cursor`` for the following page (None: the end). With a place or person
        named in many documents a page examines a bounded number of rows and may hold fewer
        than ``limit`` items (``examined_to``: the date it reached). Raises ValueError for a
        malformed cursor."""
        return _timeline.timeline_page(self._store, date_from, date_to, place, person, kinds=tuple(kinds),
                                       limit=limit, cursor=cursor).to_dict()

    # --- exports of many documents (issue 18) ------------------------------------------
    def export_all(self, format: str, ids: Iterable[str] | None = None) -> dict[str, str]:
        """Many documents in an export format at once: ``{file name: text}`` — GeoJSON
        (``places.geojson``), CSV (``documents.csv``, ``entities.csv``, ``claims.csv``), and one
        file of BibTeX, RIS, CSL-JSON or Chicago citations. ``ids`` (ids or prefixes): those
        documents; None: every stored document, streamed. Raises
        :class:`opis.export.ExportError` for an unknown format or one that exports a single
        document (TEI, JSON-LD)."""
        from opis.export import export_all, get_exporter

        get_exporter(format)  # an unknown format fails before any document is read
        docs = self.documents() if ids is None else (self.get(i) for i in ids)
        return export_all(docs, format)

    # --- entity index pages (issue 18) --------------------------------------------------
    def entity_index(self, type: str | None = None, sort: str = "documents", limit: int = 50, offset: int = 0,
                     q: str | None = None) -> list[dict[str, Any]]:
        """A page of the people, places, organisations and units the documents mention
        (``type``: PERSON, PLACE, ORG, UNIT or all), with their document and mention counts, in
        ``sort`` order ("documents", "mentions" or "name"); ``q``: only entities whose name
        begins with it (up to 50, as :meth:`suggest` finds them, in ``sort`` order)."""
        from opis.store import browse

        if q:
            found = browse.entities_by_id(self._store, (e["id"] for e in self.suggest(q, type, limit=50)))
            found = [e for e in found if e["documents"]]
            key = {"name": lambda e: (e["label"] or "").casefold(),
                   "mentions": lambda e: (-e["mentions"], -e["documents"])}.get(
                       sort, lambda e: (-e["documents"], -e["mentions"]))
            return sorted(found, key=key)[offset:offset + limit]
        return browse.entity_page(self._store, type, sort, limit, offset)

    def entity_type_counts(self) -> dict[str, int]:
        """How many people, places, organisations and units the documents mention (``PERSON``,
        ``PLACE``, ``ORG``, ``UNIT``; each counted up to 100,000)."""
        from opis.store import browse

        return browse.type_counts(self._store)

    # --- the job queue (issue 16) -------------------------------------------------------
    def enqueue(self, paths: Iterable[str | Path], queue: str, options: ReadOptions | None = None) -> Iterator[Any]:
        """Queue files and directories (recursively) for ``opis worker`` processes instead of
        ingesting them here: each file is kept in this archive's file store (:attr:`files`) and one
        job per file is deferred to the job queue at ``queue`` (a PostgreSQL URL; see
        :mod:`opis.queue`). Yields one :class:`opis.queue.Enqueued` per file: ``queued``,
        ``already queued``, ``unchanged`` (its content is stored) or ``error``."""
        from opis.queue import JobQueue, enqueue_paths

        with JobQueue(queue) as q:
            yield from enqueue_paths(q, self._store, self.files, paths, options)

    # --- curation: preview, history and undo (issue 17) ----------------------------------
    def preview(self, kind: str, args: dict[str, Any]) -> Outcome:
        """What :meth:`correct` would change (documents; fields, mentions, claims and entities,
        before and after), by the same checks and the same function, storing nothing. Raises
        :class:`~opis.authority.curation.CorrectionError` for a correction that would be refused."""
        from opis import audit

        args, affected = self._checked(kind, args)
        return audit.run(self._store, kind, args, affected, preview=True)

    def history(self, subject: str | None = None, author: str | None = None, kind: str | None = None,
                since: str | None = None, until: str | None = None, limit: int | None = 100,
                offset: int = 0) -> list[AuditRow]:
        """The changes curators made, newest first: about a document or entity (``subject``, a
        full id), by an account (``author``; ``"-"``: the command line), of a kind
        (``entity.merge``) or family (``entity``), from ``since`` to ``until`` (ISO dates,
        inclusive); ``limit`` from ``offset`` (None: all). Raises ValueError for a bad date."""
        from opis import audit
        from opis.store import audit as _audit

        where = audit.history_filter(subject, author, kind, since, until)
        rows = _audit.history(self._store, where, limit, offset)
        return [r for r in rows if self._may_see_change(r)] if self._hidden else rows

    def history_entry(self, audit_id: int) -> AuditRow:
        """One change of the history; NotFound if there is none (or the :attr:`viewer` may not see
        a document it changed)."""
        from opis.store import audit as _audit

        row = _audit.get(self._store, audit_id)
        if self._hidden and not self._may_see_change(row):
            raise NotFound(f"no change {audit_id} in the history")
        return row

    def _may_see_change(self, row: AuditRow) -> bool:
        """Whether a restricted viewer may see a change: every document it changed is visible to
        them, and so is every document and entity its arguments name."""
        ids = list(row.documents)
        return set(ids) <= set(self._store.titles_and_dates(ids)) and self._may_see_args(row.args)

    def _may_see_args(self, args: dict[str, Any]) -> bool:
        """Whether a restricted viewer may see every document and entity a correction names."""
        from opis.store import visibility

        docs = [args.get("doc_id")] + [m.get("doc_id") for m in args.get("mentions") or [] if isinstance(m, dict)]
        docs = [d for d in docs if isinstance(d, str)]
        if docs and not set(docs) <= set(self._store.titles_and_dates(docs)):
            return False
        names = [args.get(k) for k in ("into", "other", "id", "entity", "place")]
        return not any(isinstance(n, str) and visibility.hidden_entity(self._store, n) for n in names)

    def history_authors(self) -> list[str]:
        """The accounts that made changes, by name."""
        from opis.store import audit as _audit

        return _audit.authors(self._store)

    def undo(self, audit_id: int, *, author: str | None = None, preview: bool = False) -> Outcome:
        """Undo the change ``audit_id`` of the history: its correction is no longer stored nor
        re-applied, and the documents it changed are restored (the corrections made since are
        kept). The undo is recorded in the history with ``author``. ``preview``: say what it
        would change, storing nothing. Raises :class:`~opis.authority.curation.CorrectionError`
        when the change is an undo or was undone already."""
        from opis import audit

        if not preview:
            self._store.writable("undoing a correction")
        return audit.undo(self._store, audit_id, author=author, preview=preview)

    def _checked(self, kind: str, args: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
        """A correction's arguments completed and checked against the archive, and the stored
        documents it concerns (see :meth:`correct`)."""
        from opis import audit

        args = audit.complete(self._store, kind, dict(args) if isinstance(args, dict) else args)
        curation.validate(kind, args)
        if kind in ("entity.merge", "entity.rename", "entity.authority", "entity.reject"):
            return args, self._entity_correction(kind, args)
        if kind == "entity.split":
            self._known_entity(args["entity"])
            args["mentions"] = [{**m, **self._span(m)} for m in args["mentions"]]
            return args, list(dict.fromkeys(m["doc_id"] for m in args["mentions"]))
        if kind == "document.set":
            doc = self._store.get(args["doc_id"]) if self._has_document(args["doc_id"]) else None
            if doc is None:
                raise curation.CorrectionError(f"no document with id {args['doc_id']!r}")
            args.update(doc_id=doc.id, path=doc.provenance.path if doc.provenance else None)
            return args, [doc.id]
        if kind == "entity.link":
            self._known_entity(args["entity"])
        if kind == "claim.correct" and args.get("place"):
            self._known_entity(args["place"])
        args.update(self._span(args))
        audit.span_target(self._store, kind, args)
        return args, [args["doc_id"]]

    def _entity_correction(self, kind: str, args: dict[str, Any]) -> list[str]:
        """Check the entities of an entity-wide correction; the documents it concerns."""
        from opis import authority

        ids = [args[k] for k in ("into", "other", "id") if k in args]
        for eid in ids:
            self._known_entity(eid)
        if kind == "entity.authority" and authority.get(args["authority"]) is None:
            raise curation.CorrectionError(f"no authority entry with id {args['authority']!r}")
        moved = args["other"] if kind == "entity.merge" else args["id"]
        return _entities.affected_documents(self._store, [moved])

    def _has_document(self, ident: str) -> bool:
        try:
            self._store.resolve_id(ident)
        except NotFound:
            return False
        return True

    # --- saved searches and their feeds (issue 17; opis.saved) ---------------------------------
    def _run_search(self, query: str, limit: int = 10, offset: int = 0, exact: bool = False,
                    within: Iterable[str] | None = None) -> dict[str, Any]:
        """:meth:`search` as JSON: the search function of saved searches by default."""
        return self.search(query, limit=limit, offset=offset, exact=exact, within=within).to_dict()

    def save_search(self, name: str, query: str, *, exact: bool = False, user: User | None = None) -> SavedSearch:
        """Save ``query`` under ``name`` for ``user`` (None: the local owner); nothing is new in it
        yet. Raises SavedSearchError (no name, name taken) or QuerySyntaxError (malformed query)."""
        from opis import saved
        from opis.store import saved as store_saved

        name, query = saved.checked(name, query, exact)
        owner = user.id if user else None
        if store_saved.by_name(self._store, owner, name) is not None:
            raise saved.SavedSearchError(f"you already have a saved search called {name!r}")
        return saved.SavedSearch.of(store_saved.add(self._store, owner, name, query, exact), new=0)

    def saved_searches(self, *, user: User | None = None, count_new: bool = True,
                       run: Callable[..., dict[str, Any]] | None = None) -> list[SavedSearch]:
        """The saved searches of ``user`` (None: the local owner), by name, each with how many
        documents matching it were ingested since its last visit (``count_new``; ``run``: the
        search function, default :meth:`search`)."""
        from opis import saved
        from opis.store import saved as store_saved

        rows = store_saved.of_owner(self._store, user.id if user else None)
        run = run or self._run_search
        return [saved.SavedSearch.of(r, saved.count_new(self._store, r, run) if count_new else None) for r in rows]

    def saved_search(self, saved_id: int, *, user: User | None = None) -> SavedSearch:
        """One of ``user``'s saved searches; NotFound when it is not theirs or does not exist."""
        from opis import saved

        return saved.SavedSearch.of(saved.owned(self._store, saved_id, user.id if user else None))

    def saved_new(self, saved_id: int, *, user: User | None = None, limit: int = 100,
                  run: Callable[..., dict[str, Any]] | None = None) -> dict[str, Any]:
        """The search result (JSON) of a saved search among the documents ingested since its last visit."""
        from opis import saved

        row = saved.owned(self._store, saved_id, user.id if user else None)
        return saved.new_hits(self._store, row, run or self._run_search, limit=limit)

    def visit_saved(self, saved_id: int, *, user: User | None = None) -> None:
        """Note that ``user`` has seen a saved search's results now (what is new starts again)."""
        from opis import saved

        saved.visit(self._store, saved.owned(self._store, saved_id, user.id if user else None))

    def update_saved(self, saved_id: int, *, user: User | None = None, name: str | None = None,
                     query: str | None = None, exact: bool | None = None) -> SavedSearch:
        """Rename a saved search or change its query (the last visit stays)."""
        from opis import saved
        from opis.store import saved as store_saved

        row = saved.owned(self._store, saved_id, user.id if user else None)
        exact = row.exact if exact is None else exact
        new_name, new_query = saved.checked(name if name is not None else row.name,
                                            query if query is not None else row.query, exact)
        other = store_saved.by_name(self._store, row.user_id, new_name)
        if other is not None and other.id != row.id:
            raise saved.SavedSearchError(f"you already have a saved search called {new_name!r}")
        store_saved.update(self._store, row.id, name=new_name, query=new_query, exact=exact)
        return self.saved_search(row.id, user=user)

    def remove_saved(self, saved_id: int, *, user: User | None = None) -> None:
        """Delete one of ``user``'s saved searches (and its feed)."""
        from opis import saved
        from opis.store import saved as store_saved

        store_saved.remove(self._store, saved.owned(self._store, saved_id, user.id if user else None).id)

    def saved_feed_token(self, saved_id: int, *, user: User | None = None) -> str:
        """A new token for the Atom feed of a saved search (shown once: only its digest is kept;
        an older token stops working)."""
        from opis import saved
        from opis.store import saved as store_saved

        row = saved.owned(self._store, saved_id, user.id if user else None)
        token, digest, prefix = saved.make_token()
        store_saved.set_feed(self._store, row.id, digest, prefix)
        return token

    def revoke_saved_feed(self, saved_id: int, *, user: User | None = None) -> None:
        """Revoke the feed of a saved search: its URL stops working."""
        from opis import saved
        from opis.store import saved as store_saved

        store_saved.set_feed(self._store, saved.owned(self._store, saved_id, user.id if user else None).id, None, None)

    def saved_feed(self, saved_id: int, token: str | None, *, base: str = "http://localhost",
                   host: str = "localhost", run: Callable[..., dict[str, Any]] | None = None) -> str:
        """The Atom feed (XML text) of a saved search, for whoever holds its token; NotFound for
        a wrong, revoked or missing token (nothing tells the two apart)."""
        from opis import saved
        from opis.store import saved as store_saved

        if not saved.token_ok(store_saved.feed_hash(self._store, saved_id), token):
            raise NotFound(f"no feed #{saved_id} for this token")
        row = store_saved.get(self._store, saved_id)
        hits, times = saved.feed_hits(self._store, row, run or self._run_search)
        return saved.feed(row, hits, times, base.rstrip("/"), host, token or "")

    def saved_feed_of(self, saved_id: int, *, user: User | None = None, base: str = "http://localhost",
                      host: str = "localhost", run: Callable[..., dict[str, Any]] | None = None) -> str:
        """The Atom feed (XML text) of one of ``user``'s own saved searches (the command line's
        ``opis saved feed ID --xml``; its self link carries no token)."""
        from opis import saved

        row = saved.owned(self._store, saved_id, user.id if user else None)
        hits, times = saved.feed_hits(self._store, row, run or self._run_search)
        return saved.feed(row, hits, times, base.rstrip("/"), host, "")

    # --- find by meaning (issue 19) -------------------------------------------------------
    def related(self, id_or_prefix: str, limit: int = 10) -> list[Related]:
        """The documents that tell the same story as this one, best first: by their closest
        passages (multilingual embeddings), shared entities and overlapping dates, each with the
        passage pair that links them (:mod:`opis.search.related`)."""
        from opis.search.related import related

        doc_id = self._store.resolve_id(id_or_prefix)
        if not self._hidden:
            return related(self._store, doc_id, limit=limit)
        from opis.store.visibility import suspended

        with suspended(self._store):  # (the passages' index is kept in step with every document)
            found = related(self._store, doc_id, limit=limit)
        seen = self._store.titles_and_dates([r.id for r in found])  # (a restricted reader: those they may see)
        return [r for r in found if r.id in seen]

    def index_vectors(self, rebuild: bool = False, progress: Callable[[int, int], None] | None = None) -> dict[str, int]:
        """Embed the passages of the documents changed since the last time (all of them with
        ``rebuild``), then rebuild the nearest-neighbour index beside the search index. Returns
        ``{"documents": embedded, "passages": indexed}``."""
        from opis.search import vectors

        if rebuild:
            vectors.reset(self._store)
        n = vectors.sync(self._store, progress=progress)
        return {"documents": n, "passages": vectors.rebuild_index(self._store)}

    # --- collections (issue 17) ---------------------------------------------------------
    @property
    def viewer(self) -> Viewer:
        """Who this archive reads for (:data:`opis.collections.EVERYONE` unless opened with a
        ``viewer``): every read of a restricted viewer shows only the documents of the
        collections they may see, and what those documents make of entities, claims and counts."""
        return self._viewer

    def collections(self) -> list[CollectionRow]:
        """Every collection, by name, with its documents counted and the accounts granted it."""
        from opis.store import collections as _collections

        return _collections.list_collections(self._store)

    def collection(self, name: str) -> CollectionRow:
        """One collection by name; NotFound if there is none."""
        from opis.store import collections as _collections

        return _collections.get(self._store, name)

    def add_collection(self, name: str, title: str | None = None, visibility: str = "restricted") -> CollectionRow:
        """Make a collection (``visibility``: ``public`` or ``restricted``). Raises
        :class:`opis.collections.CollectionError` for a malformed or taken name."""
        from opis import collections as _c

        self._store.writable("making a collection")
        return _c.create(self._store, name, title, visibility)

    def set_collection_visibility(self, name: str, visibility: str) -> CollectionRow:
        """Make a collection ``public`` or ``restricted`` (its documents are re-indexed)."""
        from opis import collections as _c
        from opis.store import collections as _collections

        return _collections.set_visibility(self._store, name, _c.check_visibility(visibility))

    def grant(self, name: str, user: str, allow: bool = True) -> CollectionRow:
        """Let the account ``user`` see the restricted collection ``name`` (``allow=False``: revoke)."""
        from opis.store import collections as _collections

        return _collections.grant(self._store, name, self.user(user).id, allow)

    def assign(self, ids: Iterable[str], collections: Iterable[str], *, remove: bool = False) -> int:
        """Put the documents ``ids`` (ids or prefixes) in ``collections`` (``remove``: take them
        out); return how many changed. Documents only in the default public collection leave it
        when put in another; documents taken out of every collection go back into it."""
        from opis.store import collections as _collections

        names = list(collections)
        cids = _collections.ids_of(self._store, names)
        docs = [self.resolve_id(i) for i in ids]
        if remove:
            return _collections.assign(self._store, docs, remove=cids)
        return _collections.assign(self._store, docs, add=cids)

    def collection_documents(self, name: str, limit: int = 50, offset: int = 0) -> list[str]:
        """The ids of a collection's documents, by id (``limit`` from ``offset``)."""
        from opis.store import collections as _collections

        return _collections.documents_in(self._store, name, limit, offset)

    def document_collections(self, id_or_prefix: str) -> list[str]:
        """The names of the collections a document is in."""
        from opis.store import collections as _collections

        return _collections.names_of(self._store, self.resolve_id(id_or_prefix))
