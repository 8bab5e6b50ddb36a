"""Every change of a match's state, and the audit entry that goes with it, in one place.

A match is born ``proposed`` (by the matcher), is ``approved`` or ``rejected`` by a curator (or
approved by a member's own auto-approval), is ``released`` for sending by staff and becomes ``sent``
when its digest reached a recipient. The matcher, the review page, the CLI, the demo and the mailer
all change states through these functions, so the rules hold everywhere:

- only a *proposed* match can be decided; a decided match keeps its state (the matcher and the
  mailer rely on that) and the caller gets a ``CurationError`` naming the match;
- a proposal the matcher no longer makes disappears, unless feedback points at it;
- every decision and every release writes an ``AuditLog`` entry naming who did it.

Callers commit; these functions only add to the session.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from core.labels import MATCH_STATE_LABELS, label
from store.explanation import Explanation
from store.models import AuditLog, Digest, DigestState, Feedback, Match, MatchState, RejectReason
from store.types import utcnow

SYSTEM_ACTOR = "system"


class CurationError(ValueError):
    """A decision that cannot be made; the message names the match and the problem."""


# ---------------------------------------------------------------------------------------------
# The matcher's proposals
# ---------------------------------------------------------------------------------------------


def replace_proposals(session: Session, member_id: int, proposals: dict[int, tuple[float, Explanation]]) -> None:
    """Make the member's proposed matches exactly ``proposals`` (programme id -> score, explanation).

    Existing proposals are updated in place (a curator's open tab keeps pointing at the same row);
    proposals the matcher no longer makes are deleted unless feedback refers to them. Decided
    matches are never touched: a programme already approved, rejected or sent is not proposed again.
    """
    now = utcnow()
    existing = {
        m.programme_id: m
        for m in session.exec(
            select(Match).where(Match.member_id == member_id, Match.state == MatchState.proposed)
        ).all()
    }
    with_feedback = (
        set(
            session.exec(select(Feedback.match_id).where(col(Feedback.match_id).in_([m.id for m in existing.values()])))
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
            match = Match(member_id=member_id, programme_id=programme_id, created_at=now)
        match.score = score
        match.explanation = explanation
        match.updated_at = now
        session.add(match)
    session.flush()


def decided_programme_ids(session: Session, member_id: int) -> frozenset[int]:
    """Programmes already approved, rejected or sent for the member (never proposed again)."""
    return frozenset(
        session.exec(
            select(Match.programme_id).where(Match.member_id == member_id, Match.state != MatchState.proposed)
        ).all()
    )


def open_match_count(session: Session, member_id: int) -> int:
    """Matches of the member that are proposed or approved (waiting for a decision or for the mail)."""
    return len(
        session.exec(
            select(Match.id).where(
                Match.member_id == member_id, col(Match.state).in_([MatchState.proposed, MatchState.approved])
            )
        ).all()
    )


# ---------------------------------------------------------------------------------------------
# Curators' decisions
# ---------------------------------------------------------------------------------------------


def _require_proposed(match: Match) -> None:
    if match.state != MatchState.proposed:
        state = label(MATCH_STATE_LABELS, match.state)
        raise CurationError(f"Treffer {match.id} ist bereits entschieden (Status: {state}).")


def _audit(session: Session, actor: str, action: str, match: Match, **details: object) -> None:
    session.add(
        AuditLog(
            actor=actor,
            action=action,
            object_type="match",
            object_id=str(match.id),
            details={"member_id": match.member_id, "programme_id": match.programme_id, "score": match.score, **details},
        )
    )


def _decide(match: Match, state: MatchState, reviewer_id: int | None, now: datetime) -> None:
    match.state, match.reviewer_id, match.decided_at, match.updated_at = state, reviewer_id, now, now


def approve(
    session: Session, match: Match, *, actor: str, reviewer_id: int | None = None, note: str = "", **details: object
) -> Match:
    """Approve a proposed match. ``actor`` is the staff e-mail (or "system"); ``details`` go to the audit entry."""
    _require_proposed(match)
    _decide(match, MatchState.approved, reviewer_id, utcnow())
    if note:
        match.note = note[:2000]
    session.add(match)
    _audit(session, actor, "match.approve", match, **details)
    return match


def reject(
    session: Session, match: Match, *, actor: str, reason: str, note: str = "", reviewer_id: int | None = None
) -> Match:
    """Reject a proposed match with a reason (``RejectReason``); "Sonstiges" needs a note."""
    _require_proposed(match)
    if reason not in {r.value for r in RejectReason}:
        raise CurationError(f"Ablehnungsgrund {reason!r} ist unbekannt.")
    note = note.strip()
    if reason == RejectReason.other and not note:
        raise CurationError("Bei „Sonstiges“ braucht die Ablehnung eine Notiz.")
    _decide(match, MatchState.rejected, reviewer_id, utcnow())
    match.reason, match.note = reason, note[:2000]
    session.add(match)
    _audit(session, actor, "match.reject", match, reason=reason, note=match.note)
    return match


def bulk_approve(session: Session, match_ids: Iterable[int], *, actor: str, reviewer_id: int | None = None) -> int:
    """Approve the given matches that are still proposed; returns how many were approved."""
    ids = sorted({int(i) for i in match_ids})
    if not ids:
        return 0
    matches = session.exec(select(Match).where(col(Match.id).in_(ids), Match.state == MatchState.proposed)).all()
    for match in matches:
        approve(session, match, actor=actor, reviewer_id=reviewer_id)
    return len(matches)


# ---------------------------------------------------------------------------------------------
# Release for sending, and sent
# ---------------------------------------------------------------------------------------------


def release_member_digest(session: Session, member_id: int, *, period: str, actor: str) -> int:
    """Stamp the member's approved, unreleased matches and mark the period's digest released.

    Only matches that are approved *and* released are mailed, so an approval alone never sends
    anything by accident. Returns how many matches were released now.
    """
    now = utcnow()
    matches = session.exec(
        select(Match).where(
            Match.member_id == member_id, Match.state == MatchState.approved, col(Match.released_at).is_(None)
        )
    ).all()
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
            details={"period": period, "match_ids": sorted(m.id for m in matches if m.id is not None)},
        )
    )
    session.flush()
    return len(matches)


def auto_approve(session: Session, member_id: int, threshold: float, *, period: str) -> int:
    """Approve the member's proposals at or above ``threshold`` and release them, as "system".

    For members who asked to skip manual curation (``Member.auto_approve_score``). Returns how
    many matches were released.
    """
    proposed = session.exec(
        select(Match).where(Match.member_id == member_id, Match.state == MatchState.proposed, Match.score >= threshold)
    ).all()
    for match in proposed:
        approve(session, match, actor=SYSTEM_ACTOR, threshold=threshold, auto=True)
    session.flush()
    return release_member_digest(session, member_id, period=period, actor=SYSTEM_ACTOR)


def mark_sent(session: Session, match_ids: list[int], *, when: datetime) -> None:
    """Approved matches of a digest that reached a recipient become ``sent`` (one UPDATE)."""
    if not match_ids:
        return
    session.execute(
        update(Match)
        .where(col(Match.id).in_(match_ids), Match.state == MatchState.approved)
        .values(state=MatchState.sent, sent_at=when, updated_at=when)
    )
