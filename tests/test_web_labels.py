"""Short labels cut at word boundaries (opis.web.labels)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from opis.web.labels import shorten

pytestmark = pytest.mark.unit


@given(st.lists(st.text(alphabet="abcdefgh", min_size=1, max_size=12), min_size=1, max_size=40),
       st.integers(min_value=10, max_value=120))
def test_a_label_is_the_text_or_whole_words_of_it(words, limit):
    text = " ".join(words)
    label = shorten(text, limit)
    assert len(label) <= limit
    if label == text:
        return
    assert label.endswith("…")
    kept = label[:-1].split(" ")
    if len(words[0]) < limit - 1:  # words kept whole, from the start
        assert kept == words[: len(kept)]


def test_the_sample_article_title_is_cut_between_words():
    title = ("Kazakh-Xinjiang Section of Soviet-Chinese Border in the Second Half of the 1920s – the First Half "
             "of the 1930s: Border and Passport Regimes, Illegal Migration, and Economic Practices of the Population")
    assert shorten(title, 84) == "Kazakh-Xinjiang Section of Soviet-Chinese Border in the Second Half of the 1920s…"
