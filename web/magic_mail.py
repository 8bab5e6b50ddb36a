"""The login mail of the member self-service, sent through the configured mail transport.

``send_login_links`` runs as a background task after the answer has gone out: the request does the
same work for known and unknown addresses, so its timing tells nobody who is registered.
"""

from __future__ import annotations

import logging

from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from core.settings import Settings
from store.models import Member, Recipient, RecipientStatus, row_id
from web.plain_mail import PlainMail, deliver
from web.tokens import make_magic_token

log = logging.getLogger(__name__)

SUBJECT = "Ihr Anmeldelink für das Förderradar Ruhr"
BODY = """Guten Tag{name},

Sie haben einen Anmeldelink für das Förderradar Ruhr angefordert ({member}).

Mit diesem Link melden Sie sich an. Er gilt {minutes} Minuten und nur einmal:
{link}

Wenn Sie den Link nicht angefordert haben, können Sie diese Nachricht einfach löschen.

Mit freundlichen Grüßen
Ihr Team Förderradar Ruhr beim Regionalverband Ruhr
"""


def login_mail(settings: Settings, member: Member, recipient: Recipient, link: str) -> PlainMail:
    body = BODY.format(
        name=f" {recipient.name}" if recipient.name else "",
        member=member.name,
        minutes=settings.magic_link_max_age_seconds // 60,
        link=link,
    )
    return PlainMail(email=recipient.email, name=recipient.name, subject=SUBJECT, body=body)


def send_login_mail(settings: Settings, member: Member, recipient: Recipient, link: str) -> None:
    """Send the link; a refused mail is logged by ``deliver`` (the page must not tell a stranger)."""
    deliver(settings, [login_mail(settings, member, recipient, link)])


def send_login_links(settings: Settings, engine: Engine, address: str, onward: str = "") -> None:
    """One login link to each member this address receives mail for; nothing for unknown addresses.
    ``onward`` is the query that carries the page to open after the login."""
    with Session(engine) as session:
        recipients = session.exec(
            select(Recipient).where(
                func.lower(Recipient.email) == address, Recipient.status != RecipientStatus.suppressed
            )
        ).all()
        for recipient in recipients:  # an address may serve several members; each gets its own link
            member = session.get(Member, recipient.member_id)
            if member is None:  # not possible with the foreign key
                continue
            token = make_magic_token(settings.signing_key(), recipient_id=row_id(recipient), member_id=row_id(member))
            link = f"{settings.public_base_url.rstrip('/')}/member/login/{token}{onward}"
            try:
                send_login_mail(settings, member, recipient, link)
            except Exception:  # noqa: BLE001 - one failed mail must not keep the other members from theirs
                log.exception("login mail to recipient %s could not be sent", recipient.id)
