"""Builds the mailer's configuration from the application settings.

The mailer may not import the application shell or the crawler (same floor), so the labels of
the Förderdatenbank vocabulary are looked up here and handed down inside ``MailConfig``.
"""

from __future__ import annotations

from datetime import datetime

from crawler.spiders.foerderdatenbank import vocab
from foerderradar.settings import Settings
from mailer.config import MailConfig

VOCABULARY_KINDS = (
    "foerderart",
    "foerderbereich",
    "foerdergebiet",
    "foerderberechtigte",
    "foerdergeber",
    "unterfoerderbereich",
)
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def vocabulary_labels() -> dict[str, dict[str, str]]:
    """kind -> code -> German label from the Förderdatenbank vocabulary (the mailer may not import crawler)."""
    return {kind: dict(vocab.labels(kind)) for kind in VOCABULARY_KINDS}


def mail_config(settings: Settings) -> MailConfig:
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
        labels=vocabulary_labels(),
    )


def weekday_number(value: str, name: str) -> int:
    """``"tue"`` -> 1 (Monday=0, as ``date.weekday``); a clear error naming the setting otherwise."""
    day = value.strip().lower()[:3]
    if day not in WEEKDAYS:
        raise ValueError(f"FOERDERRADAR_{name.upper()}: {value!r} ist kein Wochentag (mon, tue, … sun)")
    return WEEKDAYS.index(day)


def parse_clock(value: str, name: str) -> tuple[int, int]:
    """``"08:00"`` -> (8, 0); a clear error naming the setting otherwise."""
    try:
        moment = datetime.strptime(value.strip(), "%H:%M")
    except ValueError:
        raise ValueError(f"FOERDERRADAR_{name.upper()}: {value!r} ist keine Uhrzeit im Format HH:MM") from None
    return moment.hour, moment.minute
