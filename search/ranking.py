"""How matching paragraphs are ordered: BM25F parameters and the paragraph-kind factor.

Parts: ``KIND_FACTORS`` (score multipliers by paragraph kind), ``RankingWeighting`` (Whoosh's
BM25F with our B and K1, every term score multiplied by the paragraph's kind factor),
``ranked`` (wrap a query so it is scored with it).

Whoosh lets a query carry its own weighting model (``whoosh.query.WeightingQuery``), so ranking
is decided where the query is built and the searcher needs no special case.
"""
from __future__ import annotations

import weakref

from whoosh import query as wq
from whoosh import scoring
from whoosh.searching import Searcher

# BM25 parameters (Robertson & Zaragoza, "The Probabilistic Relevance Framework: BM25 and
# Beyond", 2009). Paragraphs are short and of similar length, so full length normalisation
# (Whoosh's default B=0.75) over-rewards one-line paragraphs that mention a name once
# ("Who in Guaido's orbit…") against the paragraph that is about that person; B=0.5 halves
# that bias. K1=1.2 is the usual saturation: a fourth "Guaidó" adds less than the second.
BM25_B = 0.5
BM25_K1 = 1.2

# A pull-quote repeats a sentence of a body paragraph of the same article: both match the same
# words, and the shorter pull-quote wins on length normalisation although the body paragraph
# is the one with the context (and the one a reader should land on). A caption describes a
# photograph, rarely what the article says about the query. Both still rank, only lower: a
# query that only a caption answers still finds it first.
KIND_FACTORS = {"pullquote": 0.5, "caption": 0.8}


class _KindScorer(scoring.BaseScorer):
    """A term scorer whose scores are multiplied by the document's kind factor."""

    def __init__(self, scorer: scoring.BaseScorer, factors: dict[int, float]):
        self._scorer = scorer
        self._factors = factors

    def supports_block_quality(self) -> bool:
        return False

    def score(self, matcher) -> float:
        return self._scorer.score(matcher) * self._factors.get(matcher.id(), 1.0)

    def max_quality(self) -> float:
        return self._scorer.max_quality()


class RankingWeighting(scoring.BM25F):
    """BM25F with our parameters, and kind factors applied to every term's score.

    Block-quality skipping is off: it is an optimisation Whoosh 2.7.4 gets wrong with OR-ed
    groups under a filter and a limit (pages overlapped), and our factors would void its bounds.
    """

    def __init__(self, kind_factors: dict[str, float] = KIND_FACTORS, B: float = BM25_B,
                 K1: float = BM25_K1):
        super().__init__(B=B, K1=K1)
        self.kind_factors = dict(kind_factors)
        # reader → {docnum: factor}: computed once per search and segment, not once per term
        self._cache: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def supports_block_quality(self) -> bool:
        return False

    def scorer(self, searcher: Searcher, fieldname: str, text: bytes, qf: int = 1):
        base = super().scorer(searcher, fieldname, text, qf=qf)
        reader = searcher.reader()
        factors = self._cache.get(reader)
        if factors is None:
            factors = self._cache[reader] = _kind_factors(searcher, self.kind_factors)
        return _KindScorer(base, factors) if factors else base


def _kind_factors(searcher: Searcher, kind_factors: dict[str, float]) -> dict[int, float]:
    # Docnums are those of the (sub)searcher the scorer runs on; pull-quotes and captions are a
    # small share of paragraphs, so this dict stays small.
    factors: dict[int, float] = {}
    for kind, factor in kind_factors.items():
        for docnum in searcher.docs_for_query(wq.Term("kind", kind)):
            factors[docnum] = factor
    return factors


class _Ranked(wq.WeightingQuery):
    """``WeightingQuery`` that works: Whoosh 2.7.4's drops the context it sets (``set`` returns
    a copy), so the searcher's default weighting scored the query anyway."""

    def matcher(self, searcher: Searcher, context=None):
        context = (context or searcher.context()).set(weighting=self.weighting)
        return self.child.matcher(searcher, context)


RANKING = RankingWeighting()


def ranked(query: wq.Query, weighting: scoring.WeightingModel | None = None) -> wq.Query:
    """``query``, scored with ``weighting`` (the house ranking by default) wherever it runs."""
    return _Ranked(query, weighting or RANKING)
