"""Archival references, footnote citations and bibliography: pure parsers (no I/O)."""

from opis.refs.archival import parse_archival
from opis.refs.parse import Abbreviation, learn_abbreviations, parse_ref

__all__ = ["Abbreviation", "learn_abbreviations", "parse_archival", "parse_ref"]
