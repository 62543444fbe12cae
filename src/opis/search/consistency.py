"""Does the search index beside the database agree with the store? (for ``opis check``)

The tantivy index is a replica: in step when its ``state.json`` names this database (and the
store's epoch) and the store's latest change, and then it must hold exactly the stored
documents, each once. An index that is merely behind (changes not
yet replayed, or no index yet) is not a problem: the next search brings it in step.
"""

from __future__ import annotations

import time

from opis.store.check import Check, CheckReport


def check_index(store, report: CheckReport | None = None) -> Check:
    """Compare the tantivy index with the stored documents: the same ids, each once."""
    from opis.search import tantivy_index as ti

    check = Check("search index")
    t = time.perf_counter()
    path = ti.index_dir(store)
    state = ti.read_state(path)
    conn = store.conn
    last = ti._last_seq(conn)
    uuid = ti._db_uuid(conn)
    if not path.exists() or state is None:
        check.summary = "no index in step yet (built at the next search)"
    elif state.get("db") != uuid:
        check.summary = "built for another database or before a reindex or restore (rebuilt at the next search)"
    elif state.get("seq", 0) > last:
        check.add(f"the index says it holds change {state.get('seq')} but the store's last is {last}"
                  " (a database restored under it?): it is rebuilt at the next search")
    elif state.get("seq") < last:
        check.summary = f"behind the store by {last - state['seq']} changes (replayed at the next search)"
    else:
        _compare(store, path, check)
    check.seconds = time.perf_counter() - t
    if report is not None:
        report.checks.append(check)
    return check


def _compare(store, path, check: Check) -> None:
    import tantivy

    from opis.search.tantivy_index import SCHEMA

    index = tantivy.Index(SCHEMA, path=str(path), reuse=True)
    index.reload()
    searcher = index.searcher()
    n = searcher.num_docs
    indexed: set[str] = set()
    if n:
        res = searcher.search(tantivy.Query.all_query(), n)
        for _score, addr in res.hits:
            doc_id = searcher.doc(addr)["id"][0]
            if doc_id in indexed:
                check.add(f"document {doc_id!r} is in the index twice")
            indexed.add(doc_id)
    stored = set(store.ids())
    for doc_id in sorted(stored - indexed):
        check.add(f"document {doc_id!r} is stored but not in the index")
    for doc_id in sorted(indexed - stored):
        check.add(f"document {doc_id!r} is in the index but not stored")
    if check.ok:
        check.summary = f"in step: {len(indexed)} documents, the same ids as the store"
    else:
        check.summary = "the index disagrees with the store: run 'opis reindex'"
