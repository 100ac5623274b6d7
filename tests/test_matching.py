"""matching.query_mask: the documents a query matches, with the set semantics of its tree.

The reference is built from Whoosh itself: each leaf (term, phrase, prefix…) through Whoosh's
``docs_for_query``, combined with Python sets for Or / And / AndNot. (Whoosh's own AndNot
matcher is not the reference: on a two-segment index it was seen returning a document that
contains the excluded word.)
"""
from __future__ import annotations

import os

import numpy as np
import pytest
from whoosh import query as wq

from search.engines.whoosh.generation import open_current
from search.engines.whoosh.matching import query_mask
from search.engines.whoosh.query import build_query


def reference(searcher, query) -> set[int]:
    kind = type(query)
    children = list(query.children()) if kind in (wq.Or, wq.And, wq.AndNot) else []
    if kind is wq.Or and children:
        return set().union(*(reference(searcher, child) for child in children))
    if kind is wq.And and children:
        return set.intersection(*(reference(searcher, child) for child in children))
    if kind is wq.AndNot:
        return reference(searcher, query.a) - reference(searcher, query.b)
    return set(searcher.docs_for_query(query))


QUERIES = [
    "Maduro", "sanctions oil", "Guaidó", '"National Assembly"', "Maduro AND Guaido",
    "Maduro OR Chávez", "Maduro NOT Guaidó", "Maduro -Guaido", "sanc*", "Guiado~",
    "actor:lopez", "place:caracas", "year:2016..2019 Padrino", "kind:pullquote",
    "(military OR army) AND NOT coup", "why did the uprising fail", "publication:economist Maduro",
    "drought -Kenya", "sanction*", "zzzznotaword",
]


def assert_masks_match(generation, texts):
    with generation.index.searcher() as searcher:
        for text in texts:
            query = build_query(text).query
            mask = query_mask(searcher, query, generation.columns.doc_count)
            assert set(np.flatnonzero(mask).tolist()) == reference(searcher, query), text


def test_query_mask_on_the_seed_index(seed_index):
    assert_masks_match(open_current(seed_index), QUERIES)


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="the writer uses one process on one core")
def test_query_mask_across_segments(two_segment_index):
    with two_segment_index.index.searcher() as searcher:
        assert len(searcher.reader().leaf_readers()) >= 2
    assert_masks_match(two_segment_index, QUERIES)
