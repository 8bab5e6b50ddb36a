"""Bounce events and what they do to a recipient.

One permanent failure suppresses an address; temporary failures mark it ``bouncing`` and the
third one suppresses it. The rule applies to every member the address is registered for, as
the mailbox is the same. Unsubscribed recipients stay unsubscribed.
"""

from __future__ import annotations

from sqlmodel import Session, func, select

from store.models import AuditLog, BounceEvent, Recipient, RecipientStatus
from store.types import utcnow

TEMPORARY_FAILURES_TO_SUPPRESS = 3


def record_bounce(
    session: Session,
    email: str,
    *,
    permanent: bool,
    status_code: str = "",
    diagnostic: str = "",
    message_id: str = "",
    source: str = "dsn",
) -> list[Recipient]:
    """Store a BounceEvent and update the recipients with this address; returns them.

    A 5xx at send time (``source="smtp"``) counts like a temporary failure: a server refusing
    one message is weaker evidence than a DSN, so it marks the address ``bouncing`` and only
    repeated refusals suppress it.
    """
    now = utcnow()
    session.add(
        BounceEvent(
            email=email,
            permanent=permanent,
            status_code=status_code[:16],
            diagnostic=diagnostic[:4000],
            message_id=message_id[:255],
            source=source,
            received_at=now,
        )
    )
    recipients = list(session.exec(select(Recipient).where(func.lower(Recipient.email) == email.lower())).all())
    for recipient in recipients:
        if recipient.status in (RecipientStatus.unsubscribed, RecipientStatus.suppressed):
            continue
        if permanent and source == "dsn":
            new_status = RecipientStatus.suppressed
        else:
            recipient.soft_bounces += 1
            new_status = (
                RecipientStatus.suppressed
                if recipient.soft_bounces >= TEMPORARY_FAILURES_TO_SUPPRESS
                else RecipientStatus.bouncing
            )
        if new_status != recipient.status:
            session.add(
                AuditLog(
                    actor="system",
                    action=f"recipient.{new_status}",
                    object_type="recipient",
                    object_id=str(recipient.id),
                    details={"email": recipient.email, "status_code": status_code, "source": source},
                )
            )
        recipient.status = new_status
        recipient.status_changed_at = now
        session.add(recipient)
    return recipients
