"""Filter, score and rank the indexed programmes for many profiles at once.

Shared by the database run (``run.py``) and the offline evaluation (``evaluation.py``), so that the
evaluation measures exactly what members get.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from core.member_facts import MemberFacts
from matcher.explain import explain
from matcher.filters import (
    CONDITION_REASONS,
    REASON_CLOSED,
    REASON_EXCLUDED_TERM,
    REASON_FUNDING_TYPE,
    REASON_NOT_MUNICIPAL,
    REASON_OTHER_LAND,
    SCOPE_REASONS,
    applicant_ok,
    member_reason,
    programme_reason,
)
from matcher.index import ProgrammeIndex
from matcher.member_fit import Fit, ProgrammeTerms, fit
from matcher.scope import opts_in_abroad
from matcher.scoring import ProfileQuery, ScoreTable, score_profiles, term_hits
from matcher.topics import TopicModel, programme_codes
from store.explanation import Explanation

REASONS = (
    REASON_CLOSED,
    REASON_OTHER_LAND,
    REASON_NOT_MUNICIPAL,
    REASON_FUNDING_TYPE,
    REASON_EXCLUDED_TERM,
    *SCOPE_REASONS,
    *CONDITION_REASONS,
)


def _code(reason: str | None) -> int:
    return REASONS.index(reason) + 1 if reason else 0


@dataclass
class RankRequest:
    member_kind: str
    query: ProfileQuery
    learned: np.ndarray | None = None  # from learning.learned_values
    facts: MemberFacts | None = None  # the member's facts; None: only its kind is known

    @property
    def member_facts(self) -> MemberFacts:
        return self.facts if self.facts is not None else MemberFacts(kind=self.member_kind)


@dataclass
class Ranking:
    """The eligible programmes of one profile, best first, and why the others were left out."""

    rows: list[int]  # index rows, best first, all filters passed (no threshold applied)
    scores: np.ndarray  # score of every index row
    table: ScoreTable
    excluded: Counter[str] = field(default_factory=Counter)

    def proposals(
        self,
        index: ProgrammeIndex,
        query: ProfileQuery,
        *,
        decided: frozenset[int] = frozenset(),
        groups: dict[int, int] | None = None,
    ) -> list[int]:
        """Rows to propose: with evidence and at or above the minimum score, at most ``max_items``, not
        already decided (programme ids in ``decided``), and one record per group of linked records
        (``groups``: programme id -> group id)."""
        groups = groups or {}
        taken = {groups.get(pid, pid) for pid in decided}
        chosen: list[int] = []
        for row in self.rows:
            if len(chosen) == query.max_items or self.scores[row] < query.min_score:
                break
            if not self.table.evidence[row]:
                continue  # a threshold of 0 still proposes nothing the profile does not meet
            programme_id = index.programmes[row].id
            group = groups.get(programme_id, programme_id)
            if group not in taken:
                taken.add(group)
                chosen.append(row)
        return chosen


class Ranker:
    """Filters that do not depend on the profile are computed once per programme; the topic
    classifier is trained once per index and gives programmes without codes their inferred topics."""

    def __init__(self, index: ProgrammeIndex, today: date) -> None:
        self.index = index
        self.today = today
        self.topics = TopicModel.fit(index)
        if self.topics is not None:
            uncoded = [row for row, p in enumerate(index.programmes) if not programme_codes(p)]
            inferred = self.topics.infer_programmes(uncoded)
            index.set_inferred_topics({row: [t.code for t in found] for row, found in inferred.items() if found})
        self.base_codes = np.array([_code(programme_reason(p, today)) for p in index.programmes], dtype=np.int8)
        self._typed_rows = np.array([bool(p.funding_types) for p in index.programmes], dtype=bool)
        self._applicants: dict[str, np.ndarray] = {}
        self._terms: dict[int, ProgrammeTerms] = {}  # index row -> what its texts say, read when first needed
        self._member_codes: dict[tuple[object, ...], np.ndarray] = {}  # (facts, opt-in) -> codes of the member filters

    def terms(self, row: int) -> ProgrammeTerms:
        if row not in self._terms:
            self._terms[row] = ProgrammeTerms.read(self.index.programmes[row])
        return self._terms[row]

    def fit(self, request: RankRequest, row: int) -> Fit:
        """How the programme in ``row`` fits the member's facts (conditions, own share)."""
        return fit(self.terms(row), request.member_facts)

    def _member_mask(self, request: RankRequest, candidates: np.ndarray) -> np.ndarray:
        """Codes of the member filters (scope, tasks, area and size conditions) for the candidate rows."""
        facts = request.member_facts
        wanted = opts_in_abroad(request.query.interests, request.query.keywords)
        key = (facts.kind, tuple(sorted(facts.values.items())), wanted)
        known = self._member_codes.setdefault(key, np.full(len(self.index.programmes), -1, dtype=np.int8))
        for row in np.flatnonzero(candidates & (known < 0)):
            known[row] = _code(member_reason(self.terms(int(row)), facts, abroad_wanted=wanted))
        return np.where(candidates, known, 0)

    def _applicant_mask(self, member_kind: str) -> np.ndarray:
        if member_kind not in self._applicants:
            self._applicants[member_kind] = np.array(
                [applicant_ok(p, member_kind) for p in self.index.programmes], dtype=bool
            )
        return self._applicants[member_kind]

    def _reasons(self, request: RankRequest) -> np.ndarray:
        """Per index row: 0 when the programme passes, else 1 + the position of its reason in REASONS."""
        codes = self.base_codes.copy()
        passing = codes == 0
        codes[passing & ~self._applicant_mask(request.member_kind)] = REASONS.index(REASON_NOT_MUNICIPAL) + 1
        member_codes = self._member_mask(request, codes == 0)
        codes[member_codes > 0] = member_codes[member_codes > 0]
        query = request.query
        if query.funding_types:
            typed = self._typed_rows
            unwanted = typed & (self.index.code_hits("funding_types", query.funding_types) == 0)
            codes[(codes == 0) & unwanted] = REASONS.index(REASON_FUNDING_TYPE) + 1
        if query.exclude:
            excluded = term_hits(self.index, query.exclude, self.index.topic_presence).any(axis=1)
            codes[(codes == 0) & excluded] = REASONS.index(REASON_EXCLUDED_TERM) + 1
        return codes

    def reason(self, request: RankRequest, row: int) -> str | None:
        """The filter reason of one programme for one profile (``None``: it passes)."""
        code = int(self._reasons(request)[row])
        return REASONS[code - 1] if code else None

    def infer(self, queries: list[ProfileQuery]) -> None:
        """Fill ``inferred`` of every query without Förderbereich codes from its plain words."""
        plain = [q for q in queries if not q.topics]
        if self.topics is None or not plain:
            return
        found = self.topics.infer_texts([q.classifier_texts() for q in plain], [set(q.excluded_topics) for q in plain])
        for query, topics in zip(plain, found, strict=True):
            query.inferred = topics

    def rank(self, requests: list[RankRequest]) -> list[Ranking]:
        self.infer([r.query for r in requests])
        all_codes = [self._reasons(request) for request in requests]
        tables = score_profiles(
            self.index, [r.query for r in requests], [r.learned for r in requests], [c == 0 for c in all_codes]
        )
        rankings = []
        for table, codes in zip(tables, all_codes, strict=True):
            scores = table.passung
            order = np.argsort(-scores, kind="stable")
            rows = order[codes[order] == 0].tolist()
            counts = np.bincount(codes, minlength=len(REASONS) + 1)
            excluded = Counter({REASONS[i - 1]: int(counts[i]) for i in range(1, len(counts)) if counts[i]})
            rankings.append(Ranking(rows, scores, table, excluded))
        return rankings

    def explain(self, ranking: Ranking, request: RankRequest, row: int) -> Explanation:
        components = {name: values[row] for name, values in ranking.table.components.items()}
        member_fit = self.fit(request, row)
        return explain(
            self.index,
            row,
            request.query,
            query_vector=ranking.table.word_query,
            phrase_vectors=ranking.table.phrase_queries,
            components=components,
            keyword_hits=ranking.table.keyword_hits[row],
        ).model_copy(update={"conditions": list(member_fit.conditions), "own_share": member_fit.own_share})
