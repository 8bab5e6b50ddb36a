"""Every change of a match's state, and the audit entry that goes with it, in one place.

A match is born ``proposed`` (by the matcher), is ``approved`` or ``rejected`` by a curator (or
approved by a member's own auto-approval), is ``released`` for sending by staff and becomes ``sent``
when its digest reached a recipient. The matcher, the review page, the CLI, the demo and the mailer
all change states through these functions, so the rules hold everywhere:

- only a *proposed* match can be decided; a decided match keeps its state (the matcher and the
  mailer rely on that) and the caller gets a ``CurationError`` naming the match;
- a proposal the matcher no longer makes disappears, unless feedback points at it;
- every decision and every release writes an ``AuditLog`` entry naming who did it; a bulk
  decision (a programme for all its members) is one entry with the programme, the count and the
  match ids, and ``undo_bulk`` puts those matches back to *proposed* unless they were released;
- a digest already sent (or on its way) is never changed by a release.

Callers commit; these functions only add to the session.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from core.labels import MATCH_STATE_LABELS, label
from store.explanation import Explanation
from store.models import (
    AuditLog,
    Digest,
    DigestSend,
    DigestState,
    Feedback,
    Match,
    MatchState,
    RejectReason,
)
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
        proposed = existing.get(programme_id)
        if proposed is None:
            proposed = Match(member_id=member_id, programme_id=programme_id, created_at=now)
        proposed.score = score
        proposed.explanation = explanation
        proposed.updated_at = now
        session.add(proposed)
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


# ---------------------------------------------------------------------------------------------
# Bulk decisions and their undo
# ---------------------------------------------------------------------------------------------

BULK_APPROVE, BULK_REJECT, BULK_UNDO = "match.bulk_approve", "match.bulk_reject", "match.bulk_undo"


@dataclass(frozen=True)
class BulkResult:
    """What one bulk action did: how many matches it decided and the audit entry that can undo it."""

    action: str
    count: int
    audit_id: int | None


def bulk_decide(
    session: Session,
    match_ids: Iterable[int],
    *,
    approve: bool,
    actor: str,
    reviewer_id: int | None = None,
    reason: str = "",
    note: str = "",
    programme_id: int | None = None,
) -> BulkResult:
    """Approve or reject (with a reason) every given match that is still proposed, in one action.

    One audit entry stands for the whole action: it names the programme (when the decision was
    made on a programme card), the count and the match ids, so ``undo_bulk`` can take it back.
    Matches already decided are skipped, not an error: a colleague may have decided one meanwhile.
    """
    note = note.strip()
    if not approve:
        if reason not in {r.value for r in RejectReason}:
            raise CurationError(f"Ablehnungsgrund {reason!r} ist unbekannt.")
        if reason == RejectReason.other and not note:
            raise CurationError("Bei „Sonstiges“ braucht die Ablehnung eine Notiz.")
    ids = sorted({int(i) for i in match_ids})
    action = BULK_APPROVE if approve else BULK_REJECT
    if not ids:
        return BulkResult(action, 0, None)
    matches = session.exec(
        select(Match).where(col(Match.id).in_(ids), Match.state == MatchState.proposed).order_by(col(Match.id))
    ).all()
    if not matches:
        return BulkResult(action, 0, None)
    now = utcnow()
    for match in matches:
        _decide(match, MatchState.approved if approve else MatchState.rejected, reviewer_id, now)
        if not approve:
            match.reason, match.note = reason, note[:2000]
        session.add(match)
    entry = AuditLog(
        actor=actor,
        action=action,
        object_type="programme" if programme_id is not None else "matches",
        object_id="" if programme_id is None else str(programme_id),
        details={
            "programme_id": programme_id,
            "count": len(matches),
            "match_ids": [m.id for m in matches],
            "member_ids": sorted({m.member_id for m in matches}),
            **({"reason": reason, "note": note[:2000]} if not approve else {}),
        },
    )
    session.add(entry)
    session.flush()
    return BulkResult(action, len(matches), entry.id)


def _undone_ids(session: Session) -> set[int]:
    entries = session.exec(select(AuditLog).where(AuditLog.action == BULK_UNDO)).all()
    return {int(e.details.get("undone_id", 0)) for e in entries}


def last_bulk_action(session: Session, actor: str) -> AuditLog | None:
    """The actor's most recent bulk decision, if it has not been undone yet (only the last one can be)."""
    entry = session.exec(
        select(AuditLog)
        .where(AuditLog.actor == actor, col(AuditLog.action).in_([BULK_APPROVE, BULK_REJECT, BULK_UNDO]))
        .order_by(col(AuditLog.id).desc())
    ).first()
    # an undo is always the actor's own and comes after what it undid, so it would be the latest
    return None if entry is None or entry.action == BULK_UNDO else entry


def undo_bulk(session: Session, audit_id: int, *, actor: str) -> int:
    """Put the matches of a bulk decision back to *proposed*; returns how many went back.

    Matches released for sending (or sent) since the decision stay as they are: their mail may
    already be on its way. The undo is an audit entry of its own, pointing at the action it undid.
    """
    entry = session.get(AuditLog, audit_id)
    if entry is None or entry.action not in (BULK_APPROVE, BULK_REJECT):
        raise CurationError(f"Sammelaktion {audit_id} gibt es nicht.")
    if audit_id in _undone_ids(session):
        raise CurationError(f"Sammelaktion {audit_id} wurde bereits rückgängig gemacht.")
    decided = MatchState.approved if entry.action == BULK_APPROVE else MatchState.rejected
    ids = [int(i) for i in entry.details.get("match_ids", [])]
    matches = (
        session.exec(
            select(Match).where(col(Match.id).in_(ids), Match.state == decided, col(Match.released_at).is_(None))
        ).all()
        if ids
        else []
    )
    now = utcnow()
    for match in matches:
        match.state, match.reviewer_id, match.decided_at, match.updated_at = MatchState.proposed, None, None, now
        match.reason, match.note = "", ""
        session.add(match)
    session.add(
        AuditLog(
            actor=actor,
            action=BULK_UNDO,
            object_type=entry.object_type,
            object_id=entry.object_id,
            details={
                "undone_id": audit_id,
                "undone_action": entry.action,
                "programme_id": entry.details.get("programme_id"),
                "count": len(matches),
                "match_ids": [m.id for m in matches],
            },
        )
    )
    session.flush()
    return len(matches)


# ---------------------------------------------------------------------------------------------
# Release for sending, and sent
# ---------------------------------------------------------------------------------------------


def digest_is_frozen(session: Session, member_id: int, period: str) -> bool:
    """Whether the member's digest of ``period`` is sent or on its way (its content is fixed)."""
    digest = session.exec(select(Digest).where(Digest.member_id == member_id, Digest.period == period)).first()
    if digest is None:
        return False
    if digest.state == DigestState.sent:
        return True
    return session.exec(select(DigestSend.id).where(DigestSend.digest_id == digest.id)).first() is not None


def release_member_digest(session: Session, member_id: int, *, period: str, actor: str) -> int:
    """Stamp the member's approved, unreleased matches and mark the period's digest released.

    Only matches that are approved *and* released are mailed, so an approval alone never sends
    anything by accident. A digest already sent (or on its way) is never touched: its
    ``released_by`` stays who released it, and the stamped matches go out with the member's next
    digest (callers pass the period that goes out next, see ``mailer.upcoming``). Returns how
    many matches were released now.
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
    frozen = digest_is_frozen(session, member_id, period)
    if not frozen:
        digest = session.exec(select(Digest).where(Digest.member_id == member_id, Digest.period == period)).first()
        digest = digest or Digest(member_id=member_id, period=period)
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
            details={
                "period": period,
                "match_ids": sorted(m.id for m in matches if m.id is not None),
                **({"digest_already_sent": True} if frozen else {}),
            },
        )
    )
    session.flush()
    return len(matches)


def release_digests(session: Session, periods: dict[int, str], *, actor: str) -> tuple[int, int]:
    """ "Alle freigeben": release the next digest of every member (member id -> its next period)
    that has approved, unreleased matches. Returns (members released, matches released)."""
    waiting = set(
        session.exec(
            select(Match.member_id).where(Match.state == MatchState.approved, col(Match.released_at).is_(None))
        ).all()
    )
    members = matches = 0
    for member_id in sorted(waiting & set(periods)):
        matches += release_member_digest(session, member_id, period=periods[member_id], actor=actor)
        members += 1
    return members, matches


def record_digest_sent_now(session: Session, member_id: int, *, period: str, actor: str, mails: int) -> None:
    """The audit entry of a digest that staff sent at once instead of on the weekly send day."""
    session.add(
        AuditLog(
            actor=actor,
            action="digest.send_now",
            object_type="member",
            object_id=str(member_id),
            details={"period": period, "mails": mails},
        )
    )


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
        .where(col(Match.id).in_(match_ids), col(Match.state) == MatchState.approved)
        .values(state=MatchState.sent, sent_at=when, updated_at=when)
    )
