"""Did you mean: real words from the corpus, only when the correction finds more."""
from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st
from nltk.metrics.distance import edit_distance as nltk_distance

from conftest import search
from search.engines.whoosh.suggest import edit_distance


@pytest.mark.parametrize("typed, meant", [
    ("Maduoro", "Maduro"),        # an inserted letter
    ("Guaydo", "Guaidó"),         # a wrong letter; suggested as the corpus writes it (accent)
    ("Guiado", "Guaidó"),         # two letters swapped: one edit with transpositions
    ("sanktions", "sanctions"),   # a real word, never the stem "sanction"
])
def test_misspelt_name_or_word_gets_the_corpus_spelling(seed_client, typed, meant):
    result = search(seed_client, q=typed)
    assert result["suggestion"] == meant
    assert search(seed_client, q=meant)["total"] > result["total"]


def test_suggestion_keeps_the_query_syntax(seed_client):
    result = search(seed_client, q='Maduoro -"house arrest"')
    assert result["suggestion"] == 'Maduro -"house arrest"'


def test_only_the_misspelt_word_changes(seed_client):
    assert search(seed_client, q="Maduoro sanctions")["suggestion"] in (None, "Maduro sanctions")
    assert search(seed_client, q="Maduoro")["suggestion"] == "Maduro"


@pytest.mark.parametrize("query", ["Maduro", "sanctions", '"house arrest"', "Guaido"])
def test_query_with_enough_hits_gets_no_suggestion(seed_client, query):
    assert search(seed_client, q=query)["suggestion"] is None


def test_gibberish_gets_no_suggestion(seed_client):
    assert search(seed_client, q="xqzvbnw")["suggestion"] is None


def test_edit_distance_is_nltks_with_transpositions():
    # The server's own copy must agree with NLTK's (the reference) on words like the corpus's.
    words = st.text(alphabet="aeiognrdu", max_size=8)

    @settings(max_examples=300, deadline=None)
    @given(words, words)
    def agree(a, b):
        assert edit_distance(a, b) == nltk_distance(a, b, transpositions=True)

    agree()
    assert edit_distance("guiado", "guaido") == 1
