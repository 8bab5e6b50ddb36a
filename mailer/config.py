"""Everything the mailer needs, in one plain object.

``mail_config`` builds it from the application settings; tests build one directly, so the mailer's
code never reads the environment itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from email.utils import parseaddr
from pathlib import Path

from core.settings import Settings, weekday_number


@dataclass
class MailConfig:
    secret_key: str
    backend: str = "maildir"  # maildir | smtp
    maildir_path: Path = Path("data/outbox")
    bounce_maildir_path: Path = Path("data/bounces")
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 25
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = False
    smtp_tls: bool = False
    smtp_timeout: float = 30.0
    smtp_cafile: str = ""  # extra CA bundle to trust (a local relay with its own certificate)
    mail_from: str = "Förderradar Ruhr <foerderradar@rvr.ruhr>"
    mail_reply_to: str = "foerderradar@rvr.ruhr"
    unsubscribe_mailto: str = "foerderradar-abmelden@rvr.ruhr"
    list_id: str = "Förderradar Ruhr <foerderradar.rvr.ruhr>"
    public_base_url: str = "http://127.0.0.1:8000"
    timezone: str = "Europe/Berlin"
    reminder_days: list[int] = field(default_factory=lambda: [42, 14])
    send_weekday: int = 1  # Monday=0; the weekday digests go out (Tuesday)
    token_max_age_days: int = 90
    max_items: int = 20  # hard cap per mail, whatever the profile says (keeps mails < 95 KB)
    max_text_chars: int = 320  # programme teasers are cut (politely) beyond this
    sending_timeout_minutes: int = 30  # the watchdog re-queues sends stuck in "sending" this long

    @property
    def from_address(self) -> str:
        """The bare address of ``mail_from`` (SMTP envelope sender)."""
        return parseaddr(self.mail_from)[1]

    @property
    def mail_domain(self) -> str:
        return self.from_address.rpartition("@")[2] or "localhost"

    def url(self, path: str) -> str:
        return self.public_base_url.rstrip("/") + path


def mail_config(settings: Settings) -> MailConfig:
    """The mailer's configuration from the application settings (the weekday checked and turned into a number)."""
    # Settings fill both Maildir paths from the data directory when they are not configured.
    assert settings.maildir_path is not None and settings.bounce_maildir_path is not None
    return MailConfig(
        secret_key=settings.signing_key(),
        backend=settings.mail_backend,
        maildir_path=settings.maildir_path,
        bounce_maildir_path=settings.bounce_maildir_path,
        smtp_host=settings.smtp_host,
        smtp_port=settings.smtp_port,
        smtp_user=settings.smtp_user,
        smtp_password=settings.smtp_password.get_secret_value(),
        smtp_starttls=settings.smtp_starttls,
        smtp_tls=settings.smtp_tls,
        smtp_timeout=settings.smtp_timeout,
        smtp_cafile=settings.smtp_cafile,
        mail_from=settings.mail_from,
        mail_reply_to=settings.mail_reply_to,
        unsubscribe_mailto=settings.unsubscribe_mailto,
        list_id=settings.list_id,
        public_base_url=settings.public_base_url,
        timezone=settings.timezone,
        reminder_days=sorted(settings.reminder_days, reverse=True),
        send_weekday=weekday_number(settings.digest_send_day, "digest_send_day"),
        token_max_age_days=settings.mail_token_max_age_days,
    )
