"""The matching run: fit over the open programmes, rank for every member, store proposed matches.

Curators' decisions are never touched: approved, rejected and sent matches keep their state;
only *proposed* matches are created, updated, or deleted when they no longer pass.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from matcher.index import ProgrammeIndex
from matcher.learning import collect_signals, learned_summary, learned_values
from matcher.ranking import Ranker, RankRequest
from matcher.scoring import ProfileQuery
from store.models import Feedback, Match, MatchState, Member, Profile, Programme, ProgrammeLink
from store.types import utcnow


@dataclass
class MatchReport:
    per_member: dict[str, int] = field(default_factory=dict)  # slug -> proposed + approved matches
    excluded: dict[str, dict[str, int]] = field(default_factory=dict)  # slug -> reason -> count
    programmes: int = 0  # programmes indexed (open, not removed)


def open_programmes(session: Session) -> list[Programme]:
    """Programmes that can be matched: not removed and not closed (deadlines are checked per run day)."""
    rows = session.exec(select(Programme).where(col(Programme.removed_at).is_(None)).order_by(Programme.id)).all()
    return [p for p in rows if not p.closed and p.status != "closed"]


def match_members(
    engine: Engine,
    *,
    member_slugs: list[str] | None = None,
    today: date | None = None,
    progress: Callable[[str], None] | None = None,
) -> MatchReport:
    """Create/update proposed matches for every member (or the given slugs) from its profile.

    ``progress`` is called with each member's slug after it is done (the CLI shows a bar with it).
    Raises ``ValueError`` naming unknown slugs, before anything is changed.
    """
    today = today or utcnow().date()
    report = MatchReport()
    with Session(engine, expire_on_commit=False) as session:
        query = select(Member, Profile).join(Profile, Profile.member_id == Member.id).order_by(Member.slug)
        if member_slugs:
            query = query.where(col(Member.slug).in_(member_slugs))
        members = session.exec(query).all()
        if member_slugs:
            missing = sorted(set(member_slugs) - {m.slug for m, _ in members})
            if missing:
                raise ValueError(f"unbekannte Mitglieder oder ohne Profil: {', '.join(missing)}")
        programmes = open_programmes(session)
        report.programmes = len(programmes)
        if not programmes:
            for member, _ in members:
                _store(session, member, {})
                report.per_member[member.slug] = _count(session, member.id)
                report.excluded[member.slug] = {}
            session.commit()
            return report
        index = ProgrammeIndex.fit(programmes)
        ranker = Ranker(index, today)
        groups = linked_groups(session)
        requests, all_signals = [], []
        for member, profile in members:
            signals = collect_signals(session, member.id, today)
            all_signals.append(signals)
            requests.append(
                RankRequest(member.kind, ProfileQuery.from_profile(profile), learned_values(index, signals))
            )
        rankings = ranker.rank(requests)
        for (member, profile), request, ranking, signals in zip(members, requests, rankings, all_signals, strict=False):
            decided = frozenset(
                session.exec(
                    select(Match.programme_id).where(Match.member_id == member.id, Match.state != MatchState.proposed)
                ).all()
            )
            chosen = ranking.proposals(index, request.query, decided=decided, groups=groups)
            proposals = {
                index.programmes[r].id: (round(float(ranking.scores[r]), 1), ranker.explain(ranking, request, r))
                for r in chosen
            }
            _store(session, member, proposals)
            if signals or profile.learned:
                profile.learned = learned_summary(signals, today)
                session.add(profile)
            session.commit()
            report.per_member[member.slug] = _count(session, member.id)
            report.excluded[member.slug] = dict(sorted(ranking.excluded.items()))
            if progress:
                progress(member.slug)
    return report


def linked_groups(session: Session) -> dict[int, int]:
    """Programme id -> id of its group of records describing the same programme (ProgrammeLink).

    A staff decision on a pair beats the rule link of that pair; unlinked programmes are absent.
    """
    decisions: dict[tuple[int, int], tuple[bool, bool]] = {}  # pair -> (by staff, linked)
    for link in session.exec(select(ProgrammeLink)).all():
        pair = tuple(sorted((link.programme_id, link.other_id)))
        by_staff = link.method == "staff"
        if pair not in decisions or by_staff:
            decisions[pair] = (by_staff, link.linked)
    parent: dict[int, int] = {}

    def root(node: int) -> int:
        while parent.setdefault(node, node) != node:
            node = parent[node]
        return node

    for (a, b), (_by_staff, linked) in decisions.items():
        if linked:
            parent[root(a)] = root(b)
    return {node: root(node) for node in parent}


def _store(session: Session, member: Member, proposals: dict[int, tuple[float, dict]]) -> None:
    """Upsert this member's proposed matches; delete proposals that no longer pass."""
    now = utcnow()
    existing = {
        m.programme_id: m
        for m in session.exec(
            select(Match).where(Match.member_id == member.id, Match.state == MatchState.proposed)
        ).all()
    }
    with_feedback = (
        set(
            session.exec(
                select(Feedback.match_id).where(col(Feedback.match_id).in_([m.id for m in existing.values()]))
            ).all()
        )
        if existing
        else set()
    )
    for programme_id, match in existing.items():
        if programme_id not in proposals and match.id not in with_feedback:
            session.delete(match)
    for programme_id, (score, explanation) in proposals.items():
        match = existing.get(programme_id)
        if match is None:
            match = Match(member_id=member.id, programme_id=programme_id, created_at=now)
        match.score = score
        match.explanation = explanation
        match.updated_at = now
        session.add(match)
    session.flush()


def _count(session: Session, member_id: int) -> int:
    return len(
        session.exec(
            select(Match.id).where(
                Match.member_id == member_id, col(Match.state).in_([MatchState.proposed, MatchState.approved])
            )
        ).all()
    )


@dataclass
class ProgrammeVerdict:
    """Why one programme is or is not proposed for one member (for ``match explain``)."""

    programme_id: int
    title: str
    reason: str | None  # hard-filter reason, or None when it passes the filters
    score: float
    min_score: float
    explanation: dict


def explain_programme(
    engine: Engine, member_slug: str, programme_id: int, *, today: date | None = None
) -> ProgrammeVerdict:
    """Score one programme for one member as a run would, including the filter that stops it.

    Raises ``LookupError`` naming the member or programme that does not exist.
    """
    today = today or utcnow().date()
    with Session(engine, expire_on_commit=False) as session:
        found = session.exec(
            select(Member, Profile).join(Profile, Profile.member_id == Member.id).where(Member.slug == member_slug)
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
        index = ProgrammeIndex.fit(programmes)
        request = RankRequest(
            member.kind,
            ProfileQuery.from_profile(profile),
            learned_values(index, collect_signals(session, member.id, today)),
        )
        ranker = Ranker(index, today)
        ranking = ranker.rank([request])[0]
        row = next(i for i, p in enumerate(index.programmes) if p.id == programme_id)
        reason = "entfernt" if target.removed_at else ranker.reason(request, row)
        return ProgrammeVerdict(
            programme_id,
            target.title,
            reason,
            round(float(ranking.scores[row]), 1),
            profile.min_score,
            ranker.explain(ranking, request, row),
        )
