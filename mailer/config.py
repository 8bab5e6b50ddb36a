"""Everything the mailer needs, in one plain object.

The mailer sits on floor 2 and must not import ``foerderradar`` (floor 3); the application shell
builds a ``MailConfig`` from its settings (``foerderradar.mailing.mail_config``) and hands it down.
Tests build one directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from email.utils import parseaddr
from pathlib import Path


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
    labels: dict[str, dict[str, str]] = field(default_factory=dict)  # kind -> code -> German label

    @property
    def from_address(self) -> str:
        """The bare address of ``mail_from`` (SMTP envelope sender)."""
        return parseaddr(self.mail_from)[1]

    @property
    def mail_domain(self) -> str:
        return self.from_address.rpartition("@")[2] or "localhost"

    def label(self, kind: str, code: str) -> str:
        """A readable German label for a vocabulary code; the code itself when unknown."""
        return self.labels.get(kind, {}).get(code, code.replace("_", " ").strip().capitalize())

    def url(self, path: str) -> str:
        return self.public_base_url.rstrip("/") + path
