"""The timeline, as ``opis.timeline`` has always offered it; its SQL lives in :mod:`opis.store.timeline`."""

from opis.store.timeline import (  # noqa: F401 - _label_claim, _resolve: for bench/timeline.py
    DEFAULT_LIMIT,
    MentionMatch,
    _label_claim,
    _resolve,
    mention_match,
    sort_key,
    timeline,
)

__all__ = ["DEFAULT_LIMIT", "MentionMatch", "mention_match", "sort_key", "timeline"]
