"""The FTS5 baseline searches the content words the engine searches: the same stop list and
minimum word length (search/analysis.py), so a gain over it is the engine's ranking (issue 15)."""
from __future__ import annotations

import pytest

from search.analysis import STOPWORDS
from search.evaluation.baseline import build_match


@pytest.mark.parametrize("query, match", [
    ("who controls the army", '"controls" OR "army"'),  # "who" is a stop word of the engine
    ("why did the coup fail", '"coup" OR "fail"'),
    ("US sanctions", '"US" OR "sanctions"'),            # "us" is searched by the engine
    ("Maduro may fall", '"Maduro" OR "may" OR "fall"'),
])
def test_baseline_drops_the_engines_stop_words_and_only_those(query, match):
    assert build_match(query) == match


def test_every_engine_stop_word_is_dropped_by_the_baseline():
    assert build_match(" ".join(sorted(STOPWORDS))) == ""
