"""Reactivating an unsubscribed address, by double opt-in.

Anyone who holds an old unsubscribe link, or a member's login, could otherwise put an address back
on the list; so reactivation only sends a confirmation mail *to that address*, and only the link in
it (signed, expiring after ``FOERDERRADAR_REACTIVATION_MAX_AGE_DAYS``, bound to the unsubscription it
answers: ``mailer.tokens.ReactivationClaim``) makes the address active again. Suppressed addresses
(mails do not arrive) are not offered: a confirmation could not reach them either.
"""

from __future__ import annotations

from sqlmodel import Session

from core.settings import Settings
from mailer.config import mail_config
from mailer.tokens import ReactivationClaim, TokenError, make_reactivation_token, read_reactivation_token
from store.models import AuditLog, Member, Recipient, RecipientStatus, row_id
from store.types import utcnow
from web.plain_mail import PlainMail, deliver

SUBJECT = "Bitte bestätigen Sie: Förderradar-Digest wieder erhalten"
BODY = """Guten Tag{name},

für die Adresse {email} wurde gewünscht, den Förderradar-Digest für {member} wieder zu erhalten.
Die Adresse war abgemeldet.

Wenn Sie den Digest wieder erhalten möchten, bestätigen Sie das bitte mit diesem Link.
Er gilt {days} Tage:
{link}

Wenn Sie das nicht wünschen, müssen Sie nichts tun: Die Adresse bleibt abgemeldet.

Mit freundlichen Grüßen
Ihr Team Förderradar Ruhr beim Regionalverband Ruhr
"""


def _stamp(recipient: Recipient) -> str:
    return recipient.status_changed_at.isoformat() if recipient.status_changed_at else ""


def send_reactivation_mail(session: Session, settings: Settings, recipient: Recipient, *, actor: str) -> bool:
    """Mail the confirmation link to an unsubscribed address; False (nothing sent) for any other status."""
    member = session.get(Member, recipient.member_id)
    if recipient.status != RecipientStatus.unsubscribed or recipient.id is None or member is None:
        return False
    config = mail_config(settings)
    token = make_reactivation_token(config.secret_key, ReactivationClaim(row_id(recipient), _stamp(recipient)))
    body = BODY.format(
        name=f" {recipient.name}" if recipient.name else "",
        email=recipient.email,
        member=member.name if member else "",
        days=settings.reactivation_max_age_days,
        link=config.url(f"/m/wieder-anmelden/{token}"),
    )
    failed = deliver(settings, [PlainMail(recipient.email, recipient.name, SUBJECT, body)])
    session.add(
        AuditLog(
            actor=actor,
            action="recipient.reactivation_request",
            object_type="recipient",
            object_id=str(recipient.id),
            details={"email": recipient.email, "member_id": recipient.member_id, "sent": not failed},
        )
    )
    session.commit()
    return not failed


def recipient_to_reactivate(session: Session, settings: Settings, token: str) -> Recipient:
    """The address the confirmation link is for; TokenError when it cannot (or need not) be used."""
    claim = read_reactivation_token(
        mail_config(settings).secret_key, token, max_age_days=settings.reactivation_max_age_days
    )
    recipient = session.get(Recipient, claim.recipient_id)
    if recipient is None:
        raise TokenError("Diese Adresse ist im Förderradar nicht mehr eingetragen.")
    if recipient.status == RecipientStatus.unsubscribed and _stamp(recipient) != claim.unsubscribed_at:
        raise TokenError("Der Link gehört zu einer früheren Abmeldung. Bitte fordern Sie einen neuen an.")
    return recipient


def reactivate(session: Session, recipient: Recipient) -> None:
    """Make the confirmed address active again (an already active one stays as it is)."""
    if recipient.status == RecipientStatus.unsubscribed:
        change_status(session, recipient, RecipientStatus.active, "recipient.reactivate")


def change_status(session: Session, recipient: Recipient, status: RecipientStatus, action: str) -> None:
    """An address's own decision (unsubscribe, reactivate): the new status and its audit entry, committed."""
    recipient.status = status
    recipient.status_changed_at = utcnow()
    session.add(recipient)
    session.add(
        AuditLog(
            actor=f"recipient:{recipient.id}",
            action=action,
            object_type="recipient",
            object_id=str(recipient.id),
            details={"email": recipient.email, "member_id": recipient.member_id},
        )
    )
    session.commit()
