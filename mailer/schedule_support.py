"""Questions the scheduler asks the mailer between the weekly sends.

- Which members must hear about a deadline *now* because their next regular digest comes too
  late (biweekly and monthly members)?
- Which members have sends still pending (server was down, a run was killed)?
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from mailer.assemble import select_digest
from mailer.config import MailConfig
from mailer.periods import (
    current_period,
    is_due,
    next_due_period,
    send_date,
    shift_period,
)
from store.models import Digest, DigestSend, Member, Programme, SendState


def members_needing_early_reminder(engine: Engine, config: MailConfig, today: date) -> list[str]:
    """Members not due this period with a deadline that passes before their next due digest."""
    period = current_period(today)
    slugs = []
    with Session(engine) as session:
        for member in session.exec(select(Member).order_by(Member.slug)).all():
            if member.digest_frequency == "paused" or is_due(member.digest_frequency, period, config.send_weekday):
                continue
            already = session.exec(
                select(Digest)
                .join(DigestSend, col(DigestSend.digest_id) == Digest.id)
                .where(Digest.member_id == member.id, Digest.period == period)
            ).first()
            if already is not None:
                continue
            following = next_due_period(member.digest_frequency, period, config.send_weekday)
            next_send = send_date(following, config.send_weekday) if following else None
            reminders = select_digest(session, member, period, today=today, config=config).reminder_programme_ids
            deadlines = [p.next_deadline for pid in reminders if (p := session.get(Programme, pid)) is not None]
            if any(next_send is None or d < next_send for d in deadlines if d is not None):
                slugs.append(member.slug)
    return slugs


def members_with_pending_sends(engine: Engine, today: date) -> list[str]:
    """Members whose sends of this or last period are still queued or stuck in sending."""
    period = current_period(today)
    with Session(engine) as session:
        rows = session.exec(
            select(Member.slug)
            .join(Digest, col(Digest.member_id) == Member.id)
            .join(DigestSend, col(DigestSend.digest_id) == Digest.id)
            .where(
                col(DigestSend.period).in_([shift_period(period, -1), period]),
                col(DigestSend.state).in_((SendState.queued, SendState.sending)),
            )
            .distinct()
        ).all()
    return sorted(rows)
