"""Hybrid search in the embedded engine: the paragraphs found by meaning, and one order for all.

Parts: ``MeaningMatch`` (the meaning neighbours of a request and every paragraph's cosine) with
``ordered`` (fused ranking, or the date orders over words ∪ meaning) and ``label`` (a hit's
``matched_by``; no ``<mark>`` in a hit found only by meaning), and ``match_meaning``.

How meaning-only paragraphs count: they are the nearest paragraphs among those every filter
allows (search/ranking.py: MEANING_NEIGHBOURS, MEANING_MIN_COSINE), and they count in ``total``
and in the facets like any match. An any-of facet's other values (other years, publications)
count the words' matches only, since the neighbours were chosen inside the selection.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
from markupsafe import escape
from whoosh import query as wq

from search.engines.whoosh.bm25f import rank, score_query
from search.engines.whoosh.generation import Generation
from search.engines.whoosh.matching import Postings
from search.engines.whoosh.query import ParsedQuery
from search.ranking import FUSION_DEPTH, MEANING_NEIGHBOURS
from search.request import SearchRequest
from search.results import Hit
from search.semantic.fusion import fuse, fused_score, meaning_text, nearest
from search.semantic.meaning import Meaning


@dataclass(slots=True)
class MeaningMatch:
    """The meaning side of one hybrid request."""

    lexical: np.ndarray      # matched by the words, within the filters (bool per docnum)
    neighbours: np.ndarray   # found by meaning, within the filters: docnums, nearest first
    cosine: np.ndarray       # every paragraph's cosine with the query
    matched_by: dict[int, tuple[str, ...]]

    @property
    def mask(self) -> np.ndarray:
        found = np.zeros(len(self.lexical), dtype=bool)
        found[self.neighbours] = True
        return found

    @property
    def lexical_total(self) -> int:
        return int(self.lexical.sum())

    def ordered(self, postings: Postings, parsed: ParsedQuery, request: SearchRequest,
                generation: Generation, end: int,
                by_date: Callable[..., list[tuple[int, float | None]]],
                bonus: np.ndarray | None) -> list[tuple[int, float]]:
        """The (docnum, fused score) pairs of the first ``end`` hits, in the request's order:
        by fused score, or (``by_date``, the lexical searcher's own date orders) by date.

        The lexical score fused is the lexical ranking's own: BM25F plus ``bonus``, the query's
        readings (the searcher's ``_reading_bonus``: READING_BOOSTS of search/ranking.py), and
        equal scores in TIE_BREAK order (the generation's ``newest_rank``), so which matches
        make the fused depth never depends on document numbers.
        """
        has_words = not isinstance(parsed.query, wq.Every) and parsed.query is not wq.NullQuery
        lexical: dict[int, float] = {}
        below: list[tuple[int, float]] = []  # lexical matches under the fused ones, in order
        best = 0.0
        docnums = np.flatnonzero(self.lexical)
        if has_words and len(docnums):
            depth = max(FUSION_DEPTH, end) if request.sort == "relevance" else FUSION_DEPTH
            ranked, scores = rank(parsed.ranking_query, generation.stats, postings, docnums,
                                  depth, parsed.proximity, bonus, tie=generation.columns.newest_rank)
            best = float(scores[0])
            lexical = dict(zip(ranked[:FUSION_DEPTH].tolist(), scores[:FUSION_DEPTH].tolist()))
            below = list(zip(ranked[FUSION_DEPTH:].tolist(), scores[FUSION_DEPTH:].tolist()))
            # a neighbour that the words match too, below the fused depth: its own words' score
            deeper = np.array(sorted(int(n) for n in self.neighbours
                                     if self.lexical[n] and int(n) not in lexical), dtype=np.int64)
            if len(deeper):
                exact = score_query(parsed.ranking_query, generation.stats, postings, exact_in=deeper)
                if bonus is not None:
                    exact = exact + bonus
                lexical.update({int(n): float(exact[n]) for n in deeper})
        meaning = set(self.neighbours.tolist())
        for n in set(lexical) | meaning:
            self.matched_by[n] = tuple(how for how, found in (("words", n in lexical or self.lexical[n]),
                                                              ("meaning", n in meaning)) if found)
        if request.sort != "relevance":
            union = self.lexical | self.mask
            pairs = by_date(postings, parsed, request, union, generation, end)
            out = []
            for n, score in pairs:
                words = lexical.get(n, score or 0.0) if self.lexical[n] else 0.0
                self.matched_by.setdefault(n, ("words",))
                out.append((n, round(fused_score(words, self.cosine[n], best), 4)))
            return out
        fused = fuse(lexical, meaning, self.cosine, best, generation.columns.newest_rank)
        out = [(f.docnum, round(f.score, 4)) for f in fused]
        seen = {f.docnum for f in fused}
        for n, score in below:
            if len(out) >= end:
                break
            if n not in seen:
                self.matched_by.setdefault(n, ("words",))
                out.append((n, round(fused_score(score, self.cosine[n], best), 4)))
        return out[:end]

    def label(self, hit: Hit, docnum: int) -> Hit:
        """``hit`` with how it was found; a hit found only by meaning shows its text unmarked."""
        how = self.matched_by.get(docnum, ("words",))
        if "words" not in how:
            return replace(hit, matched_by=how, highlight=escape(hit.text))
        return replace(hit, matched_by=how)


def match_meaning(meaning: Meaning, generation: Generation, request: SearchRequest,
                  filters: dict[str, np.ndarray], lexical: np.ndarray) -> MeaningMatch | None:
    """The paragraphs nearest the request's meaning, among those the filters allow; None when
    the request has nothing to embed (no words, only exclusions or filters)."""
    text = meaning_text(request.q)
    liked = generation.docnum_of.get(request.like) if request.like else None
    if text:
        cosine = meaning.query_cosine(text)
    elif liked is not None:  # more like this by meaning: the paragraph's own vector
        cosine = meaning.paragraph_cosine(liked)
    else:
        return None
    allowed = None
    for mask in filters.values():
        allowed = mask.copy() if allowed is None else allowed & mask
    neighbours = nearest(cosine, allowed, MEANING_NEIGHBOURS, exclude=liked,
                         tie=generation.columns.newest_rank)
    return MeaningMatch(lexical=lexical, neighbours=neighbours, cosine=cosine, matched_by={})
