"""Ranking properties, each on a handful of paragraphs written for it (an in-memory index).

Every test states an order a reader would expect and would fail if the mechanism behind it
(exact-form field, actor field, kind factor, stopwords, ranking-only fields, proximity) broke.
"""
from __future__ import annotations

import numpy as np
import pytest
from whoosh.filedb.filestore import RamStorage

from search.engines.whoosh.matching import Postings
from search.engines.whoosh.query import build_query
from search.engines.whoosh.bm25f import CorpusStats, rank
from search.engines.whoosh.schema import build_schema


def build(paragraphs: list[dict]):
    """An index of ``paragraphs`` (id, text and optional kind, actor, title, publication, year)."""
    index = RamStorage().create_index(build_schema())
    with index.writer() as writer:
        for paragraph in paragraphs:
            writer.add_document(
                id=paragraph["id"], doc_id="d", position=0, kind=paragraph.get("kind", "body"),
                text=paragraph["text"], text_exact=paragraph["text"],
                title=paragraph.get("title", ""), publication=paragraph.get("publication", ""),
                year=paragraph.get("year", 2019), actor=paragraph.get("actor", ""),
                place=paragraph.get("place", ""))
    return index


def ranking(index, text: str) -> list[str]:
    """Paragraph ids matching ``text``, best first, the way run_search ranks them."""
    parsed = build_query(text)
    with index.searcher() as searcher:
        postings = Postings(searcher)
        matched = np.flatnonzero(postings.mask(parsed.query))
        docnums, _ = rank(parsed.ranking_query, CorpusStats.from_searcher(searcher), postings,
                          matched, len(matched), parsed.proximity)
        return [searcher.stored_fields(int(docnum))["id"] for docnum in docnums]


def test_exact_form_ranks_above_a_stemmed_form():
    index = build([{"id": "stemmed", "text": "The sanction hit the oil company hard."},
                   {"id": "exact", "text": "The sanctions hit the oil company hard."}])
    assert ranking(index, "sanctions") == ["exact", "stemmed"]
    assert ranking(index, "sanction") == ["stemmed", "exact"]


def test_paragraph_naming_the_actor_ranks_above_one_sharing_the_word():
    # Both say "Lopez"; only the first names the actor (the extractor put him in its actor field).
    index = build([{"id": "word", "text": "The Lopez report on prices was published on Monday."},
                   {"id": "actor", "text": "Mr Lopez was released on Monday after a long wait.",
                    "actor": "Leopoldo López"}])
    assert ranking(index, "Lopez") == ["actor", "word"]


def test_actor_field_finds_an_accented_surname_from_the_plain_spelling():
    index = build([{"id": "named", "text": "The opposition leader spoke.", "actor": "Leopoldo López"},
                   {"id": "other", "text": "The minister spoke.", "actor": "Nicolás Maduro"}])
    assert ranking(index, "actor:lopez") == ["named"]


def test_body_paragraph_ranks_above_the_pullquote_that_repeats_it():
    sentence = "The army stayed loyal to the president."
    index = build([{"id": "quote", "kind": "pullquote", "text": sentence},
                   {"id": "body", "text": sentence + " Few officers answered the call to defect, "
                                                     "and the day ended in arrests."}])
    assert ranking(index, "army loyal") == ["body", "quote"]


def test_question_ranks_by_its_content_words():
    index = build([
        {"id": "function words", "text": "Why did they do what they did, and why did it matter to "
                                         "the people who were there at the time?"},
        {"id": "content", "text": "The uprising failed because the generals did not defect."}])
    assert ranking(index, "why did the uprising fail")[0] == "content"


@pytest.mark.parametrize("text", ["why did the", "the"])
def test_query_of_only_stopwords_searches_nothing(text):
    index = build([{"id": "a", "text": "Why did the army stay?"}])
    assert ranking(index, text) == []


def test_title_raises_a_paragraph_but_never_makes_one_match():
    index = build([{"id": "plain", "text": "Oil output fell again."},
                   {"id": "titled", "text": "Oil output fell again.", "title": "Sanctions bite"},
                   {"id": "title only", "text": "Nothing here.", "title": "Sanctions and oil"}])
    assert ranking(index, "oil sanctions") == ["titled", "plain"]


def test_bare_year_and_publication_words_prefer_that_year_and_publication():
    text = "Maduro spoke to the assembly about the economy."
    index = build([{"id": "other", "text": text, "year": 2019, "publication": "Crisis Group"},
                   {"id": "economist 2021", "text": text, "year": 2021, "publication": "The Economist"}])
    assert ranking(index, "Economist Maduro 2021") == ["economist 2021", "other"]
    # the year and publication only rank: both paragraphs still match "Maduro" alone
    assert set(ranking(index, "Maduro")) == {"other", "economist 2021"}


def test_words_close_together_rank_above_the_same_words_apart():
    index = build([
        {"id": "apart", "text": "Relief came for the farmers. Later, measures and sanctions "
                                "were announced."},
        {"id": "together", "text": "Measures were announced. Later, sanctions relief came for the "
                                   "farmers."}])
    assert ranking(index, "sanctions relief") == ["together", "apart"]


def test_all_words_rank_above_some_words():
    index = build([{"id": "one", "text": "Oil prices rose."},
                   {"id": "both", "text": "Oil prices rose despite sanctions."}])
    assert ranking(index, "oil sanctions") == ["both", "one"]
