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
    matches = session.exec(select(Match).where(
        Match.member_id == member_id, Match.state == MatchState.approved,
        Match.released_at.is_(None))).all()  # type: ignore[union-attr]
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
    session.add(AuditLog(actor=actor, action="digest.release", object_type="member", object_id=str(member_id),
                         details={"period": period, "match_ids": sorted(m.id for m in matches)}))
    session.flush()
    return len(matches)
