"""The login mail of the member self-service, sent through the configured mail transport.

``send_login_links`` runs as a background task after the answer has gone out: the request does the
same work for known and unknown addresses, so its timing tells nobody who is registered.
"""

from __future__ import annotations

import logging
from email import policy
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from core.settings import Settings
from mailer.config import mail_config
from mailer.transports import make_transport
from store.models import Member, Recipient, RecipientStatus
from web.tokens import make_magic_token

log = logging.getLogger(__name__)

BODY = """Guten Tag{name},

Sie haben einen Anmeldelink für das Förderradar Ruhr angefordert ({member}).

Mit diesem Link melden Sie sich an. Er gilt {minutes} Minuten und nur einmal:
{link}

Wenn Sie den Link nicht angefordert haben, können Sie diese Nachricht einfach löschen.

Mit freundlichen Grüßen
Ihr Team Förderradar Ruhr beim Regionalverband Ruhr
"""


def login_message(settings: Settings, member: Member, recipient: Recipient, link: str) -> EmailMessage:
    config = mail_config(settings)
    message = EmailMessage()
    message["Subject"] = "Ihr Anmeldelink für das Förderradar Ruhr"
    message["From"] = config.mail_from
    message["To"] = formataddr((recipient.name, recipient.email)) if recipient.name else recipient.email
    message["Message-ID"] = make_msgid(domain=config.mail_domain)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(
        BODY.format(
            name=f" {recipient.name}" if recipient.name else "",
            member=member.name,
            minutes=settings.magic_link_max_age_seconds // 60,
            link=link,
        )
    )
    return message


def send_login_mail(settings: Settings, member: Member, recipient: Recipient, link: str) -> None:
    config = mail_config(settings)
    transport = make_transport(config)
    try:
        raw = login_message(settings, member, recipient, link).as_bytes(policy=policy.SMTP)  # CRLF, as SMTP wants
        transport.push(raw, sender=config.from_address, recipient=recipient.email)
        transport.flush()
    finally:
        transport.close()


def send_login_links(settings: Settings, engine: Engine, address: str) -> None:
    """One login link to each member this address receives mail for; nothing for unknown addresses."""
    with Session(engine) as session:
        recipients = session.exec(
            select(Recipient).where(
                func.lower(Recipient.email) == address, Recipient.status != RecipientStatus.suppressed
            )
        ).all()
        for recipient in recipients:  # an address may serve several members; each gets its own link
            member = session.get(Member, recipient.member_id)
            if member is None or member.id is None or recipient.id is None:
                continue  # not possible with the foreign key; keeps the types honest
            token = make_magic_token(settings.signing_key(), recipient_id=recipient.id, member_id=member.id)
            link = f"{settings.public_base_url.rstrip('/')}/member/login/{token}"
            try:
                send_login_mail(settings, member, recipient, link)
            except Exception:  # noqa: BLE001 - one failed mail must not keep the other members from theirs
                log.exception("login mail to recipient %s could not be sent", recipient.id)
