"""What a reader may see, applied to every query of a connection at once: shadow views.

A reader who may not see some collections (:mod:`opis.collections`) reads the store through
views of the same names as the tables, created for the length of one request in the
connection's own temporary schema, which both engines search before the database's own
(SQLite's ``temp``, PostgreSQL's ``pg_temp``): ``documents`` keeps the documents whose access key
the reader may see, every table keyed by document (``mentions``, ``claims``, ``entity_docs``,
``archival_refs`` ...) keeps the rows of those documents, and the kept counts (``entities``'
document and mention counts, ``entity_surfaces``, ``claim_kinds``, ``document_type_counts``,
``timeline_years``, ``archive_nodes``) are recounted from the visible rows. An entity that only
hidden documents mention is not in ``entities``. Every store query — the pages', the API's, the
exports', and any written later — is therefore filtered without knowing it: the rule lives here
and in :func:`opis.store.collections.hidden_keys`, nowhere else.

A reader who sees everything (an admin, single-user mode, an archive without restricted
collections) gets no views at all: the same queries as before, at the same cost. The views are
for reading: a request that writes is never shadowed, and the search index is brought in step
with the store outside them (:func:`suspended`).

On SQLite the views cannot take ``INDEXED BY`` hints and have no ``rowid``: while they are in
place the connection drops the hints and reads ``rowid`` as the view's ``rowid_`` column
(:class:`opis.store.engine.SqliteConnection`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

HIDDEN = "opis_hidden_keys"  # the temporary table of the access keys the reader may not see
#: tables keyed by document that are the store's own bookkeeping, not content: never shadowed
UNSHADOWED = frozenset({"changes", "ingest_log", "search_docs"})
#: tables whose ``rowid`` queries read (exposed as ``rowid_`` by their view on SQLite; documents too)
ROWID_READ = frozenset({"claims", "events", "archival_refs"})


PG_SCHEMA = "opis_visible"  # PostgreSQL: the schema of the shadow views (made by the migrations)
PG_VIEWS_FROM = 19  # the migration from which the views exist (0019_collections: the access keys)
PG_SETTING = "opis.hidden_keys"  # PostgreSQL: the session's hidden access keys, comma-separated


def _pg(conn) -> bool:
    return conn.dialect.name == "postgresql"


def _names(conn) -> tuple[str, str]:
    """(prefix of the database's own tables, prefix of the shadow views' schema) for the engine."""
    if _pg(conn):
        return _pg_base(conn) + ".", PG_SCHEMA + "."
    return "main.", "temp."


def _pg_base(conn) -> str:
    """The schema of the store's tables on PostgreSQL."""
    schema = getattr(conn, "_opis_base_schema", None)
    if schema is None:
        schema = conn.execute("SELECT current_schema()").fetchone()[0]
        if schema == PG_SCHEMA:  # (asked while shadowed)
            schema = conn.execute("SELECT (current_schemas(false))[2]").fetchone()[0]
        conn._opis_base_schema = schema
    return schema


def _hidden(conn, column: str) -> str:
    """The condition that the access key ``column`` is one the reader may not see."""
    if _pg(conn):
        return (f"{column} = ANY (string_to_array(coalesce(current_setting('{PG_SETTING}', true), ''), ',')"
                "::bigint[])")
    return f"{column} IN (SELECT key FROM temp.{HIDDEN})"


def _visible(conn, alias: str, column: str = "doc_id") -> str:
    """The condition that the row ``alias`` (its document id in ``column``) belongs to a visible
    document."""
    base, _ = _names(conn)
    hint = "" if _pg(conn) else " INDEXED BY documents_access"
    return (f"NOT EXISTS (SELECT 1 FROM {base}documents v{hint} WHERE v.id = {alias}.{column}"
            f" AND {_hidden(conn, 'v.access_key')})")


def _year(column: str = "date_earliest") -> str:
    return f"CASE WHEN {column} > '' THEN substr({column}, 1, 4) ELSE '' END"


def _counted(conn) -> dict[str, str]:
    """The views of the kept counts, recounted from the visible rows (``{tmp}``: the temporary
    schema, where the filtered tables are)."""
    base, tmp = _names(conn)
    levels = ("archive", "fond", "opis", "delo")
    nodes = " UNION ALL ".join(
        f"SELECT {_key(conn, levels[:d + 1])} AS key, {d} AS depth, "
        + ", ".join(levels[:d + 1] + tuple(f"NULL AS {x}" for x in levels[d + 1:]))
        + f", count(*) AS refs, count(DISTINCT doc_id) AS documents FROM {tmp}archival_refs"
        f" WHERE kind = 'archival' GROUP BY {', '.join(levels[:d + 1])}" for d in range(4))
    return {
        "entity_surfaces": (f"SELECT entity_id, surface, count(*) AS mentions FROM {tmp}mentions"
                            " WHERE entity_id IS NOT NULL GROUP BY entity_id, surface"),
        "claim_kinds": f"SELECT coalesce(kind, '') AS kind, count(*) AS claims FROM {tmp}claims GROUP BY coalesce(kind, '')",
        "document_type_counts": (f"SELECT coalesce(doc_type, '') AS doc_type, count(*) AS documents"
                                 f" FROM {tmp}documents GROUP BY coalesce(doc_type, '')"),
        "timeline_years": (
            "SELECT year, sum(documents) AS documents, sum(claims) AS claims, sum(events) AS events FROM ("
            f"SELECT {_year()} AS year, 1 AS documents, 0 AS claims, 0 AS events FROM {tmp}documents"
            f" UNION ALL SELECT {_year()}, 0, 1, 0 FROM {tmp}claims"
            f" UNION ALL SELECT {_year()}, 0, 0, 1 FROM {tmp}events) y GROUP BY year"),
        "archive_nodes": nodes,
        "entities": (
            "SELECT {columns} FROM " + base + "entities e WHERE e.n_documents = 0"
            f" OR EXISTS (SELECT 1 FROM {base}entity_access k WHERE k.entity_id = e.id AND k.documents > 0"
            f" AND NOT ({_hidden(conn, 'k.access_key')}))"),
    }


def _key(conn, levels: Sequence[str]) -> str:
    """The ``archive_nodes.key`` of a level: the JSON array of its parts (as the kept rows have it)."""
    if _pg(conn):
        return f"opis_json_array({', '.join(levels)})"
    return f"json_array({', '.join(levels)})"


#: an entity's counts for the reader: the sums of its kept counts by access key (entity_access,
#: 0019_collections.sql) over the keys they may see
ENTITY_COUNTS = {
    "n_documents": "documents",
    "n_mentions": "mentions",
    "n_discussed": "discussed",
}


def _entity_count(conn, column: str) -> str:
    base, _ = _names(conn)
    return (f"(SELECT coalesce(sum(k.{column}), 0) FROM {base}entity_access k WHERE k.entity_id = e.id"
            f" AND NOT ({_hidden(conn, 'k.access_key')}))")


def view_sql(conn) -> list[tuple[str, str]]:
    """``(name, SELECT …)`` of every shadow view for the connection's database, in the order they
    are created (the filtered tables first: the recounts read them)."""
    base, tmp = _names(conn)
    dialect = conn.dialect
    tables = dialect.tables(conn)
    pg = dialect.name == "postgresql"
    # (SQLite: the key is read from the index documents_access, not from the row, whose last
    # column lies after the compressed record, in its overflow pages)
    docs = (f"SELECT * FROM {base}documents d WHERE NOT ({_hidden(conn, 'd.access_key')})" if pg else
            f"SELECT d.rowid AS rowid_, d.* FROM {base}documents d WHERE {_visible(conn, 'd', 'id')}")
    out: list[tuple[str, str]] = [("documents", docs)]
    for table in tables:
        if table in UNSHADOWED or table == "documents" or table.startswith(("opis_", "procrastinate_")):
            continue
        if "doc_id" in dialect.columns(conn, table):
            rowid = "t.rowid AS rowid_, " if table in ROWID_READ and not pg else ""
            out.append((table, f"SELECT {rowid}t.* FROM {base}{table} t WHERE {_visible(conn, 't')}"))
    counted = _counted(conn)
    for name, sql in counted.items():
        if name not in tables:
            continue
        if name == "entities":
            cols = [c if c not in ENTITY_COUNTS else _entity_count(conn, ENTITY_COUNTS[c]) + f" AS {c}"
                    for c in dialect.columns(conn, "entities")]
            sql = sql.format(columns=", ".join(c if " AS " in c else f"e.{c}" for c in cols))
        out.append((name, sql))
    return out


def install(store, hidden: Sequence[int]) -> None:
    """Shadow the tables of ``store``'s connection for a reader who may not see the documents of
    the access keys ``hidden`` (nothing to do when it is empty). Undone by :func:`remove`.

    The views (SQLite) and settings (PostgreSQL) are made outside any transaction, so that no
    rollback during the request undoes them (nor, after :func:`remove`, brings them back): an
    open read transaction is ended first and a new one begun after (only the collections were
    read in it)."""
    if not hidden or getattr(store, "shadowed", None):
        return
    keys = tuple(sorted(set(hidden)))
    conn = store.conn
    _, tmp = _names(conn)
    with _outside_transaction(store):
        if _pg(conn):
            _pg_settings(conn, ",".join(str(k) for k in keys), f"{PG_SCHEMA}, {_pg_base(conn)}")
        else:
            views = getattr(store, "_shadow_sql", None)
            if views is None:
                views = store._shadow_sql = view_sql(conn)
            with _temp_writes(store):
                conn.execute("BEGIN")
                conn.execute(f"CREATE TEMP TABLE IF NOT EXISTS {HIDDEN} (key INTEGER PRIMARY KEY)")
                conn.execute(f"DELETE FROM {tmp}{HIDDEN}")
                conn.executemany(f"INSERT INTO {tmp}{HIDDEN} (key) VALUES (?)", [(k,) for k in keys])
                for name, sql in views:
                    conn.execute(f"CREATE TEMP VIEW {name} AS {sql}")
                conn.execute("COMMIT")
            _rewrite(conn, True)
    store.shadowed = keys


def remove(store) -> None:
    """Drop the shadow views of :func:`install` (the connection reads the tables again), outside
    any transaction (an open read transaction is ended and begun again)."""
    if not getattr(store, "shadowed", None):
        return
    conn = store.conn
    _, tmp = _names(conn)
    with _outside_transaction(store):
        if _pg(conn):
            _pg_settings(conn, "", _pg_base(conn))
        else:
            _rewrite(conn, False)
            with _temp_writes(store):
                conn.execute("BEGIN")
                for name, _sql in reversed(store._shadow_sql):
                    conn.execute(f"DROP VIEW IF EXISTS {tmp}{name}")
                conn.execute("COMMIT")
    store.shadowed = ()


@contextmanager
def _outside_transaction(store) -> Iterator[None]:
    """End an open (read) transaction, run the block in none, and begin a read again after."""
    conn = store.conn
    was = conn.in_transaction
    if was:
        conn.rollback()
    try:
        yield
    finally:
        if was:
            store.begin_read()


@contextmanager
def suspended(store) -> Iterator[None]:
    """Read the tables themselves for a moment (bringing the search index in step with the store
    must see every document), then shadow them again as before."""
    hidden = getattr(store, "shadowed", None)
    if not hidden:
        yield
        return
    remove(store)
    try:
        yield
    finally:
        install(store, hidden)


def _pg_settings(conn, hidden: str, path: str) -> None:
    """Set the session's hidden keys and search path (PostgreSQL; outside a transaction, so that
    they last until set again)."""
    conn.execute(f"SELECT set_config('{PG_SETTING}', ?, false), set_config('search_path', ?, false)", (hidden, path))


def make_pg_views(conn) -> None:
    """(Re)make the schema of the shadow views on PostgreSQL, after the migrations (inside their
    transaction): the views name the tables' columns as they are then."""
    conn.execute_raw(f"DROP SCHEMA IF EXISTS {PG_SCHEMA} CASCADE")
    conn.execute_raw(f"CREATE SCHEMA {PG_SCHEMA}")
    for name, sql in view_sql(conn):
        conn.execute_raw(f"CREATE VIEW {PG_SCHEMA}.{name} AS {sql}")


def drop_pg_views(conn) -> None:
    """Drop the shadow views before migrations change the tables they name (PostgreSQL)."""
    conn.execute_raw(f"DROP SCHEMA IF EXISTS {PG_SCHEMA} CASCADE")


def _rewrite(conn, on: bool) -> None:
    """Tell a SQLite connection that its tables are views now (see the module docstring)."""
    if hasattr(conn, "shadowed"):
        conn.shadowed = on


@contextmanager
def _temp_writes(store) -> Iterator[None]:
    """Allow writing the temporary schema on a read-only SQLite store for a moment (its
    ``query_only`` refuses even those); the block's transaction is rolled back on an error."""
    conn = store.conn
    readonly = store.readonly or bool(conn.execute("PRAGMA query_only").fetchone()[0])
    if readonly:
        conn.execute("PRAGMA query_only=OFF")
    try:
        yield
    except BaseException:
        if conn.in_transaction:
            conn.rollback()
        raise
    finally:
        if readonly:
            conn.execute("PRAGMA query_only=ON")


def hidden_entity(store, entity_id: str) -> bool:
    """Whether the shadowed reader of ``store`` may not know the entity ``entity_id``: documents
    mention it, none they may see."""
    if not getattr(store, "shadowed", None):
        return False
    base, tmp = _names(store.conn)
    with store.reading("reading an entity"):
        row = store.conn.execute(
            f"SELECT EXISTS (SELECT 1 FROM {base}entity_docs WHERE entity_id = ?),"
            f" EXISTS (SELECT 1 FROM {tmp}entity_docs WHERE entity_id = ?)", (entity_id, entity_id)).fetchone()
    return bool(row[0]) and not row[1]
