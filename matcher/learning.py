"""Learning from curation: Rocchio-style centroids of what a member's curators and recipients liked.

Approved (and sent) matches and "passt" feedback pull similar programmes up; rejections and
"passt nicht" push similar programmes down. Each signal fades with age (half-life), so a profile
can change its mind. Signals are read per member, so learning for one member never moves another.
The centroids are rebuilt from the stored decisions at every run, in the vector space of that run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.preprocessing import normalize
from sqlmodel import Session, col, select

from matcher.index import ProgrammeIndex, field_texts
from store.models import Feedback, Match, MatchState, Programme, RejectReason

HALF_LIFE_DAYS = 180.0
# How much a rejection says about the *topic*: "schon bekannt" says nothing against it.
REJECT_WEIGHTS: dict[str, float] = {
    RejectReason.topic: 1.0,
    RejectReason.not_eligible: 0.5,
    RejectReason.own_share: 0.25,
    RejectReason.too_small: 0.25,
    RejectReason.known: 0.0,
    RejectReason.other: 0.5,
}
POSITIVE_BIAS = 0.8  # a liked topic lifts a little less than a rejected topic sinks


@dataclass(frozen=True)
class Signal:
    programme: Any
    weight: float  # > 0 liked, < 0 disliked, already decayed


def decay(age_days: float) -> float:
    return float(0.5 ** (max(age_days, 0.0) / HALF_LIFE_DAYS))


def collect_signals(session: Session, member_id: int, today: date) -> list[Signal]:
    """The member's curation decisions and feedback, as weighted signals on programmes."""
    signals: list[Signal] = []
    decided = session.exec(
        select(Match, Programme)
        .join(Programme, col(Programme.id) == col(Match.programme_id))
        .where(Match.member_id == member_id, Match.state != MatchState.proposed)
    ).all()
    for match, programme in decided:
        when = (match.decided_at or match.updated_at or match.created_at).date()
        if match.state == MatchState.rejected:
            weight = -REJECT_WEIGHTS.get(match.reason, 0.5)
        else:
            weight = POSITIVE_BIAS
        if weight:
            signals.append(Signal(programme, weight * decay((today - when).days)))
    feedback = session.exec(
        select(Feedback, Programme)
        .join(Programme, col(Programme.id) == col(Feedback.programme_id))
        .where(Feedback.member_id == member_id)
    ).all()
    for row, programme in feedback:
        weight = POSITIVE_BIAS if row.fits else -1.0
        signals.append(Signal(programme, weight * decay((today - row.created_at.date()).days)))
    return signals


def _centroid(vectors: sp.csr_matrix, weights: np.ndarray) -> sp.csr_matrix | None:
    if not len(weights):
        return None
    return normalize(sp.csr_matrix(weights.reshape(1, -1)) @ vectors)


def learned_values(index: ProgrammeIndex, signals: list[Signal]) -> np.ndarray | None:
    """Per indexed programme: similarity to the liked centroid minus similarity to the disliked one.

    The strength of each side grows with the evidence (1 signal counts half, 3 or more fully).
    """
    if not signals:
        return None
    vectors = index.word.transform([field_texts(s.programme) for s in signals])
    weights = np.array([s.weight for s in signals], dtype=np.float32)
    values = np.zeros(len(index.programmes), dtype=np.float32)
    for side, mask in ((1.0, weights > 0), (-1.0, weights < 0)):
        centroid = _centroid(vectors[np.flatnonzero(mask)], np.abs(weights[mask]))
        if centroid is None:
            continue
        evidence = min(1.0, float(np.abs(weights[mask]).sum()) / 3.0 + 0.34)
        values += side * evidence * (index.word_matrix @ centroid.T).toarray().ravel()
    return np.clip(values, -1.0, 1.0)


def learned_summary(signals: list[Signal], today: date) -> dict[str, Any]:
    """What ``Profile.learned`` shows about the state of learning (the centroids are rebuilt per run)."""
    return {
        "positive": sum(1 for s in signals if s.weight > 0),
        "negative": sum(1 for s in signals if s.weight < 0),
        "half_life_days": HALF_LIFE_DAYS,
        "as_of": today.isoformat(),
    }
