"""Did you mean: real words from the corpus, only when the correction finds more."""
from __future__ import annotations

import re

import pytest
from hypothesis import given, settings, strategies as st
from nltk.metrics.distance import edit_distance as nltk_distance

from conftest import search
from search.spelling import edit_distance


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


# --- a typo beside good words (issue 15): suggested, and reported as matching nothing --------

def test_a_typo_next_to_a_good_word_gets_a_suggestion_and_is_reported(seed_client):
    result = search(seed_client, q="Madurro oil")
    assert result["total"] > 0  # the oil paragraphs
    assert result["suggestion"] == "Maduro oil"
    assert result["unmatched_words"] == ["Madurro"]
    assert search(seed_client, q="Maduro oil")["total"] > result["total"]


@pytest.mark.parametrize("query, unmatched", [
    ("Maduro oil", []),
    ("xqzvbnw oil", ["xqzvbnw"]),          # reported even with nothing close to suggest
    ("the Madurro of oil", ["Madurro"]),   # stop words are not searched, so never "unmatched"
    ("sanc* Madurro", ["Madurro"]),        # a prefix is not a plain word
    ("oil -Madurro", []),                  # an excluded word is not one the reader looks for
    ("Madurro~ oil", []),                  # a fuzzy word is not a plain word
    ("Guaido", []),                        # found through accent folding
])
def test_unmatched_words_are_the_plain_words_no_paragraph_has(seed_client, query, unmatched):
    assert search(seed_client, q=query)["unmatched_words"] == unmatched


def test_a_gibberish_word_beside_a_good_word_gets_no_suggestion(seed_client):
    result = search(seed_client, q="xqzvbnw oil")
    assert result["suggestion"] is None


def test_the_search_page_says_which_words_matched_nothing(seed_client):
    html = seed_client.get("/", query_string={"q": "Madurro oil"}).get_data(as_text=True)
    assert "Did you mean" in html and "Maduro oil" in html
    assert re.search(r'class="unmatched[^"]*">No paragraph has <q>Madurro</q>', html)


def test_the_page_escapes_unmatched_words(seed_client):
    html = seed_client.get("/", query_string={"q": "<b>xqzvbnw</b> oil"}).get_data(as_text=True)
    assert "<b>xqzvbnw" not in html
