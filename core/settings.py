"""All runtime configuration in one place.

Values come from environment variables with the prefix ``FOERDERRADAR_`` and from an
optional ``.env`` file in the current directory. The defaults give the embedded set-up:
a SQLite file and a Maildir outbox under ``./data``; no network source is needed for the demo.
A bad value fails at start-up with a message that names the variable (see ``load_settings``).
"""

from __future__ import annotations

import secrets
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ENV_PREFIX = "FOERDERRADAR_"
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class SettingsError(RuntimeError):
    """Raised when the environment holds an invalid value; the message names the variable."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, env_file=".env", env_file_encoding="utf-8", extra="ignore")

    # --- storage -------------------------------------------------------------------------
    data_dir: Path = Field(default=Path("data"), description="Holds the SQLite file, outbox and secrets.")
    database_url: str = Field(default="", description="SQLAlchemy URL; default: SQLite file in data_dir.")

    # --- mail ----------------------------------------------------------------------------
    mail_backend: Literal["maildir", "smtp"] = "maildir"
    maildir_path: Path | None = None
    bounce_maildir_path: Path | None = None
    smtp_host: str = "127.0.0.1"
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_user: str = ""
    smtp_password: SecretStr = SecretStr("")
    smtp_starttls: bool = False
    smtp_tls: bool = False
    smtp_timeout: float = Field(default=30.0, gt=0)
    smtp_cafile: str = Field(default="", description="Extra CA bundle to trust for the SMTP relay.")
    mail_from: str = "Förderradar Ruhr <foerderradar@rvr.ruhr>"
    mail_reply_to: str = "foerderradar@rvr.ruhr"
    unsubscribe_mailto: str = "foerderradar-abmelden@rvr.ruhr"
    list_id: str = "Förderradar Ruhr <foerderradar.rvr.ruhr>"

    # --- web -----------------------------------------------------------------------------
    public_base_url: str = Field(default="http://127.0.0.1:8000", description="Base of links in mails.")
    web_host: str = "127.0.0.1"
    web_port: int = Field(default=8000, ge=1, le=65535)
    web_workers: int = Field(default=1, ge=1, le=64)
    secret_key: SecretStr = SecretStr("")
    session_max_age_seconds: int = Field(default=8 * 3600, gt=0)
    magic_link_max_age_seconds: int = Field(default=30 * 60, gt=0)
    mail_token_max_age_days: int = Field(default=90, gt=0)
    # An invitation to complete the profile is read days later, not within minutes like a login link.
    invitation_max_age_days: int = Field(default=14, gt=0)
    # The double opt-in link that reactivates an unsubscribed address.
    reactivation_max_age_days: int = Field(default=3, gt=0)
    cookie_secure: bool = True

    # --- sources -------------------------------------------------------------------------
    fdb_export_url: str = "https://www.foerderdatenbank.de/FDB/WS/export"
    fdb_base_url: str = "https://www.foerderdatenbank.de/"
    eu_search_url: str = "https://api.tech.ec.europa.eu/search-api/prod/rest/search"
    nrwbank_base_url: str = "https://www.nrwbank.de/"
    nrw_base_url: str = "https://www.mhkbd.nrw/"
    brms_base_url: str = "https://www.bezreg-muenster.de/"
    efre_base_url: str = "https://www.efre.nrw/"
    federal_calls_base_url: str = "https://www.klimaschutz.de/"
    bmftr_base_url: str = "https://www.bmftr.bund.de/"
    crawl_user_agent: str = "FoerderradarRuhr/0.1 (+https://www.rvr.ruhr; foerderradar@rvr.ruhr)"
    crawl_download_delay: float = Field(default=5.0, ge=0)
    crawl_autothrottle: bool = True
    crawl_robots_obey: bool = True
    crawl_timeout_seconds: float = Field(default=300.0, gt=0)
    crawl_retry_times: int = Field(default=3, ge=0)
    crawl_log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        default="WARNING", description="What a crawl logs to stderr (Scrapy's and the spiders' messages)."
    )
    # Every crawl keeps the raw responses it received (crawler.archive): where, how long, how much.
    archive_dir: Path | None = Field(default=None, description="Default: data_dir/responses.")
    archive_weeks: int = Field(default=8, ge=1, description="Responses older than this are deleted.")
    archive_max_mb: int = Field(default=2048, ge=1, description="Oldest runs go first above this size.")

    # --- schedule and digests ------------------------------------------------------------
    timezone: str = "Europe/Berlin"
    reminder_days: list[int] = Field(default_factory=lambda: [42, 14])
    digest_send_day: str = "tue"
    digest_send_time: str = "08:00"
    crawl_day: str = "sun"
    crawl_time: str = "23:00"

    @field_validator("database_url")
    @classmethod
    def _known_scheme(cls, value: str) -> str:
        if value and not value.startswith(("sqlite", "postgresql")):
            raise ValueError("must start with sqlite:// or postgresql://")
        return value

    @model_validator(mode="after")
    def _fill_derived_paths(self) -> Settings:
        if not self.database_url:
            self.database_url = f"sqlite:///{(self.data_dir / 'foerderradar.sqlite3').resolve()}"
        if self.maildir_path is None:
            self.maildir_path = self.data_dir / "outbox"
        if self.bounce_maildir_path is None:
            self.bounce_maildir_path = self.data_dir / "bounces"
        if self.archive_dir is None:
            self.archive_dir = self.data_dir / "responses"
        if self.smtp_starttls and self.smtp_tls:
            raise ValueError("FOERDERRADAR_SMTP_STARTTLS and FOERDERRADAR_SMTP_TLS exclude each other")
        return self

    def signing_key(self) -> str:
        """The secret for signed tokens and sessions.

        Taken from FOERDERRADAR_SECRET_KEY; without it a random key is created once in the data
        directory, so a fresh install works and no secret ever lives in the repository.
        """
        if self.secret_key.get_secret_value():
            return self.secret_key.get_secret_value()
        key_file = self.data_dir / "secret_key"
        if not key_file.exists():
            key_file.parent.mkdir(parents=True, exist_ok=True)
            key_file.write_text(secrets.token_urlsafe(48), encoding="utf-8")
            key_file.chmod(0o600)
        return key_file.read_text(encoding="utf-8").strip()

    def masked(self) -> dict[str, str]:
        """The effective settings for display, with every secret masked."""
        shown: dict[str, str] = {}
        for name, value in self.model_dump().items():
            if isinstance(value, SecretStr):
                value = "********" if value.get_secret_value() else "(nicht gesetzt)"
            elif name == "database_url" and "@" in str(value):
                scheme, _, rest = str(value).partition("://")
                value = f"{scheme}://********@{rest.rpartition('@')[2]}"
            shown[ENV_PREFIX + name.upper()] = str(value)
        return shown


def load_settings() -> Settings:
    """Build the settings, turning validation errors into one message per bad variable."""
    try:
        return Settings()
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            field = ".".join(str(part) for part in error["loc"]) or "settings"
            lines.append(f"{ENV_PREFIX}{field.upper()}: {error['msg']} (value: {error.get('input')!r})")
        raise SettingsError("Invalid configuration:\n  " + "\n  ".join(lines)) from None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings; tests call ``get_settings.cache_clear()`` after changing the env."""
    return load_settings()


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
