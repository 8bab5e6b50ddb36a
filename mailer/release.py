"""Releasing a member's digest: staff confirm that the approved matches may go out.

Called by the web review page (and ``foerderradar digest release``). Only matches that are
approved *and* released are sent, so an approval alone never mails anything by accident.
"""

from __future__ import annotations

from sqlmodel import Session, select

from store.models import AuditLog, Digest, DigestState, Match, MatchState
from store.types import utcnow


def release_member_digest(session: Session, member_id: int, *, period: str, actor: str) -> int:
    """Stamp the member's approved, unreleased matches and mark the period's digest released.

    Returns how many matches were released now. The caller commits.
    """
    now = utcnow()
    matches = session.exec(
        select(Match).where(
            Match.member_id == member_id, Match.state == MatchState.approved, Match.released_at.is_(None)
        )
    ).all()  # type: ignore[union-attr]
    for match in matches:
        match.released_at = now
        match.updated_at = now
        session.add(match)
    digest = session.exec(select(Digest).where(Digest.member_id == member_id, Digest.period == period)).first()
    if digest is None:
        digest = Digest(member_id=member_id, period=period)
    if digest.state != DigestState.sent:
        digest.state = DigestState.released
    digest.released_by = actor
    digest.released_at = now
    session.add(digest)
    session.add(
        AuditLog(
            actor=actor,
            action="digest.release",
            object_type="member",
            object_id=str(member_id),
            details={"period": period, "match_ids": sorted(m.id for m in matches)},
        )
    )
    session.flush()
    return len(matches)


def auto_approve(session: Session, member_id: int, threshold: float, *, period: str) -> int:
    """Approve the member's proposed matches at or above ``threshold`` and release them ("system").

    For members who asked to skip manual curation (``Member.auto_approve_score``). Returns how
    many matches were released. The caller commits.
    """
    now = utcnow()
    proposed = session.exec(
        select(Match).where(Match.member_id == member_id, Match.state == MatchState.proposed, Match.score >= threshold)
    ).all()
    for match in proposed:
        match.state = MatchState.approved
        match.decided_at = now
        match.updated_at = now
        session.add(match)
        session.add(
            AuditLog(
                actor="system",
                action="match.approve",
                object_type="match",
                object_id=str(match.id),
                details={"score": match.score, "threshold": threshold, "auto": True},
            )
        )
    session.flush()
    return release_member_digest(session, member_id, period=period, actor="system")
