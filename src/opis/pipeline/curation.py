"""Pipeline component 'curation', the last stage: the curator's corrections re-applied.

Corrections (merge, rename, link, unlink; :mod:`opis.authority.curation`) are stored apart from
the records, so a file processed again keeps what a historian corrected. They reach the stage
through the run's context (``pipeline(doc, corrections=...)``, :func:`opis.pipeline.run_context`):
the ingest reads them from the store once per batch and hands them to the worker process with
the batch. The stage runs last so that the curator's word overrides every stage before it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from opis.authority import curation as rules
from opis.authority.curation import DOCUMENT_FIELDS
from opis.model import Document
from opis.pipeline import component, run_context
from opis.pipeline.linking import build_entities


def curate(doc: Document, corrections: Sequence[dict[str, Any]]) -> Document:
    """Apply ``corrections`` to ``doc`` (entities rebuilt from the corrected mentions as the
    linking stage builds them); what :meth:`opis.Archive.correct` runs on stored documents."""
    return rules.apply(doc, list(corrections), rebuild=build_entities)


@component(
    "curation",
    requires=["text", "notes", "mentions", "entities"],
    assigns=["mentions", "entities", "claims", *DOCUMENT_FIELDS, "provenance"],
)
def curation(doc: Document) -> Document:
    """Apply the archive's entity corrections (merges, splits, relinks) to the document; unchanged when there
    are none."""
    corrections = run_context().corrections
    return curate(doc, corrections) if corrections else doc
