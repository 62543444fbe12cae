"""The passages' embeddings and their nearest-neighbour index, kept in step with the store.

Two layers, both derived and rebuildable:

* **The ``passages`` rows** (migration ``0021_passages.sql``, both engines): each document's
  passages (:mod:`opis.search.passages`) with their float16 embeddings. :func:`sync` brings
  them in step with the change journal: every document changed since the change number kept in
  ``store_meta`` (``passages_seq``) has its passages cut and embedded again (or removed), a
  batch of documents per transaction, the number written last; a crash only repeats work.
  The model is not run inside an ingest's write transaction: ingest does not wait for it, and
  the first search by meaning after an ingest embeds what is new (``opis reindex --vectors``
  does it ahead).
* **The ANN index** (usearch HNSW, cosine, float16 — chosen by ``bench/meaning.py``), a folder
  beside the search index (``<db>.vectors``, or ``<index>-vectors`` for a PostgreSQL store's
  replica), built from the rows without running the model. Its ``state.json`` records the
  ``passages_seq`` it was built at; documents changed since are left out of its answers and
  scored exactly from their rows instead, so an answer is always in step; past ``REPLAY_LIMIT``
  such documents the index is rebuilt.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from opis.search import embed
from opis.search.passages import split

BATCH = 100  # documents embedded per write transaction
HEAD = -1  # the number of a document's head passage (title and summary; no offsets in the text)
LAYOUT = "p2"  # how documents are cut into passages: another layout's rows are embedded again
REPLAY_LIMIT = 2000  # documents changed since the index was built: more, and it is rebuilt
INDEX_DTYPE = "f16"  # int8 answered 0.80 of the exact top 10 at 30,000 passages, float16 0.93 (bench/meaning.py)
# The HNSW graph's parameters (bench/meaning.py scale): links per node, the candidates kept while
# adding and while searching. A search keeps max(EXPANSION_SEARCH, k) candidates; usearch does
# not save the search expansion with the index, so it is given again when the index is opened.
CONNECTIVITY = 16
EXPANSION_ADD = 128
EXPANSION_SEARCH = 1024  # recall@10 0.954 against exact search at 300,000 passages (512: 0.93, 256: 0.88)
_LOCK = threading.Lock()
_OPEN: dict[str, tuple[tuple, object, list[str], np.ndarray]] = {}  # folder -> (stamp, index, doc ids, rows)


@dataclass(frozen=True)
class Near:
    """A passage near a query vector: its document, number, offsets and cosine similarity."""

    doc_id: str
    n: int
    score: float


# --- the passages rows ------------------------------------------------------------------------
def _meta(conn, key: str) -> str | None:
    row = conn.execute("SELECT value FROM store_meta WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


def _set_meta(conn, key: str, value: str) -> None:
    conn.execute("DELETE FROM store_meta WHERE key = ?", (key,))
    conn.execute("INSERT INTO store_meta (key, value) VALUES (?, ?)", (key, value))


def ready(store) -> bool:
    """Whether the store has the passages table (a database opened read-only before its
    migration 0021 has not)."""
    from opis.store.engine import dialect_of

    return dialect_of(store.conn).has_table(store.conn, "passages")


def done_seq(store) -> int:
    """The change number the passages are in step with (0: none embedded yet, or another model's)."""
    if _meta(store.conn, "passages_model") != f"{embed.MODEL}/{LAYOUT}":
        return 0
    return int(_meta(store.conn, "passages_seq") or 0)


def _changed(store, since: int, last: int) -> list[str]:
    """The documents changed after change ``since`` up to ``last`` (all stored ones from 0)."""
    if since == 0:
        return [r[0] for r in store.conn.execute("SELECT id FROM documents ORDER BY id")]
    return [r[0] for r in store.conn.execute(
        "SELECT DISTINCT doc_id FROM changes WHERE seq > ? AND seq <= ? ORDER BY doc_id", (since, last))]


def pending(store) -> int:
    """How many documents changed since their passages were embedded."""
    if not ready(store):
        return 0
    last = store.last_seq()
    done = done_seq(store)
    if done >= last:
        return 0
    if done == 0:
        return store.count()
    return store.conn.execute(
        "SELECT count(DISTINCT doc_id) FROM changes WHERE seq > ? AND seq <= ?", (done, last)).fetchone()[0]


def head(record: dict) -> str:
    """The document's head passage: its title and summary (what the record says it is about)."""
    return " ".join(str(record.get(k) or "").strip() for k in ("title", "summary")).strip()


def items(doc_id: str, text: str, record: dict | None) -> list[tuple[str, int, int, int, str]]:
    """(doc id, n, start, end, passage text) of a document: the head (``n = HEAD``, no offsets)
    when the record has a title or summary, then the passages of the text."""
    top = head(record or {})
    out = [(doc_id, HEAD, 0, 0, top)] if top else []
    return out + [(doc_id, p.n, p.start, p.end, text[p.start:p.end]) for p in split(text)]


def _embed_items(todo: list[tuple[str, int, int, int, str]], cache: dict[str, np.ndarray]) -> list[tuple]:
    """The passages rows of ``todo``; the same passage text is embedded once per sync (page
    furniture repeated across documents)."""
    new = sorted({it[4] for it in todo} - cache.keys())
    for chunk_start in range(0, len(new), embed.BATCH):
        chunk = new[chunk_start:chunk_start + embed.BATCH]
        for text, vec in zip(chunk, embed.embed(chunk), strict=True):
            cache[text] = vec
    rows = [(d, n, s, e, embed.pack(cache[t])) for d, n, s, e, t in todo]
    if len(cache) > 50_000:
        cache.clear()
    return rows


def sync(store, progress=None) -> int:
    """Embed the passages of every document changed since the last sync (all of them the first
    time, or after a change of model); return the number of documents (re)embedded. A store
    open read-only is left as it is (its documents not yet embedded are not found by meaning
    until ``opis reindex --vectors`` has run), and so is a PostgreSQL store inside a read
    snapshot (a server's request: its writes would race other writers' in that snapshot)."""
    if store.readonly or not ready(store):
        return 0
    if store.conn.in_transaction and store.conn.dialect.name == "postgresql":
        return 0
    last = store.last_seq()
    done = done_seq(store)
    if done >= last and done:
        return 0
    ids = _changed(store, done, last)
    if done == 0:
        with store.writing("clearing the passages"):
            store.conn.execute("DELETE FROM passages")
    cache: dict[str, np.ndarray] = {}
    for i in range(0, len(ids), BATCH):
        chunk = ids[i:i + BATCH]
        texts = store.texts(chunk)
        records = store.records(chunk)
        todo = [it for d in chunk if d in records for it in items(d, texts.get(d) or "", records[d])]
        rows = _embed_items(todo, cache)
        with store.writing("storing the passages' embeddings"):
            marks = ",".join("?" * len(chunk))
            store.conn.execute(f"DELETE FROM passages WHERE doc_id IN ({marks})", chunk)
            store.conn.executemany(
                'INSERT INTO passages (doc_id, n, start, "end", vector) VALUES (?, ?, ?, ?, ?)', rows)
        if progress:
            progress(min(i + BATCH, len(ids)), len(ids))
    with store.writing("recording the passages' change number"):
        _set_meta(store.conn, "passages_model", f"{embed.MODEL}/{LAYOUT}")
        _set_meta(store.conn, "passages_seq", str(last))
    return len(ids)


def reset(store) -> None:
    """Forget what was embedded: the next :func:`sync` embeds every document again."""
    with store.writing("forgetting the passages' change number"):
        store.conn.execute("DELETE FROM store_meta WHERE key = 'passages_seq'")


def passages(store, doc_id: str) -> list[tuple[int, int, int, np.ndarray]]:
    """(n, start, end, vector) of each stored passage of ``doc_id``, in order."""
    rows = store.conn.execute(
        'SELECT n, start, "end", vector FROM passages WHERE doc_id = ? ORDER BY n', (doc_id,)).fetchall()
    return [(r[0], r[1], r[2], embed.unpack(r[3])) for r in rows]


def spans(store, keys: Iterable[tuple[str, int]]) -> dict[tuple[str, int], tuple[int, int]]:
    """The [start, end) offsets of the passages named by (doc id, n)."""
    keys = list(keys)
    out: dict[tuple[str, int], tuple[int, int]] = {}
    for doc_id in {d for d, _ in keys}:
        for n, start, end in store.conn.execute(
                'SELECT n, start, "end" FROM passages WHERE doc_id = ?', (doc_id,)):
            out[(doc_id, n)] = (start, end)
    return {k: out[k] for k in keys if k in out}


def count(store) -> int:
    """The number of stored passages."""
    return store.conn.execute("SELECT count(*) FROM passages").fetchone()[0]


# --- the ANN index ----------------------------------------------------------------------------
def index_dir(store) -> Path:
    """The folder of the ANN index: beside the tantivy index (``<db>.vectors`` or ``<index>-vectors``)."""
    own = getattr(store, "index_path", None)
    return Path(str(own) + "-vectors") if own is not None else Path(str(store.path) + ".vectors")


def _db_uuid(store) -> str:
    row = store.conn.execute("SELECT value FROM store_meta WHERE key = 'epoch'").fetchone()
    return (row[0] if row else "") + f":{embed.MODEL}/{LAYOUT}/{INDEX_DTYPE}/{CONNECTIVITY}/{EXPANSION_ADD}"


def _read_state(path: Path) -> dict | None:
    try:
        return json.loads((path / "state.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def rebuild_index(store) -> int:
    """Build the ANN index afresh from the passages rows; return the passages indexed."""
    from usearch.index import Index

    path = index_dir(store)
    seq = done_seq(store)
    docs: list[str] = []
    doc_index: dict[str, int] = {}
    rows: list[tuple[int, int]] = []
    vectors: list[np.ndarray] = []
    for doc_id, n, blob in store.conn.execute("SELECT doc_id, n, vector FROM passages ORDER BY doc_id, n"):
        if doc_id not in doc_index:
            doc_index[doc_id] = len(docs)
            docs.append(doc_id)
        rows.append((doc_index[doc_id], n))
        vectors.append(np.frombuffer(bytes(blob), dtype="<f2"))
    tmp = Path(f"{path}.tmp{os.getpid()}")  # (one per process: two may rebuild at once)
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    index = Index(ndim=embed.DIM, metric="cos", dtype=INDEX_DTYPE, connectivity=CONNECTIVITY,
                  expansion_add=EXPANSION_ADD, expansion_search=EXPANSION_SEARCH)
    if vectors:
        index.add(np.arange(len(vectors)), np.vstack(vectors).astype(np.float32), threads=os.cpu_count() or 1)
    index.save(str(tmp / "passages.usearch"))
    np.save(tmp / "rows.npy", np.asarray(rows, dtype=np.int32).reshape(-1, 2))
    (tmp / "docs.json").write_text(json.dumps(docs), encoding="utf-8")
    (tmp / "state.json").write_text(json.dumps({"seq": seq, "db": _db_uuid(store)}), encoding="utf-8")
    with _LOCK:
        _OPEN.pop(str(path), None)
        old = Path(f"{path}.old{os.getpid()}")
        shutil.rmtree(old, ignore_errors=True)
        try:
            if path.exists():
                os.replace(path, old)
            os.replace(tmp, path)
        except OSError:  # another process put its index in place meanwhile: it is as good
            shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)
    return len(rows)


def _stamp(path: Path) -> tuple:
    try:
        st = (path / "state.json").stat()
        return (st.st_mtime_ns, st.st_ino)
    except OSError:
        return ()


def _loaded(path: Path):
    """(index, doc ids, rows) of the folder, loaded once per process and again when rebuilt."""
    from usearch.index import Index

    key = str(path)
    stamp = _stamp(path)
    with _LOCK:
        got = _OPEN.get(key)
        if got is not None and got[0] == stamp:
            return got[1], got[2], got[3]
        index = Index.restore(str(path / "passages.usearch"), view=True, connectivity=CONNECTIVITY,
                              expansion_add=EXPANSION_ADD, expansion_search=EXPANSION_SEARCH)
        docs = json.loads((path / "docs.json").read_text(encoding="utf-8"))
        rows = np.load(path / "rows.npy")
        _OPEN[key] = (stamp, index, docs, rows)
        return index, docs, rows


def ensure_index(store) -> tuple[int, list[str]]:
    """Bring the ANN index in step with the passages rows (rebuilt when missing, another
    database's or too far behind); return its change number and the documents changed since,
    which its answers leave out."""
    path = index_dir(store)
    seq = done_seq(store)
    state = _read_state(path)
    if state is None or state.get("db") != _db_uuid(store) or state.get("seq", 0) > seq:
        rebuild_index(store)
        return seq, []
    if state["seq"] == seq:
        return seq, []
    changed = _changed(store, state["seq"], seq) if state["seq"] else []
    if state["seq"] == 0 or len(changed) > REPLAY_LIMIT:
        rebuild_index(store)
        return seq, []
    return state["seq"], changed


def _exact(store, doc_ids: list[str], query: np.ndarray) -> list[Near]:
    out = []
    for i in range(0, len(doc_ids), 500):
        chunk = doc_ids[i:i + 500]
        marks = ",".join("?" * len(chunk))
        for doc_id, n, blob in store.conn.execute(
                f"SELECT doc_id, n, vector FROM passages WHERE doc_id IN ({marks})", chunk):
            out.append(Near(doc_id, n, float(embed.unpack(blob) @ query)))
    return out


def nearest(store, query: np.ndarray, k: int = 100) -> list[Near]:
    """The ``k`` passages nearest ``query`` (a normalised vector), best first: from the ANN
    index, and exactly from the rows for the documents changed since it was built."""
    if not ready(store):
        return []
    _seq, changed = ensure_index(store)
    path = index_dir(store)
    index, docs, rows = _loaded(path)
    out: list[Near] = []
    skip = set(changed)
    if len(index):
        found = index.search(np.asarray(query, dtype=np.float32), min(len(index), k + 50 if skip else k))
        for key, dist in zip(found.keys.tolist(), found.distances.tolist(), strict=True):
            doc_i, n = rows[key]
            doc_id = docs[doc_i]
            if doc_id not in skip:
                out.append(Near(doc_id, int(n), 1.0 - float(dist)))
    out += _exact(store, changed, query)
    out.sort(key=lambda h: -h.score)
    return out[:k]


def drop(store) -> None:
    """Remove the ANN index folder (rebuilt at the next search by meaning)."""
    path = index_dir(store)
    with _LOCK:
        _OPEN.pop(str(path), None)
    shutil.rmtree(path, ignore_errors=True)
