"""The login mail of the member self-service, sent through the configured mail transport."""

from __future__ import annotations

from email import policy
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from core.settings import Settings
from mailer.config import mail_config
from mailer.transports import make_transport
from store.models import Member, Recipient

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
