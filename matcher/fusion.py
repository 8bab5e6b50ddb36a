"""Recall first: one ranked list per part of a profile, fused by reciprocal rank, then calibrated.

A profile of twelve interests is twelve questions. Scoring only its whole text lets the interest
with the most words win; so every interest phrase and keyword retrieves its own list (as does the
whole profile and, when it applies, the topic channel), and reciprocal rank fusion adds
``1 / (RRF_K + rank)`` over the lists. A programme that is first for one interest ranks high even
when the other interests say nothing about it.

The 0–100 "Passung" is calibrated per profile, so ``min_score`` means the same for a two-line and a
long profile: the fused value relative to the member's best eligible programme, damped when even
that best programme shares little with the profile (``ABSOLUTE_REFERENCE``), so noise never scores
high.
"""

from __future__ import annotations

import numpy as np

RRF_K = 10  # small: the candidate sets of one member are small, the first places should count
DEPTH = 50  # places of each list that count
MIN_LIST_VALUE = 1e-6  # a programme that shares nothing with a part of the profile is not on its list
ABSOLUTE_REFERENCE = 35.0  # absolute points (0–100) from which the best programme counts as a real fit


def add_list(
    fused: np.ndarray, values: np.ndarray, eligible: np.ndarray, weight: float = 1.0, strength: float | None = None
) -> None:
    """Add one list's reciprocal ranks to ``fused`` (in place): the best ``DEPTH`` eligible programmes
    with a positive value, ranked by ``values``. With ``strength``, the list counts fully only when
    its best value reaches it."""
    candidates = np.flatnonzero(eligible & (values > MIN_LIST_VALUE))
    if not len(candidates):
        return
    if len(candidates) > DEPTH:
        candidates = candidates[np.argpartition(-values[candidates], DEPTH - 1)[:DEPTH]]
    order = candidates[np.argsort(-values[candidates], kind="stable")]
    if strength is not None:  # a part that meets nothing well votes weakly
        weight *= min(1.0, float(values[order[0]]) / strength)
    fused[order] += weight / (RRF_K + np.arange(1, len(order) + 1, dtype=np.float32))


def unlisted(absolute: np.ndarray) -> np.ndarray:
    """The Passung of a programme with no evidence: below every listed one (< 0.01), so never
    proposed, still in the order of the absolute points."""
    scores: np.ndarray = (0.01 * np.clip(absolute, 0.0, 100.0) / 100.0).astype(np.float32)
    return scores


def calibrated(fused: np.ndarray, absolute: np.ndarray, eligible: np.ndarray) -> np.ndarray:
    """Passung 0–100: fused value relative to the best eligible programme, damped when that
    programme's absolute points stay below ``ABSOLUTE_REFERENCE``. Ties in ``fused`` are broken by
    the absolute points, so the order is that of (fused, absolute)."""
    unlisted_scores = unlisted(absolute)
    pool = np.flatnonzero(eligible & (fused > 0))
    if not len(pool):
        return unlisted_scores
    best = pool[np.argmax(fused[pool])]
    confidence = min(1.0, float(absolute[pool].max()) / ABSOLUTE_REFERENCE)
    relative = fused / fused[best] + 1e-4 * np.clip(absolute, 0.0, 100.0) / 100.0
    scores: np.ndarray = np.clip(100.0 * confidence * relative / (1.0 + 1e-4), 0.0, 100.0).astype(np.float32)
    return np.where(fused > 0, scores, unlisted_scores)
