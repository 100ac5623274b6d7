"""Did you mean: real words from the corpus, only when the correction finds more."""
from __future__ import annotations

import pytest

from conftest import search


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
