"""Is this text a document, or data (CSV, TSV, JSON, JSON Lines) that only looks like text?

Data files are refused with a clear line rather than stored as records titled "a,b,c". The tests
are on the content, never on the file name: a JSON text (the whole of it parses as one JSON
object or array), JSON Lines (every one of the first lines parses as an object or array), or a
delimited table (the first lines split into the same number of short fields by one delimiter).
"""

from __future__ import annotations

import csv
import json
import statistics
from collections import Counter

DELIMITERS = {",": "CSV", ";": "CSV", "\t": "TSV", "|": "pipe-separated"}
TABLE_LINES = 50  # lines looked at for a table
MIN_TABLE_LINES = 3
SAME_FIELDS_SHARE = 0.9  # share of those lines with the same number of fields
MAX_MEDIAN_FIELD = 40  # characters: a table's cells are short, prose between commas is not
MAX_JSON_CHARS = 50_000_000  # larger texts are checked for JSON by their first lines only


def data_kind(text: str) -> str | None:
    """'JSON', 'JSON Lines', 'CSV', 'TSV' ... when ``text`` is data rather than a document, else None."""
    stripped = text.strip()
    if not stripped:
        return None
    if stripped[0] in "[{":
        if len(stripped) <= MAX_JSON_CHARS and _is_json(stripped):
            return "JSON"
        if _is_json_lines(stripped):
            return "JSON Lines"
    return table_kind(stripped)


def _is_json(text: str) -> bool:
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        return False
    return isinstance(value, dict | list)


def _is_json_lines(text: str) -> bool:
    lines = [ln for ln in text.splitlines()[:TABLE_LINES] if ln.strip()]
    if len(lines) < 2:
        return False
    return all(ln.lstrip()[:1] in "[{" and _is_json(ln) for ln in lines)


def table_kind(text: str) -> str | None:
    """The kind of delimited table ``text`` is ('CSV', 'TSV' ...), or None."""
    lines = [ln for ln in text.splitlines()[: TABLE_LINES * 2] if ln.strip()][:TABLE_LINES]
    if len(lines) < MIN_TABLE_LINES:
        return None
    for delim, kind in DELIMITERS.items():
        if sum(delim in ln for ln in lines) < SAME_FIELDS_SHARE * len(lines):
            continue
        try:
            rows = list(csv.reader(lines, delimiter=delim))
        except csv.Error:
            continue
        widths = Counter(len(r) for r in rows)
        width, n = widths.most_common(1)[0]
        if width < 2 or n < SAME_FIELDS_SHARE * len(rows):
            continue
        cells = [len(c.strip()) for r in rows for c in r]
        if statistics.median(cells) <= MAX_MEDIAN_FIELD:
            return kind
    return None
