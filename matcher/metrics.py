"""Ranking metrics with graded relevance (0 = not useful, 1 = partly, 2 = fits well).

Unjudged programmes count as 0. A profile without any relevant programme has no defined
precision or recall target, so the ranking metrics return ``None`` for it and the averages skip it (as
trec_eval does); ineligible programmes in its top 10 are still counted elsewhere.
"""

from __future__ import annotations

import math


def precision_at(ranked: list[str], relevance: dict[str, int], k: int) -> float | None:
    if not any(g >= 1 for g in relevance.values()):
        return None
    return sum(1 for key in ranked[:k] if relevance.get(key, 0) >= 1) / k


def ndcg_at(ranked: list[str], relevance: dict[str, int], k: int) -> float | None:
    """Normalised discounted cumulative gain with gain 2^g − 1 and log2(rank + 1) discount."""
    ideal = sorted((g for g in relevance.values() if g > 0), reverse=True)[:k]
    ideal_dcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    if ideal_dcg == 0:
        return None
    dcg = sum((2 ** relevance.get(key, 0) - 1) / math.log2(i + 2) for i, key in enumerate(ranked[:k]))
    return float(dcg / ideal_dcg)


def average_precision(ranked: list[str], relevance: dict[str, int]) -> float | None:
    relevant = sum(1 for g in relevance.values() if g >= 1)
    if not relevant:
        return None
    hits, total = 0, 0.0
    for i, key in enumerate(ranked):
        if relevance.get(key, 0) >= 1:
            hits += 1
            total += hits / (i + 1)
    return total / relevant


def mean(values: list[float | None]) -> float | None:
    defined = [v for v in values if v is not None]
    return sum(defined) / len(defined) if defined else None


def recall_at(ranked: list[str], relevance: dict[str, int], k: int | None) -> float | None:
    """Share of all relevant programmes (grade ≥ 1) found in the first ``k`` (all when ``None``)."""
    relevant = {key for key, g in relevance.items() if g >= 1}
    if not relevant:
        return None
    return len(relevant.intersection(ranked[:k])) / len(relevant)
