"""Filter, score and rank the indexed programmes for many profiles at once.

Shared by the database run (``run.py``) and the offline evaluation (``evaluation.py``), so that the
evaluation measures exactly what members get.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from matcher.explain import explain
from matcher.filters import (
    REASON_EXCLUDED_TERM, REASON_FUNDING_TYPE, REASON_NOT_MUNICIPAL, applicant_ok, programme_reason,
)
from matcher.index import ProgrammeIndex
from matcher.scoring import ProfileQuery, ScoreTable, score_profiles, term_hits


@dataclass
class RankRequest:
    member_kind: str
    query: ProfileQuery
    learned: np.ndarray | None = None  # from learning.learned_values


@dataclass
class Ranking:
    """The eligible programmes of one profile, best first, and why the others were left out."""

    rows: list[int]  # index rows, best first, all filters passed (no threshold applied)
    scores: np.ndarray  # score of every index row
    table: ScoreTable
    excluded: Counter = field(default_factory=Counter)

    def proposals(self, query: ProfileQuery) -> list[int]:
        """Rows at or above the profile's minimum score, at most ``max_items``."""
        return [row for row in self.rows if self.scores[row] >= query.min_score][: query.max_items]


class Ranker:
    """Filters that do not depend on the profile are computed once per programme."""

    def __init__(self, index: ProgrammeIndex, today: date) -> None:
        self.index = index
        self.today = today
        self.base_reasons = [programme_reason(p, today) for p in index.programmes]
        self._applicants: dict[str, np.ndarray] = {}

    def _applicant_mask(self, member_kind: str) -> np.ndarray:
        if member_kind not in self._applicants:
            self._applicants[member_kind] = np.array(
                [applicant_ok(p, member_kind) for p in self.index.programmes], dtype=bool)
        return self._applicants[member_kind]

    def _reasons(self, request: RankRequest) -> list[str | None]:
        applicants = self._applicant_mask(request.member_kind)
        excluded_terms = term_hits(self.index, request.query.exclude, self.index.topic_presence).any(axis=1)
        wanted_types = set(request.query.funding_types)
        reasons: list[str | None] = []
        for row, programme in enumerate(self.index.programmes):
            reason = self.base_reasons[row]
            if reason is None and not applicants[row]:
                reason = REASON_NOT_MUNICIPAL
            if reason is None and wanted_types and programme.funding_types and not wanted_types & set(programme.funding_types):
                reason = REASON_FUNDING_TYPE
            if reason is None and excluded_terms[row]:
                reason = REASON_EXCLUDED_TERM
            reasons.append(reason)
        return reasons

    def reason(self, request: RankRequest, row: int) -> str | None:
        """The filter reason of one programme for one profile (``None``: it passes)."""
        return self._reasons(request)[row]

    def rank(self, requests: list[RankRequest]) -> list[Ranking]:
        tables = score_profiles(self.index, [r.query for r in requests], [r.learned for r in requests])
        rankings = []
        for request, table in zip(requests, tables):
            reasons = self._reasons(request)
            scores = table.total
            eligible = np.array([reason is None for reason in reasons], dtype=bool)
            rows = [int(r) for r in np.argsort(-scores, kind="stable") if eligible[r]]
            excluded = Counter(reason for reason in reasons if reason is not None)
            rankings.append(Ranking(rows, scores, table, excluded))
        return rankings

    def explain(self, ranking: Ranking, request: RankRequest, row: int) -> dict:
        components = {name: values[row] for name, values in ranking.table.components.items()}
        return explain(self.index, row, request.query, query_vector=ranking.table.word_query,
                       components=components, keyword_hits=ranking.table.keyword_hits[row], today=self.today)
