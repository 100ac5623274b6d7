"""Highlights: the words a query matched are marked, and a phrase's words only where they stand
as the phrase, in the hits and on the document page (issue 15)."""
from __future__ import annotations

import re
from html import unescape

import pytest
from conftest import search

MARK = re.compile(r"<mark>(.*?)</mark>")


def marks(highlight: str) -> list[str]:
    return [unescape(m) for m in MARK.findall(str(highlight))]


def test_a_phrase_marks_only_its_occurrences_in_every_hit(seed_client):
    result = search(seed_client, q='"National Assembly"', per_page=100)
    assert result["total"] >= 5
    for hit in result["hits"]:
        # "US National Security Advisor", "Constituent Assembly" and the National Electoral
        # Council (an actor whose name shares a word) are in these paragraphs: none is marked.
        assert marks(hit["highlight"]), hit["id"]
        assert set(marks(hit["highlight"])) == {"National Assembly"}, (hit["id"], hit["highlight"])


def test_the_paragraph_that_names_other_assemblies_marks_only_the_phrase(seed_client):
    hit = next(h for h in search(seed_client, q='"National Assembly"', per_page=100)["hits"]
               if "National Security" in h["text"] and "Constituent Assembly" in h["text"])
    assert "National <mark>" not in hit["highlight"]
    assert "<mark>National</mark> Security" not in hit["highlight"]
    assert "Constituent <mark>Assembly</mark>" not in hit["highlight"]
    assert marks(hit["highlight"]).count("National Assembly") == hit["text"].count("National Assembly")


def test_a_phrase_and_a_word_mark_the_word_anywhere_and_the_phrase_only_as_a_phrase(seed_client):
    result = search(seed_client, q='"National Assembly" Guaidó', per_page=100)
    marked = {m for hit in result["hits"] for m in marks(hit["highlight"])}
    assert "National Assembly" in marked and "Guaidó" in marked
    assert marked <= {"National Assembly", "Guaidó", "Guaido"}, marked


def test_stop_words_inside_a_phrase_are_skipped_as_the_index_skips_them(seed_client):
    # "of" and "the" are stop words: the index has "control supreme" next to each other, and the
    # whole stretch is marked as one phrase.
    result = search(seed_client, q='"control of the Supreme"')
    assert result["total"] == 2
    for hit in result["hits"]:
        assert marks(hit["highlight"]) == ["control of the Supreme"]


def test_the_document_page_marks_only_the_phrase(seed_client):
    hit = next(h for h in search(seed_client, q='"National Assembly"', per_page=100)["hits"]
               if "National Security" in h["text"])
    html = seed_client.get(f"/documents/{hit['doc_id']}",
                           query_string={"q": '"National Assembly"'}).get_data(as_text=True)
    assert "<mark>National Assembly</mark>" in html
    assert set(marks(html)) == {"National Assembly"}


@pytest.mark.parametrize("query, marked", [
    ("sanctions", {"sanctions", "sanction", "sanctioned"}),  # stems still mark every form
    ('"house arrest"', {"house arrest"}),
])
def test_words_and_phrases_mark_their_forms(seed_client, query, marked):
    result = search(seed_client, q=query, per_page=100)
    found = {m.lower() for hit in result["hits"] for m in marks(hit["highlight"])}
    assert found and found <= marked, found
