"""The shape of the code base: the store owns its SQL. No module outside ``opis/store`` and the
search backends (``opis/search``) imports the database engine, runs a statement or holds an SQL
string; the CLI and the web reach the data through ``opis.Archive``."""

from __future__ import annotations

import re
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "opis"
OWNERS = ("store", "search")
PATTERNS = [
    re.compile(r"\bimport sqlite3\b|\bsqlite3\."),
    re.compile(r"\.execute(?:many|script)?\("),
    re.compile(r"\b(?:SELECT\s+[\w*(]|INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+TABLE)\b"),
]


def test_no_sql_outside_the_store_and_the_search_backends():
    found = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC)
        if rel.parts[0] in OWNERS:
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if any(p.search(line) for p in PATTERNS):
                found.append(f"{rel}:{n}: {line.strip()}")
    assert not found, "\n".join(found)
