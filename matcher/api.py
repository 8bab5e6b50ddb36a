"""The matcher's one public entry point: the weekly run, the CLI, the live preview and the evaluation
all go through ``Matcher``, so they rank exactly alike.

``Matcher`` fits the programme index once for a list of programmes and a day, then scores any number
of profiles against it (fit → filter and score → explain). ``match_members`` is the run that stores
proposals; ``explain_programme`` answers "why (not) this programme for this member"; ``MatcherCache``
keeps one fitted matcher per web app so typing in the profile form does not refit TF-IDF on every
keystroke. Nothing outside ``matcher/`` needs the index, the ranker or the scorer.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from matcher.index import ProgrammeIndex
from matcher.learning import Signal, collect_signals, learned_summary, learned_values
from matcher.ranking import Ranker, Ranking, RankRequest
from matcher.scoring import ProfileQuery
from profiles.facts import member_facts
from store.curation import decided_programme_ids, open_match_count, replace_proposals
from store.explanation import Explanation
from store.links import link_groups
from store.models import Member, Profile, Programme, row_id
from store.types import utcnow

REASON_REMOVED = "entfernt"


@dataclass
class Verdict:
    """One programme for one profile: its score, the filter that stops it (if any) and why it fits."""

    programme: Any
    score: float
    reason: str | None  # hard-filter reason, or None when it passes the filters
    explanation: Explanation
    min_score: float
    # Förderbereich codes read from the profile's plain words with the classifier's confidence
    # (empty when the profile names its own codes).
    profile_topics: list[tuple[str, float]] = field(default_factory=list)
    evidence: bool = True  # False: nothing the member wrote or taught meets the programme

    @property
    def proposed(self) -> bool:
        return self.reason is None and self.evidence and self.score >= self.min_score


@dataclass
class MatchReport:
    per_member: dict[str, int] = field(default_factory=dict)  # slug -> matches proposed or approved
    excluded: dict[str, dict[str, int]] = field(default_factory=dict)  # slug -> reason -> count
    programmes: int = 0  # programmes indexed (open, not removed)


def open_programmes(session: Session) -> list[Programme]:
    """Programmes that can be matched: not removed and not closed (deadlines are judged per day)."""
    rows = session.exec(select(Programme).where(col(Programme.removed_at).is_(None)).order_by(col(Programme.id))).all()
    return [p for p in rows if not p.closed and p.status != "closed"]


def linked_groups(session: Session) -> dict[int, int]:
    """Programme id -> one id standing for its group of linked records (``store.links``), so a run
    proposes one record per programme; unlinked programmes are absent."""
    return {pid: min(group) for pid, group in link_groups(session).items()}


class Matcher:
    """The programmes of one day, fitted once; ranks member profiles against them."""

    def __init__(self, programmes: Sequence[Any], today: date) -> None:
        self.today = today
        self.index = ProgrammeIndex.fit(list(programmes))
        self.ranker = Ranker(self.index, today)
        self._rows = {p.id: row for row, p in enumerate(self.index.programmes)}

    @property
    def programmes(self) -> list[Any]:
        return self.index.programmes

    def learned(self, signals: list[Signal]) -> np.ndarray | None:
        """Per programme, how close it is to what curation and feedback taught about the member."""
        return learned_values(self.index, signals)

    def request(self, session: Session, member: Member, query: ProfileQuery) -> RankRequest:
        """A member's profile ready to rank, with what its curation and feedback taught."""
        signals = collect_signals(session, row_id(member), self.today)
        return RankRequest(member.kind, query, self.learned(signals), member_facts(session, member))

    def rank(self, requests: list[RankRequest]) -> list[Ranking]:
        """Filter and score every programme for every request (a few sparse products for all)."""
        return self.ranker.rank(requests)

    def verdict(self, request: RankRequest, ranking: Ranking, row: int) -> Verdict:
        return Verdict(
            programme=self.index.programmes[row],
            score=round(float(ranking.scores[row]), 1),
            reason=self.ranker.reason(request, row),
            explanation=self.ranker.explain(ranking, request, row),
            min_score=request.query.min_score,
            profile_topics=[(t.code, t.confidence) for t in request.query.inferred],
            evidence=bool(ranking.table.evidence[row]),
        )

    def top(self, request: RankRequest, limit: int) -> list[Verdict]:
        """The best ``limit`` programmes that pass the filters, whether above the threshold or not."""
        ranking = self.rank([request])[0]
        return [self.verdict(request, ranking, row) for row in ranking.rows[:limit]]

    def proposals(
        self,
        request: RankRequest,
        ranking: Ranking,
        *,
        decided: frozenset[int] = frozenset(),
        groups: dict[int, int] | None = None,
    ) -> list[Verdict]:
        """What the run proposes: at or above the minimum score, at most ``max_items``, one record per
        group of linked records, never a programme already decided for the member."""
        rows = ranking.proposals(self.index, request.query, decided=decided, groups=groups)
        return [self.verdict(request, ranking, row) for row in rows]

    def row_of(self, programme_id: int) -> int | None:
        return self._rows.get(programme_id)

    def store_inferred_topics(self) -> None:
        """Write each programme's inferred Förderbereich codes onto it (empty for programmes with their
        own codes), so the mailer can route it to departments by topic without the matcher."""
        for row, programme in enumerate(self.index.programmes):
            inferred = list(self.index.inferred_topics.get(row, []))
            if list(programme.inferred_topics or []) != inferred:
                programme.inferred_topics = inferred


# ---------------------------------------------------------------------------------------------
# The run, the explanation of one pair, the cache of the web app
# ---------------------------------------------------------------------------------------------


def _members(session: Session, slugs: list[str] | None) -> list[tuple[Member, Profile]]:
    query = select(Member, Profile).join(Profile, col(Profile.member_id) == Member.id).order_by(Member.slug)
    if slugs:
        query = query.where(col(Member.slug).in_(slugs))
    members = list(session.exec(query).all())
    missing = sorted(set(slugs or []) - {m.slug for m, _ in members})
    if missing:
        raise ValueError(f"unbekannte Mitglieder oder ohne Profil: {', '.join(missing)}")
    return members


def match_members(
    engine: Engine,
    *,
    member_slugs: list[str] | None = None,
    today: date | None = None,
    progress: Callable[[str], None] | None = None,
) -> MatchReport:
    """Create/update proposed matches for every member (or the given slugs) from its profile.

    Curators' decisions are never touched (see ``store.curation``). ``progress`` is called with each
    member's slug when it is done. Raises ``ValueError`` naming unknown slugs before anything changes.
    """
    today = today or utcnow().date()
    report = MatchReport()
    with Session(engine, expire_on_commit=False) as session:
        members = _members(session, member_slugs)
        programmes = open_programmes(session)
        report.programmes = len(programmes)
        matcher = Matcher(programmes, today) if programmes else None
        groups = linked_groups(session)
        signals = [collect_signals(session, row_id(member), today) for member, _ in members]
        requests = [
            RankRequest(
                member.kind,
                ProfileQuery.from_profile(profile),
                matcher.learned(member_signals),
                member_facts(session, member),
            )
            for (member, profile), member_signals in zip(members, signals, strict=True)
            if matcher is not None
        ]
        rankings = matcher.rank(requests) if matcher is not None else []
        if matcher is not None:
            matcher.store_inferred_topics()
        for number, ((member, profile), member_signals) in enumerate(zip(members, signals, strict=True)):
            proposals: dict[int, tuple[float, Explanation]] = {}
            report.excluded[member.slug] = {}
            if matcher is not None:
                request, ranking = requests[number], rankings[number]
                chosen = matcher.proposals(
                    request, ranking, decided=decided_programme_ids(session, row_id(member)), groups=groups
                )
                proposals = {v.programme.id: (v.score, v.explanation) for v in chosen}
                report.excluded[member.slug] = dict(sorted(ranking.excluded.items()))
            replace_proposals(session, row_id(member), proposals)
            if matcher is not None:
                inferred = [t.code for t in requests[number].query.inferred]
                if inferred != list(profile.inferred_topics or []):
                    profile.inferred_topics = inferred
                    session.add(profile)
            if member_signals or profile.learned:
                profile.learned = learned_summary(member_signals, today)
                session.add(profile)
            session.commit()
            report.per_member[member.slug] = open_match_count(session, row_id(member))
            if progress:
                progress(member.slug)
    return report


def explain_programme(engine: Engine, member_slug: str, programme_id: int, *, today: date | None = None) -> Verdict:
    """Score one programme for one member as a run would, including the filter that stops it.

    A removed or closed programme is scored too (so staff can see its score) and carries the reason.
    Raises ``LookupError`` naming the member or programme that does not exist.
    """
    today = today or utcnow().date()
    with Session(engine, expire_on_commit=False) as session:
        found = session.exec(
            select(Member, Profile).join(Profile, col(Profile.member_id) == Member.id).where(Member.slug == member_slug)
        ).first()
        if found is None:
            raise LookupError(f"Mitglied {member_slug!r} nicht gefunden oder ohne Profil")
        target = session.get(Programme, programme_id)
        if target is None:
            raise LookupError(f"Programm {programme_id} nicht gefunden")
        member, profile = found
        programmes = open_programmes(session)
        if all(p.id != programme_id for p in programmes):
            programmes.append(target)
        matcher = Matcher(programmes, today)
        request = matcher.request(session, member, ProfileQuery.from_profile(profile))
        ranking = matcher.rank([request])[0]
        row = matcher.row_of(programme_id)
        assert row is not None  # the target was added above
        verdict = matcher.verdict(request, ranking, row)
        if target.removed_at is not None:
            verdict.reason = REASON_REMOVED
        return verdict


class MatcherCache:
    """One fitted matcher per web app, refitted only when the programmes (or the day) change."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: tuple[Any, ...] | None = None
        self._matcher: Matcher | None = None

    def get(self, session: Session, today: date) -> Matcher | None:
        count, changed = session.exec(select(func.count(col(Programme.id)), func.max(Programme.updated_at))).one()
        key = (count, changed, today)
        with self._lock:
            if key != self._key:
                programmes = open_programmes(session)
                for programme in programmes:
                    session.expunge(programme)  # the cached matcher outlives this session
                self._matcher = Matcher(programmes, today) if programmes else None
                self._key = key
            return self._matcher


def preview(
    session: Session, cache: MatcherCache, member: Member, query: ProfileQuery, *, today: date, limit: int
) -> list[Verdict]:
    """What the matcher would propose for an unsaved profile right now; nothing is stored."""
    matcher = cache.get(session, today)
    if matcher is None:
        return []
    return matcher.top(matcher.request(session, member, query), limit)
