"""Which digest of a member goes out next, and sending it now when staff want that.

A member's digest of the current ISO week is the next one until it is sent (or on its way);
from then on the next one is next week's. The staff preview, the release button and the
"send now" button all use this one answer, so none of them can reach a digest already sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from mailer.config import MailConfig
from mailer.periods import current_period, shift_period
from mailer.send import SendReport, send_period
from mailer.transports import Transport
from store.curation import digest_is_frozen
from store.models import Digest, DigestSend, Member, row_id

LOOKAHEAD_WEEKS = 8  # a digest sent early ("jetzt senden") moves the next one a week on each time


@dataclass(frozen=True)
class UpcomingDigest:
    period: str  # the period whose digest goes out next
    current: str  # this week's period
    last_sent_period: str  # the latest period already sent or on its way ("" if none)
    last_sent_at: datetime | None

    @property
    def is_this_week(self) -> bool:
        return self.period == self.current


def upcoming_digest(session: Session, member: Member, *, today: date) -> UpcomingDigest:
    if member.id is None:
        raise ValueError("Das Mitglied ist noch nicht gespeichert.")
    current = current_period(today)
    period = current
    for _ in range(LOOKAHEAD_WEEKS):
        if not digest_is_frozen(session, row_id(member), period):
            break
        period = shift_period(period, 1)
    last_period, last_at = "", None
    if period != current:
        last_period = shift_period(period, -1)
        digest = session.exec(select(Digest).where(Digest.member_id == member.id, Digest.period == last_period)).one()
        last_at = session.exec(
            select(func.max(DigestSend.sent_at)).where(
                DigestSend.digest_id == digest.id, col(DigestSend.sent_at).is_not(None)
            )
        ).one()
    return UpcomingDigest(period=period, current=current, last_sent_period=last_period, last_sent_at=last_at)


class ExtraDigestError(ValueError):
    """The extra digest cannot be sent; the message says why, in German."""


def check_extra_period(period: str, *, today: date) -> None:
    """An extra digest is sent for this week or one of the next few, never for a past week."""
    current = current_period(today)
    if period not in {shift_period(current, weeks) for weeks in range(LOOKAHEAD_WEEKS)}:
        raise ExtraDigestError(f"Zeitraum {period!r} ist weder diese noch eine der nächsten Wochen.")


def send_digest_now(
    engine: Engine,
    config: MailConfig,
    member: Member,
    *,
    period: str,
    today: date,
    transport: Transport | None = None,
) -> SendReport:
    """Send the member's next digest now, through the mailer's one send path.

    ``period`` is the period the staff saw on the page (not recomputed here): a second click, or
    a reload of the form, asks for the same period again, and ``send_period``'s exactly-once
    records (one send per recipient and period) make it a no-op instead of a second mail.
    """
    check_extra_period(period, today=today)
    return send_period(
        engine, config, period=period, today=today, member_slugs=[member.slug], transport=transport, force=True
    )
