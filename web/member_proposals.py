"""A member's own proposals on the web: what RVR released for it and what it was sent, with the
reasons, the deadline status and its own verdict "passt / passt nicht".

Only approved (released for a digest) and sent matches are shown: proposals the curators have not
looked at, and the ones they rejected, are RVR's working state, not the member's. Each item is the
same ``DigestItem`` the mail shows (the linked record that fits the member), so the page and the
mail say the same. A verdict given here is stored like the mail's feedback links do, with the
channel ``web``; the newest verdict of any channel is the one shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, col, select

from mailer.items import DigestItem, build_item
from mailer.records import RecordChooser
from store.explanation import Explanation
from store.models import Feedback, Match, MatchState, Member, Programme, Recipient, row_id
from store.types import utcnow

VISIBLE_STATES = (MatchState.approved, MatchState.sent)
WEB = "web"
PERSON_CHANNELS = ("mail", WEB)  # a recipient's own verdicts (curators' verdicts are "curation")
DESCRIPTION_CHARS = 320  # as in the mail
SENT_PER_PAGE = 25


@dataclass
class Proposal:
    match: Match
    item: DigestItem
    explanation: Explanation
    sent_at: datetime | None
    verdict: bool | None  # the member's newest "passt" (True) / "passt nicht" (False), None if none yet


@dataclass
class Proposals:
    released: list[Proposal]  # approved, waiting for the next digest, best first
    sent: list[Proposal]  # one page of the sent items, newest first
    page: int = 1
    pages: int = 1
    sent_total: int = 0


def own_match(session: Session, member: Member, match_id: int) -> Match | None:
    """The member's visible match with this id; None for another member's or a not released one."""
    match = session.get(Match, match_id)
    if match is None or match.member_id != member.id or match.state not in VISIBLE_STATES:
        return None
    return match


def member_proposals(session: Session, member: Member, *, today: date, page: int = 1) -> Proposals:
    """The released items and page ``page`` of the sent ones (``SENT_PER_PAGE`` each); items are
    built for the shown page only, since a member collects a thousand sent items in a year."""
    matches = session.exec(
        select(Match).where(Match.member_id == member.id, col(Match.state).in_(VISIBLE_STATES))
    ).all()
    programmes = {
        p.id: p
        for p in session.exec(select(Programme).where(col(Programme.id).in_([m.programme_id for m in matches]))).all()
    }
    chooser = RecordChooser(session)
    sent_first = sorted(
        (m for m in matches if m.state == MatchState.sent),
        key=lambda m: (m.sent_at or m.updated_at, m.score),
        reverse=True,
    )
    best_first = sorted((m for m in matches if m.state != MatchState.sent), key=lambda m: -m.score)
    released: list[tuple[Match, Programme, Programme]] = []
    sent: list[tuple[Match, Programme, Programme]] = []
    shown: set[int | None] = set()
    for match in [*sent_first, *best_first]:  # two matches on linked records of one programme: shown once
        programme = programmes.get(match.programme_id)
        if programme is None:
            continue
        record = chooser.for_member(programme, member)
        if record.id in shown:
            continue
        shown.add(record.id)
        (sent if match.state == MatchState.sent else released).append((match, programme, record))
    pages = max(1, -(-len(sent) // SENT_PER_PAGE))
    page = min(max(page, 1), pages)
    verdicts = _verdicts(session, member)

    def proposal(match: Match, programme: Programme, record: Programme) -> Proposal:
        return Proposal(
            match=match,
            item=build_item(record, match, today=today, max_chars=DESCRIPTION_CHARS),
            explanation=match.explanation,
            sent_at=match.sent_at,
            verdict=_verdict(verdicts, record.id, programme.id),
        )

    return Proposals(
        released=[proposal(*row) for row in released],
        sent=[proposal(*row) for row in sent[(page - 1) * SENT_PER_PAGE : page * SENT_PER_PAGE]],
        page=page,
        pages=pages,
        sent_total=len(sent),
    )


def _verdict(verdicts: dict[int, bool], *programme_ids: int | None) -> bool | None:
    """The verdict on the record shown, else on the programme the matcher chose."""
    return next((verdicts[pid] for pid in programme_ids if pid is not None and pid in verdicts), None)


def _verdicts(session: Session, member: Member) -> dict[int, bool]:
    """Programme id → the newest verdict of the member's recipients, from mail or web."""
    rows = session.exec(
        select(Feedback).where(Feedback.member_id == member.id).order_by(col(Feedback.created_at), col(Feedback.id))
    ).all()
    return {row.programme_id: row.fits for row in rows}  # later rows overwrite earlier ones


def record_verdict(session: Session, member: Member, match: Match, *, fits: bool, email: str) -> None:
    """Store the member's verdict on the record it was shown.

    One verdict per recipient and programme, as with the mail's links: a verdict given here replaces
    the one the same person gave before, on the page or by mail, so that it does not weigh twice in
    the matcher's learning. The caller commits.
    """
    programme = session.get(Programme, match.programme_id)
    if programme is None or member.id is None:
        raise ValueError(f"Treffer {match.id}: Programm oder Mitglied fehlt.")
    record = RecordChooser(session).for_member(programme, member)
    if record.id is None:
        raise ValueError(f"Treffer {match.id}: Programm ohne Nummer.")
    recipient = session.exec(
        select(Recipient).where(Recipient.member_id == member.id, Recipient.email == email)
    ).first()
    recipient_id = recipient.id if recipient else None
    existing = session.exec(
        select(Feedback).where(
            Feedback.member_id == member.id,
            Feedback.programme_id == record.id,
            Feedback.recipient_id == recipient_id if recipient_id is not None else col(Feedback.recipient_id).is_(None),
            col(Feedback.channel).in_(PERSON_CHANNELS),
        )
    ).first()
    if existing is None:
        existing = Feedback(member_id=row_id(member), programme_id=row_id(record), recipient_id=recipient_id, fits=fits)
    existing.fits = fits
    existing.match_id = match.id
    existing.channel = WEB
    existing.created_at = utcnow()
    session.add(existing)
