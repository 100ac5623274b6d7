"""The evaluation formulas against figures worked out by hand in the comments."""
from __future__ import annotations

import math

import pytest

from search.evaluation.metrics import (dcg, ndcg_at_k, precision_recall_f1, recall_at_k,
                                       reciprocal_rank)

# Judged: a = 2, b = 1, c = 1; d and x are unjudged (grade 0).
GRADES = {"a": 2, "b": 1, "c": 1}


def test_dcg_uses_exponential_gain_and_log2_discount():
    # grades [2, 0, 1]: (2²−1)/log2(2) + 0/log2(3) + (2¹−1)/log2(4) = 3/1 + 0 + 1/2 = 3.5
    assert dcg([2, 0, 1]) == pytest.approx(3.5)


def test_dcg_of_nothing_is_zero():
    assert dcg([]) == 0.0


def test_ndcg_of_a_three_item_ranking():
    # ranking b, x, a → grades [1, 0, 2]
    #   DCG  = 1/log2(2) + 0 + 3/log2(4) = 1 + 1.5 = 2.5
    # ideal a, b, c → grades [2, 1, 1]
    #   IDCG = 3/1 + 1/log2(3) + 1/log2(4) = 3 + 0.63093 + 0.5 = 4.13093
    #   nDCG = 2.5 / 4.13093 = 0.60519
    assert ndcg_at_k(["b", "x", "a"], GRADES, k=10) == pytest.approx(2.5 / (3.5 + 1 / math.log2(3)))
    assert ndcg_at_k(["b", "x", "a"], GRADES, k=10) == pytest.approx(0.60519, abs=1e-5)


def test_ndcg_ideal_ranking_is_one():
    assert ndcg_at_k(["a", "b", "c"], GRADES) == pytest.approx(1.0)


def test_ndcg_cuts_both_ranking_and_ideal_at_k():
    # k = 2, ranking x, a: DCG = 0 + 3/log2(3) = 1.89279; IDCG@2 = 3 + 1/log2(3) = 3.63093
    #   nDCG@2 = 1.89279 / 3.63093 = 0.52130
    assert ndcg_at_k(["x", "a", "b"], GRADES, k=2) == pytest.approx(0.52130, abs=1e-5)


def test_ndcg_counts_a_repeated_id_once():
    # a, a → the second "a" earns nothing: DCG = 3; IDCG@2 = 3.63093 → 0.82624
    assert ndcg_at_k(["a", "a"], GRADES, k=2) == pytest.approx(3 / (3 + 1 / math.log2(3)))


def test_ndcg_without_relevant_judgments_is_zero():
    assert ndcg_at_k(["a"], {"a": 0}) == 0.0


def test_recall_counts_every_grade_from_one():
    # relevant = {a, b, c}; top 2 of b, x, a = {b, x} → 1 of 3
    assert recall_at_k(["b", "x", "a"], GRADES, k=2) == pytest.approx(1 / 3)
    # top 20 holds a and b → 2 of 3
    assert recall_at_k(["b", "x", "a"], GRADES, k=20) == pytest.approx(2 / 3)


def test_recall_without_relevant_judgments_is_zero():
    assert recall_at_k(["a"], {}) == 0.0


@pytest.mark.parametrize(("ranking", "expected"), [
    (["a", "b"], 1.0),          # relevant at rank 1
    (["x", "d", "c"], 1 / 3),   # first relevant (grade 1 counts) at rank 3
    (["x", "d"], 0.0),          # none ranked
    ([], 0.0),
])
def test_reciprocal_rank(ranking, expected):
    assert reciprocal_rank(ranking, GRADES) == pytest.approx(expected)


def test_precision_recall_f1():
    # tp 6, fp 2, fn 4: P = 6/8 = 0.75, R = 6/10 = 0.6, F1 = 2·0.75·0.6 / 1.35 = 0.66667
    precision, recall, f1 = precision_recall_f1(6, 2, 4)
    assert (precision, recall) == (pytest.approx(0.75), pytest.approx(0.6))
    assert f1 == pytest.approx(2 / 3)


def test_precision_recall_f1_with_nothing_predicted_is_zero_not_an_error():
    assert precision_recall_f1(0, 0, 3) == (0.0, 0.0, 0.0)
    assert precision_recall_f1(0, 0, 0) == (0.0, 0.0, 0.0)
