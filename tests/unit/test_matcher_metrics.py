"""Ranking metrics against values computed by hand."""

from __future__ import annotations

import math

import pytest

from matcher.metrics import average_precision, mean, ndcg_at, precision_at, recall_at

RANKED = ["a", "b", "c", "d"]
GRADES = {"a": 2, "c": 1, "e": 1}  # "e" is relevant but was not retrieved


def test_precision_counts_relevant_items_over_the_cut_off():
    assert precision_at(RANKED, GRADES, 5) == pytest.approx(2 / 5)
    assert precision_at(RANKED, GRADES, 1) == 1.0


def test_ndcg_uses_graded_gains_and_the_ideal_order():
    dcg = 3 / math.log2(2) + 1 / math.log2(4)
    ideal = 3 / math.log2(2) + 1 / math.log2(3) + 1 / math.log2(4)
    assert ndcg_at(RANKED, GRADES, 10) == pytest.approx(dcg / ideal)  # 0.8473
    assert ndcg_at(["a", "c", "e"], GRADES, 10) == pytest.approx(1.0)


def test_average_precision_divides_by_all_relevant_items():
    assert average_precision(RANKED, GRADES) == pytest.approx((1 / 1 + 2 / 3) / 3)


def test_recall_counts_the_relevant_items_found_within_the_cut_off():
    assert recall_at(RANKED, GRADES, 20) == pytest.approx(2 / 3)  # "e" was never retrieved
    assert recall_at(RANKED, GRADES, 2) == pytest.approx(1 / 3)
    assert recall_at(["e", "a"], GRADES, None) == pytest.approx(2 / 3)


def test_profile_without_relevant_items_is_left_out_of_the_mean():
    assert ndcg_at(RANKED, {}, 10) is None and average_precision(RANKED, {"a": 0}) is None
    assert recall_at(RANKED, {"a": 0}, 20) is None
    assert mean([0.5, None, 1.0]) == pytest.approx(0.75)
