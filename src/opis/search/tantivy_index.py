"""tantivy backend: an index directory beside the database, kept in step by the change journal.

The index is built from the stored documents, read by id and analysed by the same function
as FTS5's rows (:func:`opis.search.fields.index_row`), so both backends index exactly the same
terms. It holds each document's id (a stored field, and its delete key) and nothing of SQLite's
row ids: a hit is named by its document id.

Consistency after a crash: ``state.json`` in the index directory records the store's change
sequence number (``changes.seq``) the index includes, and the database it belongs to. It is
written (atomically, by rename) only *after* tantivy has committed. Before every search the
index replays the journal past that number: each changed document is deleted by id and
re-added from its record (or left deleted), which is idempotent, so a crash between the
tantivy commit and the state write only causes a harmless replay. A missing, foreign or
newer-than-store state rebuilds the index from the store.

Speed at a million documents comes from these choices, each measured by ``bench/search.py``:

* **Word pairs.** The text fields also hold every pair of neighbouring terms as one token
  (``border_guard``), so a two-word phrase is a single term lookup that tantivy can rank
  with block-max WAND, not a positional intersection of two common words. Longer phrases
  intersect their pairs and confirm the positions with a phrase query.
* **Boosts in the index.** The ``all`` field holds the title three times and the summary
  twice (each copy a separate value, so no phrase or pair spans two copies), and BM25
  ranks a title or summary match higher through its term frequency. The query that finds
  the documents is the query that ranks them: one ``searcher.search`` returns the top hits
  and the exact total.
* **Counting beside ranking.** Facets are counted exactly up to ``EXACT_LIMIT`` matches;
  above, on a fixed sample level (``sample:sK`` holds about 1 document in 2**K, chosen by a
  hash of the document id) of about ``SAMPLE_TARGET`` matches, scaled to the exact total
  and flagged approximate. Counting runs in a second thread while the top hits are ranked
  (tantivy releases the GIL).
* **One segment.** A rebuild ends as a single segment (see :meth:`TantivyBackend.rebuild`),
  so a search opens one set of posting lists and columns.
* **One frequent word.** A query of one index term takes its exact total from the term's
  document frequency (while no document has been deleted since the rebuild: ``state.json``
  says so), so ranking need not visit every match to count it, and reads its sampled facet
  counts from the summaries a rebuild computes for every term above EXACT_LIMIT matches
  (:mod:`opis.search.summaries`), so nothing is counted while it ranks.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import sqlite3
import threading
import time
import zlib
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import tantivy

from opis.errors import StoreError
from opis.model import Document
from opis.search import words
from opis.search.backend import FACET_SIZE, RawResult
from opis.search.fields import FACETS, index_row, searchable, words_of
from opis.search.plan import IR, TEXT, All, Any_, Plan, Prefix, Terms
from opis.search.summaries import Summaries, Summary

SCHEMA_VERSION = 8
FILTER_FIELDS = ("place", "person", "org", "archive", "fond", "lang", "class", "type", "translator", "date")
FACET_FIELDS = tuple(f for f in FACETS if f not in ("year", "decade"))
TITLE_COPIES = 3  # copies of the title in the ``all`` field (its ranking boost)
SUMMARY_COPIES = 2
HEAP = 256_000_000  # writer memory for the changes a sync replays
REBUILD_HEAP = 1_000_000_000  # one writer thread with room for a part of a large rebuild
MERGE_PARTS = 8  # tantivy's default merge policy merges 8 segments of one size into one
PART_MIN = 100_000  # a rebuild of more documents commits in MERGE_PARTS equal parts
REPLAY_LIMIT = 20_000  # more pending changes than this: rebuilding is faster than replaying
TEXT_FIELDS = ("all",)  # analysed text, with word pairs
PAIR = "_"  # joins a word pair into one token (analysed terms never contain it)
WORDS = "words"  # the words stemming changed, each with its term: "refugees refuge"
# Counting facets visits every match; see the module docstring for the sampling.
SAMPLE_LEVELS = 16
COPY_LEVEL = 3  # documents in sample s3 (1 in 8) also hold a copy of their searchable fields
COPY = "z_"  # ... under these names, so a sampled count reads 8 times shorter posting lists
EXACT_LIMIT = 5_000
SAMPLE_TARGET = 2_500

_LOCK = threading.Lock()
_POOLS: dict[int, ThreadPoolExecutor] = {}  # process id -> the threads that count facets


def _pool() -> ThreadPoolExecutor:
    """This process's counting threads (a forked child must not inherit its parent's: their
    threads do not exist in the child, and work handed to them would never run)."""
    pid = os.getpid()
    pool = _POOLS.get(pid)
    if pool is None:
        with _LOCK:
            pool = _POOLS.setdefault(pid, ThreadPoolExecutor(max_workers=2, thread_name_prefix="opis-count"))
    return pool
_OPEN: dict[str, tantivy.Index] = {}
# index dir -> (change seq, database identity, state.json stamp) at which this process's reader
# was last in step
_SEEN: dict[str, tuple[int, str, tuple[int, int, int] | None]] = {}
# index dir -> no document deleted since it was built: a term's document frequency is its exact total
_CLEAN: dict[str, bool] = {}


def index_dir(store) -> Path:
    """The tantivy index directory of a store: its database path with ``.tantivy`` added, or the
    store's own index folder (a PostgreSQL store's local replica: ``store.index_path``)."""
    own = getattr(store, "index_path", None)
    return Path(own) if own is not None else Path(str(store.path) + ".tantivy")


ACCESS = "access"


def _schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("id", stored=True, tokenizer_name="raw", index_option="basic")
    sb.add_text_field("sample", tokenizer_name="raw", index_option="basic")
    sb.add_text_field(WORDS, tokenizer_name="raw", index_option="basic")  # "word term" (opis.search.words)
    for name in ("all", *FILTER_FIELDS):
        sb.add_text_field(name, tokenizer_name="whitespace", index_option="position")
        sb.add_text_field(COPY + name, tokenizer_name="whitespace", index_option="position")
    for name in FACET_FIELDS:
        sb.add_text_field("f_" + name, fast=True, tokenizer_name="raw", index_option="basic")
    sb.add_integer_field("year", fast=True, indexed=True)
    sb.add_text_field(ACCESS, tokenizer_name="raw", index_option="basic")  # the access key (opis.collections)
    return sb.build()


SCHEMA = _schema()

NO_YEAR = -(2**62)  # the year bucket of the documents without a year
#: the aggregations of one facet count. Every document has one year or none (the NO_YEAR
#: bucket), so the year buckets also add up to the number of documents counted.
AGGS: dict[str, Any] = {"year": {"terms": {"field": "year", "size": 5000, "missing": NO_YEAR}}}
AGGS.update({name: {"terms": {"field": "f_" + name, "size": FACET_SIZE}} for name in FACET_FIELDS})



def pairs(text: str) -> str:
    """Every pair of neighbouring terms as one token: ``a b c`` -> ``a_b b_c``."""
    terms = text.split()
    return " ".join(a + PAIR + b for a, b in zip(terms, terms[1:], strict=False))


def sample_level(doc_id: str) -> int:
    """K such that the document is in the samples ``s1`` … ``sK`` (probability 2**-K each)."""
    h = zlib.crc32(doc_id.encode("utf-8")) | (1 << SAMPLE_LEVELS)
    return (h & -h).bit_length() - 1


def _document(doc: Document, key: int = 1) -> tantivy.Document:
    """The index's document for a record: its id, analysed text (with word pairs), filter
    terms, facet labels, year, sample levels and access key (``key``)."""
    return tantivy.Document(**_fields(doc, key))


def _fields(doc: Document, key: int = 1) -> dict[str, Any]:
    """The fields of :func:`_document` as plain values."""
    return _identified(_content(doc), doc.id, key)


def _content(doc: Document) -> dict[str, Any]:
    """The fields of a document that do not depend on its id (the same for two documents whose
    records differ only in their identity), in the order of :func:`_identified`."""
    row = index_row(doc)
    values = [v for v in [row.title] * TITLE_COPIES + [row.summary] * SUMMARY_COPIES + [row.body] if v]
    fields: dict[str, Any] = {"all": values + [pairs(v) for v in values]}
    changed = sorted(f"{word} {term}" for word, term in words_of(doc))
    if changed:
        fields[WORDS] = changed
    for name in FILTER_FIELDS:
        value = row.date_terms if name == "date" else row.filters.get(name)
        if value:
            fields[name] = value
    for name in FACET_FIELDS:
        labels = [v for v in row.facets.get(name) or [] if v]
        if labels:
            fields["f_" + name] = labels
    if row.year is not None:
        fields["year"] = int(row.year)
    return fields


def _identified(content: dict[str, Any], doc_id: str, key: int = 1) -> dict[str, Any]:
    """The fields of the document ``doc_id`` with ``content``: its id, access key, sample levels,
    and the copies of its searchable fields when it is in the copied sample."""
    level = sample_level(doc_id)
    fields: dict[str, Any] = {"id": doc_id, "all": content["all"], ACCESS: str(key)}
    if WORDS in content:
        fields[WORDS] = content[WORDS]
    if level:
        fields["sample"] = [f"s{k}" for k in range(1, level + 1)]
    for name in FILTER_FIELDS:
        if name in content:
            fields[name] = content[name]
    if level >= COPY_LEVEL:
        for name in ("all", *FILTER_FIELDS):
            if name in fields:
                fields[COPY + name] = fields[name]
    for key, value in content.items():
        if key.startswith("f_") or key == "year":
            fields[key] = value
    return fields


_WORKER: list = []  # (a forked rebuild worker) its own read-only store
PARALLEL_MIN = 1000  # a rebuild of fewer documents is made in one process


def _contents_of(job: tuple[str, list[str]]) -> list[tuple[str, dict[str, Any], int]]:
    """(in a worker process) The id-free fields of the stored documents of ``ids``, in order,
    each with its id and access key."""
    from opis.store import Store

    path, ids = job
    if not _WORKER:
        _WORKER.append(Store(path, readonly=True))
    return [(doc_id, _content(doc), key) for doc_id, doc, key in _documents(_WORKER[0], ids) if doc is not None]


def _contents(store, ids: list[str], jobs: int) -> Iterator[tuple[str, dict[str, Any], int]]:
    """(id, id-free fields, access key) of the stored documents of ``ids`` in order, made by ``jobs`` forked
    processes reading the database themselves (SQLite; else, or with ``jobs`` 1, here)."""
    if jobs <= 1 or not isinstance(store.path, str | Path) or "://" in str(store.path) or len(ids) < PARALLEL_MIN:
        for doc_id, doc, key in _documents(store, ids):
            if doc is not None:
                yield doc_id, _content(doc), key
        return
    import multiprocessing

    chunks = [(str(store.path), ids[i:i + 500]) for i in range(0, len(ids), 500)]
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        for contents in pool.imap(_contents_of, chunks):
            yield from contents


def _all_fields(store, ids: list[str], jobs: int, copies: Mapping[str, str] | None = None) -> Iterator[dict[str, Any]]:
    """The fields of the stored documents of ``ids``, in order. ``copies``: document id -> the
    id of a stored document whose record differs from it only in its identity (a bulk load's
    copies): the fields of such a document are made once, from the source, for all its copies."""
    if not copies:
        for doc_id, content, key in _contents(store, ids, jobs):
            yield _identified(content, doc_id, key)
        return
    from opis.store.collections import keys_of

    shared = {doc_id: content for doc_id, content, _key in
              _contents(store, list(dict.fromkeys(copies.values())), jobs)}
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        keys = keys_of(store, chunk)  # each copy's own access key
        for doc_id in chunk:
            content = shared.get(copies.get(doc_id, doc_id))
            if content is None:
                content = next((c for _i, c, _k in _contents(store, [doc_id], 1)), None)
            if content is not None and doc_id in keys:
                yield _identified(content, doc_id, keys[doc_id])


def _documents(store, ids: list[str]) -> Iterator[tuple[str, Document | None, int]]:
    """(id, the searchable part of its record as a Document, or None when not stored, its access
    key) for each id, in order, read 500 at a time."""
    from opis.store.collections import keys_of

    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        records = store.records(chunk)
        keys = keys_of(store, chunk)
        for doc_id in chunk:
            rec = records.get(doc_id)
            yield doc_id, searchable(rec) if rec is not None else None, keys.get(doc_id, 1)


# --- state --------------------------------------------------------------------------------
def _db_uuid(conn: sqlite3.Connection) -> str:
    """The identity an index records as the database it belongs to: the database's id and the
    store's epoch, which a wholesale rewrite of the search rows (``opis reindex``) or a restore
    draws again in the same transaction. An index recorded at another epoch may name search
    rows the journal never recorded: it is rebuilt, whatever its change number."""
    row = conn.execute("SELECT value FROM search_meta WHERE key = 'db_uuid'").fetchone()
    try:
        epoch = conn.execute("SELECT value FROM store_meta WHERE key = 'epoch'").fetchone()
    except sqlite3.OperationalError:  # a database opened read-only before its migration 0008
        epoch = None
    return (row[0] if row else "") + ":" + (epoch[0] if epoch else "")


def _last_seq(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT coalesce(max(seq), 0) FROM changes").fetchone()[0]


def read_state(path: Path) -> dict | None:
    """The index directory's ``state.json``, or None when absent or unreadable."""
    try:
        return json.loads((path / "state.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def index_error(exc: BaseException, path: Path) -> StoreError:
    """One line for a failure to write the index (it stays as it was: rebuilt or replayed at
    the next search)."""
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if getattr(exc, "errno", None) == errno.ENOSPC or "no space left" in text.lower():
        return StoreError("disk full: the search index could not be brought in step with the store (free"
                          " space and search again; '--backend fts5' searches without it)", str(path))
    return StoreError(f"cannot write the search index ({text}); 'opis reindex' rebuilds it", str(path))


def _write_state(path: Path, state: dict) -> None:
    tmp = path / "state.json.tmp"
    tmp.write_text(json.dumps(state), encoding="utf-8")
    os.replace(tmp, path / "state.json")


class TantivyBackend:
    """Search with tantivy: an index directory beside the database, kept up to date from the store's changes."""

    name = "tantivy"

    def __init__(self, store, sync: bool = True):
        self.store = store
        self.path = index_dir(store)
        self.key = str(self.path.resolve())
        self.summaries = Summaries(self.path)
        self.seq = -1
        self.index = self._open()
        if self.key not in _CLEAN:
            _CLEAN[self.key] = not (read_state(self.path) or {}).get("deletes", True)
        if sync:
            self.sync()

    @property
    def conn(self) -> sqlite3.Connection:
        """The store's connection (read each time: a server's store may replace a closed one)."""
        return self.store.conn

    # --- opening and keeping in step ------------------------------------------------------
    def _open(self) -> tantivy.Index:
        key = self.key
        with _LOCK:
            index = _OPEN.get(key)
            if index is None or not self.path.exists():
                try:
                    index = self._create()
                except (OSError, ValueError) as exc:  # a full disk, a directory not writable ...
                    raise index_error(exc, self.path) from exc
                _OPEN[key] = index
            return index

    def _create(self) -> tantivy.Index:
        self.path.mkdir(parents=True, exist_ok=True)
        state = read_state(self.path)
        if state is not None and state.get("schema") != SCHEMA_VERSION:
            self._wipe()
        try:
            return tantivy.Index(SCHEMA, path=str(self.path), reuse=True)
        except ValueError as exc:  # an index with another schema: start again
            if "io error" in str(exc).lower():
                raise
            self._wipe()
            return tantivy.Index(SCHEMA, path=str(self.path), reuse=True)

    def _wipe(self) -> None:
        self.summaries.close()
        shutil.rmtree(self.path, ignore_errors=True)
        self.path.mkdir(parents=True, exist_ok=True)

    def _writer(self, heap: int = HEAP, threads: int = 0) -> tantivy.IndexWriter:
        for attempt in range(50):
            try:
                return self.index.writer(heap, 1 if attempt else threads)
            except ValueError as exc:  # another process holds the writer lock
                if "lock" not in str(exc).lower():
                    raise StoreError(f"cannot write the search index ({exc})", str(self.path)) from exc
                time.sleep(0.1)
        raise StoreError("the search index is locked by another process; try again", str(self.path))

    def sync(self) -> int:
        """Bring the index in step with the store; return the number of documents re-indexed."""
        if _OPEN.get(self.key) is not self.index:  # dropped or reopened since: open it again
            self.summaries.close()
            self.index = self._open()
        last = _last_seq(self.conn)
        uuid = _db_uuid(self.conn)
        if _SEEN.get(self.key) == (last, uuid, self._state_stamp()):
            self.seq = last
            return 0  # this process saw the index in step at ``last``, and its state is unchanged
        state = read_state(self.path)
        if state is None or state.get("db") != uuid:
            return self.rebuild()
        if state.get("seq", 0) > last:
            # another process brought the index past this reader's snapshot (same store, same
            # epoch): it is ahead, not wrong — hits beyond the snapshot have no search row here and
            # are left out. Rebuilding at the older snapshot would only undo the other's work.
            self.index.reload()
            return 0
        if state["seq"] == last:  # another process brought the index in step: see its commit
            self.index.reload()
            _CLEAN[self.key] = not state.get("deletes", True)
            self._seen(last, uuid)
            self.summaries.bring_in_step(self.conn, last, uuid, sample_level)
            return 0
        pending = self.conn.execute("SELECT count(*) FROM changes WHERE seq > ?", (state["seq"],)).fetchone()[0]
        if pending > REPLAY_LIMIT:
            return self.rebuild()
        ids = [r[0] for r in self.conn.execute(
            "SELECT DISTINCT doc_id FROM changes WHERE seq > ? AND seq <= ?", (state["seq"], last)
        )]
        searcher = self.index.searcher()
        deletes = state.get("deletes", True) or any(searcher.doc_freq("id", doc_id) for doc_id in ids)
        with self._writing(last, uuid, deletes=deletes) as writer:
            for doc_id, doc, key in _documents(self.store, ids):
                writer.delete_documents_by_term("id", doc_id)
                if doc is not None:
                    writer.add_document(_document(doc, key))
        self.summaries.bring_in_step(self.conn, last, uuid, sample_level)
        return len(ids)

    def rebuild(self, batch: int = 5000, jobs: int = 1, copies: Mapping[str, str] | None = None) -> int:
        """Build the index afresh from the stored documents, as one segment.

        The documents of the copied sample (level COPY_LEVEL and up) are added first, the
        highest levels first, so that every sample level is a block of neighbouring document
        ids: facet counting on a sample then reads the columns of a small region of the index
        (measured: half the time of the same number of scattered documents). The rest follow
        in the order of their ids. ``jobs`` processes read and analyse the records (a SQLite
        store; the index is the same whatever their number); ``copies``: documents known to
        differ from another only in their identity (:func:`_all_fields`).

        One writer thread commits a large rebuild in MERGE_PARTS equal parts, which tantivy's
        merge policy merges into one segment before the rebuild returns: every search then
        opens one segment's posting lists and columns, not one per flush (measured at a
        million documents: facet counting 30% faster, the bare top-10 query 15%).
        """
        last = _last_seq(self.conn)
        uuid = _db_uuid(self.conn)
        (self.path / "state.json").unlink(missing_ok=True)
        ids = self.store.ids()
        total = len(ids)
        part = -(-total // MERGE_PARTS) if total > PART_MIN else total + 1
        sampled = sorted(((level, doc_id) for doc_id in ids if (level := sample_level(doc_id)) >= COPY_LEVEL),
                         reverse=True)
        first = [doc_id for _level, doc_id in sampled]
        skip = set(first)
        n = 0
        with self._writing(last, uuid, REBUILD_HEAP, 1) as writer:
            writer.delete_all_documents()
            for fields in _all_fields(self.store, first + [i for i in ids if i not in skip], jobs, copies):
                writer.add_document(tantivy.Document(**fields))
                n += 1
                if n % part == 0 and n < total:
                    writer.commit()
        self.summaries.replace(self._summarise(), last, uuid)
        return n

    def _summarise(self) -> Iterator[tuple[str, str, int, dict[str, Any]]]:
        """The facet summaries of the text terms (words and word pairs) above EXACT_LIMIT
        matches: the term dictionary gives them, most frequent first."""
        searcher = self.index.searcher()
        k = 4096
        while True:
            top = searcher.terms_with_prefix("all", "", limit=k)
            if len(top) < k or top[-1][1] <= EXACT_LIMIT:
                break
            k *= 4
        for term, freq in top:
            if freq <= EXACT_LIMIT:
                break
            phrase = tuple(term.split(PAIR))  # a pair is its two-word phrase
            level, counts = self.facets(searcher, Terms(TEXT, (phrase,)))
            if level is not None:
                yield "all", term, level, counts

    @contextmanager
    def _writing(self, last: int, uuid: str, heap: int = HEAP, threads: int = 0, deletes: bool = False) -> Iterator[Any]:
        """A writer whose changes are committed (or rolled back), then the index's state is
        recorded as in step with the store's change ``last`` and this process sees the commit.
        The state is written only at the end: a crash after an intermediate commit leaves no
        state, and the next search rebuilds. ``deletes``: documents have been deleted from the
        index since it was built (document frequencies then count them too)."""
        writer = self._writer(heap, threads)
        try:
            yield writer
            writer.commit()
            writer.wait_merging_threads()
        except BaseException as exc:
            with suppress(Exception):
                writer.rollback()
            if isinstance(exc, (OSError, ValueError)):  # tantivy's I/O errors (a full disk ...)
                raise index_error(exc, self.path) from exc
            raise
        try:
            _write_state(self.path, {"seq": last, "db": uuid, "schema": SCHEMA_VERSION, "deletes": deletes})
        except OSError as exc:
            raise index_error(exc, self.path) from exc
        _CLEAN[self.key] = not deletes
        self.index.reload()
        self._seen(last, uuid)

    @property
    def clean(self) -> bool:
        """No document has been deleted from the index since it was built."""
        return _CLEAN.get(self.key, False)

    def _state_stamp(self) -> tuple[int, int, int] | None:
        try:
            st = os.stat(os.path.join(self.key, "state.json"))
        except OSError:
            return None
        return st.st_ino, st.st_mtime_ns, st.st_size

    def _seen(self, last: int, uuid: str) -> None:
        _SEEN[self.key] = (last, uuid, self._state_stamp())
        self.seq = last  # the change the index this process searches is in step with

    def terms_for_prefix(self, prefix: str) -> tuple[str, ...]:
        """The index terms of the words starting with ``prefix`` that stemming changed into a
        term that does not (see :mod:`opis.search.words`), from this index's own list."""
        found = self.index.searcher().terms_with_prefix(WORDS, prefix, limit=20 * words.MAX_TERMS)
        pairs_ = sorted(token.split(" ", 1) for token, _n in found)  # in word order, as FTS5's list
        return words.pick((term for _word, term in pairs_), prefix)

    def ids(self) -> set[str]:
        """Every document id in the index (for consistency checks)."""
        searcher = self.index.searcher()
        res = searcher.search(tantivy.Query.all_query(), max(searcher.num_docs, 1))
        return {searcher.doc(addr)["id"][0] for _score, addr in res.hits}

    # --- compiling and searching ----------------------------------------------------------
    def compile(self, node: IR, copy: str = "") -> tantivy.Query | None:
        """The tantivy query for a plan node; disjunctions are flattened into one boolean query.
        ``copy=COPY``: the same query over the copied fields of the sample documents."""
        clauses = self._should(node, copy)
        if clauses is not None:
            if not clauses:
                return None
            return clauses[0] if len(clauses) == 1 else _boolean(tantivy.Occur.Should, clauses)
        if isinstance(node, Prefix):
            field = "all" if node.field == TEXT else node.field
            regex = tantivy.Query.regex_query(SCHEMA, copy + field, _regex_prefix(node.prefix))
            if not node.terms:
                return regex
            terms = [tantivy.Query.term_query(SCHEMA, copy + field, t) for t in node.terms]
            return _boolean(tantivy.Occur.Should, [regex, *terms])
        if isinstance(node, All):
            must = [self.compile(c, copy) for c in node.must]
            if not must or any(m is None for m in must):
                return None
            clauses = [(tantivy.Occur.Must, m) for m in must]
            for c in node.must_not:
                neg = self.compile(c, copy)
                if neg is not None:
                    clauses.append((tantivy.Occur.MustNot, neg))
            return must[0] if len(clauses) == 1 else tantivy.Query.boolean_query(clauses)
        raise TypeError(f"unknown plan node {node!r}")  # pragma: no cover

    def _should(self, node: IR, copy: str = "") -> list[tantivy.Query] | None:
        """The clauses of a disjunction node (None: not a disjunction)."""
        if isinstance(node, Terms):
            field = "all" if node.field == TEXT else node.field
            return [_seq(field, alt, copy) for alt in node.alts if alt]
        if isinstance(node, Any_):
            out: list[tantivy.Query] = []
            for child in node.should:
                flat = self._should(child, copy)
                if flat is None:
                    q = self.compile(child, copy)
                    flat = [q] if q is not None else []
                out += flat
            return out
        return None

    def run(self, plan: Plan, limit: int = 10, offset: int = 0, facets: bool = True, wait: bool = True,
            within: frozenset[str] | None = None, hidden: Sequence[int] = ()) -> RawResult:
        """Top hits and exact total; the facets are counted in another thread meanwhile (or read
        from a summary, see :mod:`opis.search.summaries`), and with ``wait=False`` are left
        pending (:meth:`RawResult.finish`) so that the caller can prepare the hits meanwhile.

        A query of one index term (a word, a two-word phrase's pair) takes its exact total
        from the term's document frequency while no document has been deleted from the index,
        so ranking does not have to visit every match to count them. ``hidden``: the access
        keys of documents the reader may not see, left out of hits, total and facets by the
        engine (no summary or document frequency is read then: they count every document)."""
        match = self.compile(plan.root)
        if match is None or (within is not None and not within):
            return RawResult(0, [], {})
        if hidden:
            match = tantivy.Query.boolean_query(
                [(tantivy.Occur.Must, match)]
                + [(tantivy.Occur.MustNot, tantivy.Query.term_query(SCHEMA, ACCESS, str(k))) for k in hidden])
        if within is not None:  # (counted exactly: no summary, no sample, no term shortcut)
            return self._within(match, within, limit, offset, facets)
        searcher = self.index.searcher()
        term = _single_term(plan.root) if self.clean and not hidden else None  # its total: its document frequency
        counting = summary = None
        level = 0
        if facets:
            level = _level(self.estimate(searcher, plan.root))
            summary = None if hidden else self.summary_for(plan.root, level)
            if summary is None:
                # the counting thread only calls into tantivy: Python work there would hold the
                # GIL while this thread waits for it (measured: slower hit records)
                counted_query = self._sampled(plan.root, match, level) if level else match
                counting = _pool().submit(searcher.aggregate, counted_query, AGGS)
        res = searcher.search(match, max(limit, 1), count=term is None, offset=offset)
        found = res.hits[:limit]
        hits = [(searcher.doc(addr)["id"][0], float(score)) for score, addr in found]
        total = searcher.doc_freq(*term) if term is not None else int(res.count or 0)
        if not facets:
            return RawResult(total, hits, {})

        def counted() -> tuple[dict[str, list[tuple[str, int]]], bool]:
            if summary is not None:
                if summary.served is None or summary.served[0] != total:
                    counts = summary.counts
                    summary.served = total, _facets(counts, total / counts["n"] if counts["n"] else 0.0)
                return {name: labels[:] for name, labels in summary.served[1].items()}, True
            sample, counts = level, _compact(counting.result())
            if level:  # (a sample far smaller than the estimate expected is counted again)
                sample, counts = self._count(searcher, plan.root, match, level, counts)
                if sample is not None and term is not None:
                    self.summaries.put(*term, sample, counts, self.seq)
            if not sample:
                return _facets(counts), False
            return _facets(counts, total / counts["n"] if counts["n"] else 0.0), True

        raw = RawResult(total, hits, pending=counted)
        return raw.finish() if wait else raw

    def _within(self, match: tantivy.Query, within: frozenset[str], limit: int, offset: int,
                facets: bool) -> RawResult:
        """The hits, exact total and facets of ``match`` among the documents ``within``."""
        query = _boolean(tantivy.Occur.Must, [match, tantivy.Query.term_set_query(SCHEMA, "id", sorted(within))])
        searcher = self.index.searcher()
        res = searcher.search(query, max(limit, 1), count=True, offset=offset)
        hits = [(searcher.doc(addr)["id"][0], float(score)) for score, addr in res.hits[:limit]]
        counts = _facets(_compact(searcher.aggregate(query, AGGS))) if facets else {}
        return RawResult(int(res.count or 0), hits, counts)

    def summary_for(self, node: IR, level: int) -> Summary | None:
        """The stored facet counts of sample ``level`` that a search of the plan ``node`` reads
        instead of counting: only a query of one index term has them."""
        term = _single_term(node) if self.clean else None
        return self.summaries.get(*term, level, self.seq) if term is not None and level else None

    def facets(self, searcher: tantivy.Searcher, node: IR, match: tantivy.Query | None = None,
               estimate: int | None = None) -> tuple[int | None, dict[str, Any]]:
        """(level, counts, see :func:`_compact`): facet counts of every match of the plan
        ``node`` (level None) when there are few, else of the matches in sample level ``sK``
        (about 1 in 2**K documents).

        ``estimate`` (default: from document frequencies, see :meth:`estimate`) picks the level
        so that the sample holds about SAMPLE_TARGET matches; a sample that turns out much
        smaller than that is counted again at the level it should have had. From COPY_LEVEL
        on the sample is searched in the copied fields of the sample documents.
        """
        match = self.compile(node) if match is None else match
        if match is None:
            return None, _compact({})
        return self._count(searcher, node, match, _level(self.estimate(searcher, node) if estimate is None else estimate))

    def _count(self, searcher: tantivy.Searcher, node: IR, match: tantivy.Query, level: int,
               counts: dict[str, Any] | None = None) -> tuple[int | None, dict[str, Any]]:
        """(level, counts) for the matches in sample ``level``, or (None, …) for all of them when
        ``level`` is 0 or the sample holds too few matches to scale. ``counts``: those of sample
        ``level``, when they have been counted already."""
        while level:
            if counts is None:
                counts = _compact(searcher.aggregate(self._sampled(node, match, level), AGGS))
            better = _level(counts["n"] * 2**level)
            if better >= level - 1:  # close enough to SAMPLE_TARGET
                return level, counts
            level, counts = better, None
        return None, _compact(searcher.aggregate(match, AGGS))

    def estimate(self, searcher: tantivy.Searcher, node: IR) -> int:
        """The expected number of matches of a plan node, from document frequencies, taking the
        terms of a conjunction or disjunction as independent."""
        n = max(searcher.num_docs, 1)
        return round(n * self._share(searcher, node, n))

    def _share(self, searcher: tantivy.Searcher, node: IR, n: int) -> float:
        if isinstance(node, Terms):
            field = "all" if node.field == TEXT else node.field
            shares = [min(searcher.doc_freq(field, t) for t in _terms(field, alt)) / n for alt in node.alts if alt]
            return _union(shares)
        if isinstance(node, All):
            out = 1.0
            for c in node.must:
                out *= self._share(searcher, c, n)
            return out
        if isinstance(node, Any_):
            return _union([self._share(searcher, c, n) for c in node.should])
        return 1.0

    def _sampled(self, node: IR, match: tantivy.Query, level: int) -> tantivy.Query:
        """The matches in sample level ``level``."""
        clauses = []
        if level >= COPY_LEVEL:
            copied = self.compile(node, COPY)  # matches among the documents of s{COPY_LEVEL}
            if copied is not None:
                clauses.append(copied)
                if level == COPY_LEVEL:
                    return copied
        if not clauses:
            clauses.append(match)
        clauses.append(tantivy.Query.term_query(SCHEMA, "sample", f"s{level}"))
        return _boolean(tantivy.Occur.Must, clauses)

    def bare(self, plan: Plan, limit: int = 10) -> list:
        """The bare engine call the benchmark compares with: ``searcher.search(query, 10)``."""
        match = self.compile(plan.root)
        if match is None:
            return []
        return self.index.searcher().search(match, limit).hits


def _level(matches: int) -> int:
    """The sample level whose sample of ``matches`` documents is at most SAMPLE_TARGET (0: all)."""
    if matches <= EXACT_LIMIT:
        return 0
    return min(SAMPLE_LEVELS, (-(-matches // SAMPLE_TARGET) - 1).bit_length())


def _single_term(node: IR) -> tuple[str, str] | None:
    """(field, index term) when the plan node compiles to one term query (see :func:`_seq`)."""
    if isinstance(node, Terms) and len(node.alts) == 1:
        field = "all" if node.field == TEXT else node.field
        terms = _terms(field, node.alts[0])
        if len(terms) == 1 and (len(node.alts[0]) == 1 or field in TEXT_FIELDS):
            return field, terms[0]
    return None


def _union(shares: list[float]) -> float:
    miss = 1.0
    for share in shares:
        miss *= 1.0 - min(1.0, share)
    return 1.0 - miss


def _boolean(occur: tantivy.Occur, queries: list[tantivy.Query]) -> tantivy.Query:
    return tantivy.Query.boolean_query([(occur, q) for q in queries])


def _terms(field: str, alt: tuple[str, ...]) -> list[str]:
    """The index terms that must all occur for the phrase ``alt`` in ``field``."""
    if field in TEXT_FIELDS and len(alt) > 1:
        return [a + PAIR + b for a, b in zip(alt, alt[1:], strict=False)]
    return list(alt)


def _seq(field: str, alt: tuple[str, ...], copy: str = "") -> tantivy.Query:
    """A term or a phrase in ``field`` (or its ``copy``): in the text fields a two-word phrase
    is its pair token, a longer one its pairs confirmed by a positional phrase query."""
    name = copy + field
    if len(alt) == 1:
        return tantivy.Query.term_query(SCHEMA, name, alt[0])
    if field not in TEXT_FIELDS:
        return tantivy.Query.phrase_query(SCHEMA, name, list(alt))
    parts = [tantivy.Query.term_query(SCHEMA, name, t) for t in _terms(field, alt)]
    if len(parts) == 1:
        return parts[0]
    parts.append(tantivy.Query.phrase_query(SCHEMA, name, list(alt)))
    return _boolean(tantivy.Occur.Must, parts)


def _regex_prefix(prefix: str) -> str:
    """Terms starting with ``prefix``, word pairs (``a_b``) left out: a document holding a
    pair holds its words, so they would only make the term dictionary walk longer."""
    # the prefix is a folded word (letters and digits only); escape anything else anyway
    return "".join(c if c.isalnum() else "\\" + c for c in prefix) + "[^" + PAIR + "]*"


def _compact(out: dict[str, Any]) -> dict[str, Any]:
    """An aggregation result as ``{"n": documents counted, facet: [[key, count], ...]}`` (what a
    summary stores), years in order. Every document has one year bucket (NO_YEAR when
    undated), so the year buckets add up to the number of documents counted."""
    compact: dict[str, Any] = {name: [[b["key"], b["doc_count"]] for b in (out.get(name) or {}).get("buckets", ())]
                               for name in AGGS}
    compact["n"] = sum(c for _k, c in compact["year"]) + int((out.get("year") or {}).get("sum_other_doc_count") or 0)
    compact["year"].sort()
    return compact


def _facets(compact: dict[str, Any], scale: float = 1.0) -> dict[str, list[tuple[str, int]]]:
    """Facet labels and counts (years and decades in order, the rest by count), sampled counts
    multiplied by ``scale`` (a decade: the sum of its years)."""
    if scale == 1.0:
        years = [(k, c) for k, c in compact["year"] if k != NO_YEAR]
        result = {name: [(label, c) for label, c in compact[name]] for name in FACET_FIELDS}
    else:
        years = [(k, round(c * scale)) for k, c in compact["year"] if k != NO_YEAR]
        result = {name: [(label, round(c * scale)) for label, c in compact[name]] for name in FACET_FIELDS}
    decades: dict[int, int] = {}
    for k, c in years:
        decades[k - k % 10] = decades.get(k - k % 10, 0) + c
    result["year"] = [(str(k), c) for k, c in years]
    result["decade"] = [(f"{d}s", c) for d, c in decades.items()]
    return {name: result[name] for name in FACETS}


def forget(store) -> None:
    """Mark the index as out of step with the store (its state removed): the next search
    rebuilds it. For a change to the search rows that the journal does not record."""
    (index_dir(store) / "state.json").unlink(missing_ok=True)


def drop(store) -> None:
    """Remove the index directory (it is rebuilt on the next search)."""
    path = index_dir(store)
    with _LOCK:
        _OPEN.pop(str(path.resolve()), None)
        _CLEAN.pop(str(path.resolve()), None)
    shutil.rmtree(path, ignore_errors=True)
