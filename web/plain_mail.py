"""Short plain-text service mails of the web app (login link, invitation, reactivation).

They go through the mailer's configured transport (Maildir or SMTP), like the digests, but are
not digests: no list headers, no unsubscribe link, one text part. ``deliver`` sends a batch over
one connection and reports the addresses that could not be reached instead of stopping at the
first, so one bad address does not keep the others from their mail.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid

from core.settings import Settings
from mailer.config import MailConfig, mail_config
from mailer.transports import make_transport

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PlainMail:
    email: str
    name: str
    subject: str
    body: str


def plain_message(config: MailConfig, mail: PlainMail) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = mail.subject
    message["From"] = config.mail_from
    message["To"] = formataddr((mail.name, mail.email)) if mail.name else mail.email
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = make_msgid(domain=config.mail_domain)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(mail.body)
    return message


def deliver(settings: Settings, mails: list[PlainMail]) -> list[str]:
    """Send every mail; the addresses whose mail the transport refused (logged, not raised)."""
    config = mail_config(settings)
    transport = make_transport(config)
    failed = []
    try:
        for mail in mails:
            raw = plain_message(config, mail).as_bytes(policy=policy.SMTP)  # CRLF, as SMTP wants
            try:
                transport.push(raw, sender=config.from_address, recipient=mail.email)
            except Exception:  # noqa: BLE001 - the other recipients still get theirs
                log.exception("mail %r to %s could not be sent", mail.subject, mail.email)
                failed.append(mail.email)
        transport.flush()
    finally:
        transport.close()
    return failed
