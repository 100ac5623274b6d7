"""ranking.py's BM25F over numpy arrays: the same scores as Whoosh's own BM25F where Whoosh is
right, one ranking across segments, and exact pages for phrase queries.
"""
from __future__ import annotations

import os

import numpy as np
import pytest
from whoosh import scoring

from conftest import combined_corpus
from search.engines.whoosh import bm25f as ranking
from search.config import resolve
from search.engines.whoosh.generation import open_current
from search.engines.whoosh.indexer import build_index
from search.engines.whoosh.matching import Postings
from search.engines.whoosh.query import build_query
from search.request import parse_request
from search.engines.whoosh.bm25f import rank, score_query
from search.engines.whoosh.searcher import run_search

# bare words (OR with the coordination bonus), AND, NOT, fields
WORD_QUERIES = ["sanctions oil", "Maduro", "Guaidó military uprising", "Maduro AND Guaido",
                "drought -Kenya", "actor:lopez prison", "army loyal president"]
PHRASE_QUERIES = ['"National Assembly"', '"house arrest" Lopez', '"interim government" OR sanctions',
                  '"armed forces"']


@pytest.fixture(scope="module")
def one_segment(tmp_path_factory):
    folder = tmp_path_factory.mktemp("one-segment")
    settings = resolve({"seeds_dir": combined_corpus(folder), "index_dir": folder / "index"})
    build_index(settings)
    return open_current(settings.index_dir)


def test_scores_equal_whooshs_bm25f_on_a_single_segment(one_segment):
    whoosh_bm25f = scoring.BM25F(B=ranking.BM25_B, K1=ranking.BM25_K1)
    stats = one_segment.stats
    with one_segment.index.searcher(weighting=whoosh_bm25f) as searcher:
        assert len(searcher.reader().leaf_readers()) == 1
        for text in WORD_QUERIES:
            query = build_query(text).ranking_query
            ours = score_query(query, stats, Postings(searcher)) / stats.kind_factor
            theirs = {hit.docnum: hit.score for hit in searcher.search(query, limit=None)}
            assert theirs, text
            for docnum, score in theirs.items():
                assert ours[docnum] == pytest.approx(score, rel=1e-5), (text, docnum)


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="the writer uses one process on one core")
def test_two_segments_rank_as_one(one_segment, two_segment_index):
    # Same corpus; statistics are the whole index's, so the segments do not change a score.
    with two_segment_index.index.searcher() as searcher:
        assert len(searcher.reader().leaf_readers()) >= 2
    for text in WORD_QUERIES + PHRASE_QUERIES:
        request = parse_request({"q": [text], "per_page": ["50"]})
        single = run_search(one_segment, request)
        split = run_search(two_segment_index, request)
        assert single.total == split.total > 0, text
        assert [(h.id, h.score) for h in single.hits] == [(h.id, h.score) for h in split.hits], text


def test_kind_factor_lowers_pullquotes(one_segment):
    kinds = np.array([one_segment.columns.columns["kind"].values[v]
                      for v in one_segment.columns.columns["kind"].value_of_entry])
    pullquotes = one_segment.columns.columns["kind"].doc_of_entry[kinds == "pullquote"]
    assert len(pullquotes)
    assert set(one_segment.stats.kind_factor[pullquotes]) == {ranking.KIND_FACTORS["pullquote"]}


@pytest.mark.parametrize("text", PHRASE_QUERIES)
def test_phrase_pages_are_exact_however_small_the_first_window(one_segment, monkeypatch, text):
    # Phrases are first scored by an upper bound; the window of exact scores must widen until
    # the page is the one exhaustive exact scoring gives.
    parsed = build_query(text)
    with one_segment.index.searcher() as searcher:
        postings = Postings(searcher)
        candidates = np.flatnonzero(postings.mask(parsed.query))
        assert len(candidates) > 3, text
        exact = score_query(parsed.ranking_query, one_segment.stats, postings, exact_in=candidates)
        expected = candidates[np.lexsort((candidates, -exact[candidates]))][:3]
        monkeypatch.setattr(ranking, "RERANK_AT_LEAST", 1)
        docnums, scores = rank(parsed.ranking_query, one_segment.stats, postings, candidates, 3)
        assert docnums.tolist() == expected.tolist(), text
        assert scores.tolist() == pytest.approx(exact[expected].tolist())


def test_upper_bound_never_below_the_exact_score(one_segment):
    with one_segment.index.searcher() as searcher:
        for text in PHRASE_QUERIES:
            parsed = build_query(text)
            postings = Postings(searcher)
            candidates = np.flatnonzero(postings.mask(parsed.query))
            upper = score_query(parsed.ranking_query, one_segment.stats, postings)
            exact = score_query(parsed.ranking_query, one_segment.stats, postings, exact_in=candidates)
            assert np.all(upper[candidates] >= exact[candidates] - 1e-9), text


@pytest.mark.parametrize("pattern, word", [("Guiado~", "Guaido"), ("Padrin*", "Padrino"),
                                           ("sanctio?s", "sanctions")])
def test_fuzzy_and_prefix_words_rank_like_the_word_they_stand_for(one_segment, pattern, word):
    # Whoosh would give every match of a prefix or wildcard one constant score: the paragraph
    # about Guaidó must still come before the one naming him in passing.
    def ranked(text):
        result = run_search(one_segment, parse_request({"q": [text], "per_page": ["5"]}))
        return [hit.id for hit in result.hits], {hit.score for hit in result.hits}
    pattern_ids, pattern_scores = ranked(pattern)
    word_ids, _ = ranked(word)
    assert len(pattern_scores) > 1, pattern
    assert pattern_ids[:3] == word_ids[:3], pattern
