"""Which members received a programme this week: the peers a town could apply together with.

The digest names them under a programme that suits joint applications (``core.cooperation``), and
the review page shows them per programme. Only released or sent matches count: a proposal staff
have not approved has not reached anyone.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import Session, col, select

from core.labels import german_sort_key
from store.models import Match, MatchState, Member

PEER_DAYS = 6  # "this week": matches released on the day or the six days before


def peers_since(today: date) -> datetime:
    """The start of "this week" for the peers of a digest or a review page shown on ``today``."""
    return datetime.combine(today - timedelta(days=PEER_DAYS), time.min, tzinfo=UTC)


def peers_by_programme(
    session: Session, programme_ids: Iterable[int], *, since: datetime, except_member_id: int | None = None
) -> dict[int, list[str]]:
    """Programme id -> names of the members (German order) whose match was released since ``since``."""
    ids = sorted(set(programme_ids))
    if not ids:
        return {}
    rows = session.exec(
        select(Match.programme_id, Member.name)
        .join(Member, col(Member.id) == Match.member_id)
        .where(col(Match.programme_id).in_(ids))
        .where(col(Match.state).in_([MatchState.approved, MatchState.sent]))
        .where(col(Match.released_at) >= since)
        .where(col(Match.member_id) != (except_member_id or -1))
    ).all()
    peers: dict[int, list[str]] = {}
    for programme_id, name in rows:
        peers.setdefault(programme_id, []).append(name)
    return {pid: sorted(set(names), key=german_sort_key) for pid, names in peers.items()}
