"""The login mail of the member self-service, sent through the configured mail transport."""

from __future__ import annotations

from core.settings import Settings
from store.models import Member, Recipient
from web.plain_mail import PlainMail, deliver

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
