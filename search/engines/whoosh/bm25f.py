"""How matching paragraphs are ordered: BM25F over numpy arrays, kind factors, proximity.

Parts: ``BM25_B``/``BM25_K1`` and ``KIND_FACTORS`` (the ranking's parameters), ``CorpusStats``
(per generation: field lengths and kind factors as arrays), ``score_query`` (a query tree → one
score per document), ``rank`` (the ordered page of a search, proximity bonus included).

Whoosh 2.7.4 scores a query by walking every matching posting in Python, one document at a time
(62 % of a search at 10k paragraphs, and linear in the matches). Here each term's postings are
read a block at a time (matching.Postings) and BM25 is computed for all of them at once; the
query tree's nodes become array additions. The model is Whoosh's BM25F as the index used it:
per field BM25 with Whoosh's idf (log(N / (df + 1)) + 1) and its stored (byte-rounded) field
lengths, and field boosts; an OR or AND adds its parts' scores. Two deliberate differences: the statistics are those of the whole index, never of one segment (a
multi-segment index ranks as a single-segment one would), and the kind factor multiplies a
paragraph's whole score.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from whoosh import query as wq
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.searching import Searcher
from whoosh.util.numeric import byte_to_length

from search.engines.whoosh.matching import Postings
from search.ranking import BM25_B, BM25_K1, KIND_FACTORS

# The proximity bonus needs word positions, read per document: it re-ranks the best
# RERANK_AT_LEAST paragraphs by the other evidence (or twice the requested page's end, if
# more), as search engines re-rank a first-pass top list with costlier features.
RERANK_AT_LEAST = 100

# A prefix or wildcard that stands for more words than this ("s*") matches with one constant
# score: scoring hundreds of words would cost more than the ranking is worth.
MAX_SCORED_EXPANSIONS = 50

_BYTE_TO_LENGTH = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)


@dataclass(slots=True)
class CorpusStats:
    """What BM25F needs besides postings, for one index generation (never per request)."""

    doc_count: int
    lengths: dict[str, np.ndarray]       # field → each document's (byte-rounded) length
    average_length: dict[str, float]     # field → average length, as Whoosh computes it
    kind_factor: np.ndarray              # each document's KIND_FACTORS multiplier
    live_count: int = 0                  # documents not deleted: the N of idf

    @classmethod
    def from_searcher(cls, searcher: Searcher, field_lengths: dict[str, int] | None = None) -> CorpusStats:
        """The statistics of the searcher's index. ``field_lengths`` (field → total length of
        the live documents, kept by the indexer) replaces Whoosh's totals, which count deleted
        documents and, after a merge, rounded lengths: with it, an index updated incrementally
        scores exactly as one built from scratch."""
        doc_count = searcher.doc_count_all()
        live_count = searcher.doc_count()
        lengths = {name: _field_lengths(searcher, name, doc_count)
                   for name, field in searcher.schema.items() if field.scorable}
        if field_lengths is None:
            average = {name: searcher.avg_field_length(name) or 1.0 for name in lengths}
        else:  # Whoosh's formula (total length / documents) over the live documents
            average = {name: field_lengths.get(name, 0) / (live_count or 1) or 1.0 for name in lengths}
        kind_factor = np.ones(doc_count, dtype=np.float64)
        postings = Postings(searcher)
        for kind, factor in KIND_FACTORS.items():
            ids, _ = postings.get("kind", kind)
            kind_factor[ids] = factor
        return cls(doc_count, lengths, average, kind_factor, live_count)


def _field_lengths(searcher: Searcher, fieldname: str, doc_count: int) -> np.ndarray:
    # Whoosh keeps each document's field length as one byte (a rounded length) in a column per
    # segment; read the bytes at once instead of one doc_field_length call per document.
    lengths = np.zeros(doc_count, dtype=np.float64)
    for leaf, offset in searcher.leaf_searchers():
        column = leaf.reader()._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
        if column is None:
            continue
        raw = np.frombuffer(column._dbfile.get(column._basepos, column._count), dtype=np.uint8)
        lengths[offset:offset + len(raw)] = _BYTE_TO_LENGTH[raw]
    return lengths


def score_query(query: wq.Query, stats: CorpusStats, postings: Postings,
                exact_in: np.ndarray | None = None) -> np.ndarray:
    """Each document's score for ``query``, kind factors applied.

    A phrase needs its words' positions, read document by document: by default it scores as
    if its words stood together wherever they all occur, an upper bound of its true score. With
    ``exact_in`` (sorted docnums) phrases are checked in those documents, whose scores are
    then exact (the others' are meaningless).
    """
    return _Scorer(stats, postings, exact_in).score(query) * stats.kind_factor


def _has_phrase(query: wq.Query) -> bool:
    return isinstance(query, wq.Phrase) or (not query.is_leaf() and
                                            any(_has_phrase(child) for child in query.children()))


class _Scorer:
    """Walks a query tree; each node gives a dense score array over document numbers."""

    def __init__(self, stats: CorpusStats, postings: Postings, exact_in: np.ndarray | None = None):
        self.stats = stats
        self.postings = postings
        self.doc_count = stats.doc_count
        self.exact_in = exact_in

    def score(self, query: wq.Query) -> np.ndarray:
        kind = type(query)
        if kind is wq.Term:
            return self.term(query.fieldname, query.text, query.boost)
        if isinstance(query, (wq.Or, wq.And, wq.AndMaybe)):  # the parts that match add up
            return self._sum(list(query.children())) * query.boost
        if kind is wq.AndNot:
            return self.score(query.a) * query.boost
        if isinstance(query, wq.Phrase):
            mask = (self._all_words(query) if self.exact_in is None
                    else self.postings.phrase_mask(query, within=self.exact_in))
            terms = sum((self.term(query.fieldname, word, 1.0) for word in query.words),
                        np.zeros(self.doc_count))
            return np.where(mask, terms, 0.0) * query.boost
        if isinstance(query, wq.MultiTerm):
            # fuzzy words, prefixes, wildcards: the words they stand for, each scored as typed
            # (Whoosh gives most of them one constant score, so "Guiado~" would not prefer the
            # paragraph about Guaidó to one naming him in passing)
            words = self._expanded(query)
            if len(words) <= MAX_SCORED_EXPANSIONS:
                return self._sum(words)
        # constant-score nodes (ranges, prefixes, wildcards, NOT, everything): the boost
        return np.where(self.postings.mask(query), float(query.boost), 0.0)

    def term(self, fieldname: str, text: str | bytes, boost: float) -> np.ndarray:
        scores = np.zeros(self.doc_count)
        ids, weights = self.postings.get(fieldname, text)
        if not len(ids):
            return scores
        lengths = self.stats.lengths.get(fieldname)
        if lengths is None:  # not scorable (ids, numbers): the weight as is, as Whoosh does
            scores[ids] = weights * boost
            return scores
        # Whoosh's idf over the live documents (postings hold no deleted one: matching.py)
        idf = math.log(self.stats.live_count / (len(ids) + 1)) + 1
        norm = BM25_K1 * ((1 - BM25_B) + BM25_B * lengths[ids] / self.stats.average_length[fieldname])
        scores[ids] = boost * idf * (weights * (BM25_K1 + 1)) / (weights + norm)
        return scores

    def _all_words(self, phrase: wq.Phrase) -> np.ndarray:
        mask = np.ones(self.doc_count, dtype=bool)
        for word in phrase.words:
            present = np.zeros(self.doc_count, dtype=bool)
            present[self.postings.get(phrase.fieldname, word)[0]] = True
            mask &= present
        return mask

    def _sum(self, children: list[wq.Query]) -> np.ndarray:
        total = np.zeros(self.doc_count)
        for child in children:
            total += self.score(child)
        return total

    def _expanded(self, query: wq.MultiTerm) -> list[wq.Term]:
        return [wq.Term(query.fieldname, text, boost=query.boost)
                for text in self.postings.expand(query)]


def rank(query: wq.Query, stats: CorpusStats, postings: Postings, candidates: np.ndarray,
         end: int, proximity: wq.Phrase | None = None,
         bonus: np.ndarray | None = None, tie: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The best ``end`` of ``candidates`` (docnums) for ``query``: (docnums, scores), best first.

    Equal scores are ordered by ``tie`` (a rank per document, lower first: search/ranking.py
    TIE_BREAK, the generation's ``newest_rank``), never by document number, which depends on
    how the index was written; without ``tie``, by document number. A query with phrases is
    scored with their upper bounds, then exactly in a window of the best, widened until no
    document outside it could beat (or tie with) the last one of the page. ``proximity`` (a
    sloppy phrase) adds its score to the paragraphs of the window where its words stand close
    together. ``bonus`` (one score per document, or None) is added as is: the query's readings
    of metadata words (search/interpret.py), computed from the facet columns.
    """
    extra = bonus[candidates] if bonus is not None else 0.0
    scores = score_query(query, stats, postings)[candidates] + extra
    window = min(len(candidates), max(RERANK_AT_LEAST, 2 * end))
    exact = not _has_phrase(query)
    while True:
        if window < len(candidates):
            top = np.argpartition(-scores, window - 1)[:window]
            # every candidate tied with the window's last one too: which of them made it into
            # the window would otherwise depend on document numbers
            top = np.flatnonzero(scores >= scores[top].min())
        else:
            top = np.arange(len(candidates))
        top_docs, top_scores = candidates[top], scores[top]
        if exact:
            break
        inside = np.sort(top_docs)
        top_scores = score_query(query, stats, postings, exact_in=inside)[top_docs]
        if bonus is not None:
            top_scores = top_scores + bonus[top_docs]
        outside_best = np.delete(scores, top).max() if len(top) < len(candidates) else -np.inf
        last_on_page = np.sort(top_scores)[::-1][min(end, len(top)) - 1]
        if last_on_page > outside_best:  # a tie outside might come first by the tie-break
            break
        window = min(len(candidates), max(window, len(top)) * 4)
    if proximity is not None and len(top_docs):
        near = postings.phrase_mask(proximity, within=np.sort(top_docs))[top_docs]
        if near.any():
            words = sum(_Scorer(stats, postings).term(proximity.fieldname, word, 1.0)[top_docs]
                        for word in proximity.words)
            top_scores = top_scores + np.where(near, words * proximity.boost, 0.0) * stats.kind_factor[top_docs]
    order = np.lexsort((top_docs if tie is None else tie[top_docs], -top_scores))[:end]
    return top_docs[order], top_scores[order]
