"""The built-in scorers of ``opis eval``: metadata, archival references, entities, claims."""

from __future__ import annotations

import importlib

from opis.evaluate import Scorer
from opis.hookspecs import hookimpl

SCORERS = ("metadata", "archrefs", "entities", "claims")


@hookimpl
def register_scorers() -> list[Scorer]:
    """One scorer per module ``opis.evaluate.<name>``."""
    return [Scorer(name, importlib.import_module(f"opis.evaluate.{name}").score) for name in SCORERS]
