"""Words and meaning in one ranking: which text to embed, the nearest paragraphs, the fused score.

Parts: ``meaning_text`` (query text → the words whose meaning is searched), ``nearest`` (the
paragraphs closest to the query vector, among those the filters allow), ``Fused`` and ``fuse``
(a convex mix of the cosine and the lexical score normalised by the best lexical score).

Pure numpy over an engine's document numbers: every engine fuses the same way.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from search.ranking import MEANING_MIN_COSINE, SEMANTIC_WEIGHT

# Query syntax that says what to match, not what the query means: excluded words and phrases
# ("-Maduro", 'NOT "armed forces"'), fields that only filter (year:, kind:), operators, and the
# marks of prefixes, fuzziness and boosts.
_EXCLUDED = re.compile(r'(?:(?<!\S)-|\bNOT\s+)(?:"[^"]*"|\([^)]*\)|\S+)')
_FILTER_FIELDS = re.compile(r"\b(?:year|kind):\S+", re.IGNORECASE)
_FIELD_PREFIX = re.compile(r"\b\w+:(?=\S)")
_OPERATORS = re.compile(r"\b(?:AND|OR|NOT|TO)\b")
_MARKS = re.compile(r'[~^][\d.]*|[*?"()\[\]{}+]')


def meaning_text(q: str) -> str:
    """The words of ``q`` whose meaning is searched: ``sanctions -oil year:2019 actor:maduro``
    → ``sanctions maduro``. Empty when the query only excludes or filters."""
    text = _EXCLUDED.sub(" ", q)
    text = _FILTER_FIELDS.sub(" ", text)
    text = _FIELD_PREFIX.sub("", text)
    text = _OPERATORS.sub(" ", text)
    text = _MARKS.sub(" ", text)
    return " ".join(text.split())


def nearest(cosine: np.ndarray, allowed: np.ndarray | None, k: int,
            exclude: int | None = None, tie: np.ndarray | None = None) -> np.ndarray:
    """The document numbers of the ``k`` largest cosines of at least ``MEANING_MIN_COSINE``
    among ``allowed`` (a boolean mask, None for all), best first; equal cosines in the order of
    ``tie`` (a rank per document number: ranking.TIE_BREAK), else of the numbers."""
    scores = np.where(cosine >= MEANING_MIN_COSINE, cosine, -np.inf)
    if allowed is not None:
        scores = np.where(allowed, scores, -np.inf)
    if exclude is not None:
        scores[exclude] = -np.inf
    candidates = np.flatnonzero(np.isfinite(scores))
    keys = candidates if tie is None else tie[candidates]
    order = np.lexsort((keys, -scores[candidates]))[:k]
    return candidates[order]


@dataclass(frozen=True, slots=True)
class Fused:
    """One candidate: its document number, fused score, and how it was found."""

    docnum: int
    score: float
    matched_by: tuple[str, ...]  # ("words",), ("meaning",) or ("words", "meaning")


def fuse(lexical: Mapping[int, float], meaning: set[int], cosine: np.ndarray,
         best_lexical: float, tie: np.ndarray | None = None) -> list[Fused]:
    """Rank the union of the lexical candidates (docnum → lexical score) and the ``meaning``
    neighbours by ``SEMANTIC_WEIGHT × cosine + (1 − SEMANTIC_WEIGHT) × lexical / best_lexical``,
    best first, equal scores in the order of ``tie`` (as in ``nearest``). A meaning-only
    paragraph has lexical 0."""
    docnums = np.array(sorted(set(lexical) | meaning), dtype=np.int64)
    if not len(docnums):
        return []
    words = np.array([lexical.get(int(n), 0.0) for n in docnums], dtype=np.float64)
    normalised = words / best_lexical if best_lexical > 0 else np.zeros_like(words)
    scores = SEMANTIC_WEIGHT * cosine[docnums].astype(np.float64) + (1 - SEMANTIC_WEIGHT) * normalised
    order = np.lexsort((docnums if tie is None else tie[docnums], -scores))
    return [Fused(int(docnums[i]), float(scores[i]),
                  tuple(how for how, found in (("words", int(docnums[i]) in lexical),
                                               ("meaning", int(docnums[i]) in meaning)) if found))
            for i in order]


def fused_score(lexical: float, cosine: float, best_lexical: float) -> float:
    """``fuse``'s formula for one paragraph (those ranked below the fused candidates)."""
    normalised = lexical / best_lexical if best_lexical > 0 else 0.0
    return SEMANTIC_WEIGHT * float(cosine) + (1 - SEMANTIC_WEIGHT) * normalised
