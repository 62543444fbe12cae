"""The timeline, as ``opis.timeline`` has always offered it; its SQL lives in :mod:`opis.store.timeline`."""

from opis.store.timeline import (  # noqa: F401 - _label_claim, _resolve: for bench/timeline.py
    DEFAULT_LIMIT,
    MentionMatch,
    TimelinePage,
    _label_claim,
    _resolve,
    mention_match,
    sort_key,
    timeline,
    timeline_page,
    years,
)

__all__ = ["DEFAULT_LIMIT", "MentionMatch", "TimelinePage", "mention_match", "sort_key", "timeline", "timeline_page",
           "years"]
