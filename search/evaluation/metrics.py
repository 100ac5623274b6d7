"""The evaluation formulas, one per function, each citing where it comes from.

Parts: ranking metrics over a ranked list of paragraph ids and graded judgments
(``dcg``, ``ndcg_at_k``, ``recall_at_k``, ``reciprocal_rank``) and set metrics over counts
(``precision_recall_f1``). Grades follow the judgment files: 2 = about the query,
1 = relevant mention, absent = 0. Pure functions: no files, no index.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

# A paragraph counts as relevant for recall and reciprocal rank from this grade up.
RELEVANT_GRADE = 1


def _unique(ranked_ids: Iterable[str]) -> list[str]:
    """Drop repeated ids, keeping the first: a system must not earn gain twice for one paragraph."""
    seen: set[str] = set()
    out: list[str] = []
    for paragraph_id in ranked_ids:
        if paragraph_id not in seen:
            seen.add(paragraph_id)
            out.append(paragraph_id)
    return out


def dcg(grades: Sequence[int]) -> float:
    """Return the discounted cumulative gain of grades listed in rank order.

    DCG = Σ_{m=1..n} (2^grade_m − 1) / log2(1 + m): exponential gain (Burges et al., "Learning to
    rank using gradient descent", ICML 2005) with the log2 rank discount of Järvelin & Kekäläinen,
    "Cumulated gain-based evaluation of IR techniques", ACM TOIS 20(4), 2002; the form given in
    Manning, Raghavan & Schütze, *Introduction to Information Retrieval* (2008), §8.4.
    """
    return sum((2 ** grade - 1) / math.log2(1 + rank) for rank, grade in enumerate(grades, start=1))


def ndcg_at_k(ranked_ids: Sequence[str], grades: Mapping[str, int], k: int = 10) -> float:
    """Return nDCG@k: the DCG of the top k divided by the DCG of the ideal top k.

    The ideal ranking sorts *all* judged paragraphs by grade, so relevant paragraphs the system
    never returned still lower the score (IIR §8.4, Z_k normalisation). Unjudged ids have grade 0.
    0.0 when nothing is judged relevant (no ideal gain to normalise by).
    """
    ideal = dcg(sorted((g for g in grades.values() if g > 0), reverse=True)[:k])
    if ideal == 0:
        return 0.0
    gained = dcg([grades.get(pid, 0) for pid in _unique(ranked_ids)[:k]])
    return gained / ideal


def recall_at_k(ranked_ids: Sequence[str], grades: Mapping[str, int], k: int = 20) -> float:
    """Return recall@k: the share of relevant paragraphs (grade ≥ 1) found in the top k.

    Recall = |relevant ∩ retrieved@k| / |relevant| (IIR §8.3, eq. 8.2, cut at rank k).
    0.0 when nothing is judged relevant, as trec_eval does.
    """
    relevant = {pid for pid, g in grades.items() if g >= RELEVANT_GRADE}
    if not relevant:
        return 0.0
    return len(relevant.intersection(_unique(ranked_ids)[:k])) / len(relevant)


def reciprocal_rank(ranked_ids: Sequence[str], grades: Mapping[str, int]) -> float:
    """Return 1 / rank of the first relevant paragraph (grade ≥ 1), or 0.0 if none is ranked.

    Averaged over queries this is the mean reciprocal rank (Voorhees, "The TREC-8 Question
    Answering Track Report", TREC-8, 1999).
    """
    for rank, pid in enumerate(_unique(ranked_ids), start=1):
        if grades.get(pid, 0) >= RELEVANT_GRADE:
            return 1.0 / rank
    return 0.0


def precision_recall_f1(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    """Return (precision, recall, F1) from true positive, false positive and false negative counts.

    P = tp / (tp + fp), R = tp / (tp + fn), F1 = 2PR / (P + R), the balanced F measure
    (van Rijsbergen, *Information Retrieval*, 2nd ed., 1979, ch. 7; IIR §8.3, eq. 8.5 with β = 1).
    A zero denominator gives 0.0 rather than an error: nothing predicted means no precision earned.
    """
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1
