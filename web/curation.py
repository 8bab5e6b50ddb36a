"""Curators' decisions on proposed matches, each written to the audit log.

Only *proposed* matches can be decided here; a match already approved, rejected or sent keeps
its state (the matcher and the mailer rely on that), and the caller gets a clear error.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import Session, col, select

from store.models import AuditLog, Match, MatchState, RejectReason, StaffUser
from store.types import utcnow

REASON_LABELS = {
    RejectReason.topic: "Thema passt nicht",
    RejectReason.not_eligible: "Nicht antragsberechtigt",
    RejectReason.own_share: "Eigenanteil zu hoch",
    RejectReason.too_small: "Zu klein",
    RejectReason.known: "Schon bekannt",
    RejectReason.other: "Sonstiges",
}


class CurationError(ValueError):
    """A decision that cannot be made; the message names the match and the problem."""


def _require_proposed(match: Match) -> None:
    if match.state != MatchState.proposed:
        raise CurationError(f"Treffer {match.id} ist bereits entschieden (Status: {match.state}).")


def _audit(session: Session, actor: StaffUser, action: str, match: Match, **details) -> None:
    session.add(
        AuditLog(
            actor=actor.email,
            action=action,
            object_type="match",
            object_id=str(match.id),
            details={"member_id": match.member_id, "programme_id": match.programme_id, "score": match.score, **details},
        )
    )


def approve(session: Session, match: Match, actor: StaffUser) -> Match:
    _require_proposed(match)
    now = utcnow()
    match.state, match.reviewer_id, match.decided_at, match.updated_at = MatchState.approved, actor.id, now, now
    session.add(match)
    _audit(session, actor, "match.approve", match)
    return match


def reject(session: Session, match: Match, actor: StaffUser, *, reason: str, note: str = "") -> Match:
    _require_proposed(match)
    if reason not in {r.value for r in RejectReason}:
        raise CurationError(f"Ablehnungsgrund {reason!r} ist unbekannt.")
    note = note.strip()
    if reason == RejectReason.other and not note:
        raise CurationError("Bei „Sonstiges“ braucht die Ablehnung eine Notiz.")
    now = utcnow()
    match.state, match.reviewer_id, match.decided_at, match.updated_at = MatchState.rejected, actor.id, now, now
    match.reason, match.note = reason, note[:2000]
    session.add(match)
    _audit(session, actor, "match.reject", match, reason=reason, note=match.note)
    return match


def bulk_approve(session: Session, match_ids: Iterable[int], actor: StaffUser) -> int:
    """Approve the given matches that are still proposed; returns how many were approved."""
    ids = sorted({int(i) for i in match_ids})
    if not ids:
        return 0
    matches = session.exec(select(Match).where(col(Match.id).in_(ids), Match.state == MatchState.proposed)).all()
    for match in matches:
        approve(session, match, actor)
    return len(matches)
