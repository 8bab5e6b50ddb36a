"""Figures for the staff dashboard: activity per week, topic and source; silent members; deadlines.

The queries fetch small projections (dates, codes) and count in Python, which works the same on
SQLite and PostgreSQL and stays cheap for the few ten thousand matches a year brings.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from core.labels import german_sort_key, source_name
from core.vocab import label
from store.models import Match, MatchState, Member, Programme
from store.types import utcnow
from web.onboarding import edited_member_ids

WEEKS = 12
SILENT_WEEKS = 4
DEADLINE_WEEKS = 8


@dataclass
class SilentMember:
    member: Member
    last_match_at: datetime | None


@dataclass
class Dashboard:
    week_labels: list[str]
    matches_per_week: list[int]
    approvals_per_week: list[int]
    topics: list[tuple[str, int, int]]  # label, matches, approvals
    sources: list[tuple[str, int, int]]
    silent_members: list[SilentMember]
    deadline_weeks: list[tuple[str, int]]
    upcoming: list[tuple[Programme, int]]  # programme, number of members it matched
    profiles_edited: int = 0  # members whose profile was saved by someone logged in for them
    members_total: int = 0


def _week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def build_dashboard(session: Session, *, today: date) -> Dashboard:
    first_week = _week_start(today) - timedelta(weeks=WEEKS - 1)
    weeks = [first_week + timedelta(weeks=i) for i in range(WEEKS)]
    since = datetime.combine(first_week, datetime.min.time(), tzinfo=UTC)
    created = Counter(
        _week_start(at.date())
        for at in session.exec(select(Match.created_at).where(col(Match.created_at) >= since)).all()
        if at is not None
    )
    approved_states = (MatchState.approved, MatchState.sent)
    decided = Counter(
        _week_start(at.date())
        for at in session.exec(
            select(Match.decided_at).where(col(Match.state).in_(approved_states), col(Match.decided_at) >= since)
        ).all()
        if at is not None
    )

    topic_total: Counter[str] = Counter()
    topic_ok: Counter[str] = Counter()
    source_total: Counter[str] = Counter()
    source_ok: Counter[str] = Counter()
    for state, areas, source in session.exec(
        select(Match.state, Programme.funding_areas, Programme.source_key).join(
            Programme, col(Programme.id) == col(Match.programme_id)
        )
    ).all():
        ok = state in approved_states
        source_total[source] += 1
        source_ok[source] += ok
        for area in areas or ["(ohne Förderbereich)"]:
            topic_total[area] += 1
            topic_ok[area] += ok
    topics = [(label("foerderbereich", code), n, topic_ok[code]) for code, n in topic_total.most_common(10)]
    sources = [(source_name(key), n, source_ok[key]) for key, n in source_total.most_common()]

    latest: dict[int | None, datetime] = dict(
        session.exec(select(Match.member_id, func.max(Match.created_at)).group_by(col(Match.member_id))).all()
    )
    cutoff = utcnow() - timedelta(weeks=SILENT_WEEKS)
    members = session.exec(select(Member)).all()
    edited = edited_member_ids(session)
    silent = [
        SilentMember(m, latest.get(m.id))
        for m in sorted(members, key=lambda m: german_sort_key(m.name))
        if (last := latest.get(m.id)) is None or last < cutoff
    ]

    horizon = today + timedelta(weeks=DEADLINE_WEEKS)
    upcoming = session.exec(
        select(Programme, func.count(col(Match.id)))
        .join(Match, col(Match.programme_id) == col(Programme.id))
        .where(col(Programme.next_deadline).between(today, horizon), col(Match.state) != MatchState.rejected)
        .group_by(col(Programme.id))
        .order_by(col(Programme.next_deadline))
    ).all()
    deadline_weeks = Counter(_week_start(p.next_deadline) for p, _ in upcoming if p.next_deadline is not None)
    first = _week_start(today)
    deadline_rows = [
        (f"ab {(first + timedelta(weeks=i)).strftime('%d.%m.')}", deadline_weeks[first + timedelta(weeks=i)])
        for i in range(DEADLINE_WEEKS + 1)
    ]
    return Dashboard(
        week_labels=[f"KW {w.isocalendar().week}/{w.isocalendar().year}" for w in weeks],
        matches_per_week=[created[w] for w in weeks],
        approvals_per_week=[decided[w] for w in weeks],
        topics=topics,
        sources=sources,
        silent_members=silent,
        deadline_weeks=deadline_rows,
        upcoming=[(p, n) for p, n in upcoming],
        profiles_edited=sum(m.id in edited for m in members),
        members_total=len(members),
    )
