"""Where finished messages go: a tiny interface with a Maildir and an SMTP implementation.

``push`` delivers one finished message (bytes, serialised once by the caller, who also needs
its size) and returns only when the message was accepted (written to the
Maildir, or accepted by the SMTP server), so the caller may mark it sent afterwards. ``flush``
is a point where buffered work must be done; ``close`` releases the connection. Failures are
split into permanent (5xx: the address is bad, do not retry) and temporary (4xx, dropped or
refused connections: retry in the next run).
"""

from __future__ import annotations

import base64
import mailbox
import smtplib
import ssl
from pathlib import Path
from typing import Protocol

from mailer.config import MailConfig


class DeliveryError(RuntimeError):
    """``permanent``: do not retry this message. ``recipient_fault``: the address itself was
    refused (55x), as opposed to a server complaining about the message or the command (50x).
    ``connection``: the server or the connection failed (refused, dropped, timed out, 421), not
    this one recipient, so the sender backs off the server rather than the address."""

    def __init__(self, message: str, *, permanent: bool, code: int | None = None, connection: bool = False):
        super().__init__(message)
        self.permanent = permanent
        self.code = code
        self.connection = connection

    @property
    def recipient_fault(self) -> bool:
        return self.permanent and self.code is not None and 550 <= self.code < 560


class Transport(Protocol):
    def push(self, message: bytes, *, sender: str, recipient: str) -> None: ...

    def flush(self) -> None: ...

    def close(self) -> None: ...


class MaildirTransport:
    """Writes each message into a Maildir (the default: inspectable, no server needed)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._box = mailbox.Maildir(self.path, create=True)

    def push(self, message: bytes, *, sender: str, recipient: str) -> None:
        self._box.add(message.replace(b"\r\n", b"\n"))  # files on disk use the local line end

    def flush(self) -> None:
        """Maildir delivery is complete once ``add`` returned (write to tmp/, rename into new/)."""

    def close(self) -> None:
        self._box.close()


class SMTPTransport:
    """One SMTP connection reused for a whole batch, reconnected after a drop."""

    def __init__(self, config: MailConfig):
        self.config = config
        self._smtp: smtplib.SMTP | None = None

    def _tls_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=self.config.smtp_cafile or None)

    def _connect(self) -> smtplib.SMTP:
        c = self.config
        smtp: smtplib.SMTP
        if c.smtp_tls:
            smtp = smtplib.SMTP_SSL(c.smtp_host, c.smtp_port, timeout=c.smtp_timeout, context=self._tls_context())
        else:
            smtp = smtplib.SMTP(c.smtp_host, c.smtp_port, timeout=c.smtp_timeout)
        try:
            smtp.ehlo()
            if c.smtp_starttls:
                smtp.starttls(context=self._tls_context())
                smtp.ehlo()
            if c.smtp_user:
                _login(smtp, c.smtp_user, c.smtp_password)
        except BaseException:
            smtp.close()
            raise
        return smtp

    def push(self, message: bytes, *, sender: str, recipient: str) -> None:
        try:
            if self._smtp is None:
                self._smtp = self._connect()
            self._smtp.sendmail(sender, [recipient], message)
        except smtplib.SMTPRecipientsRefused as exc:
            code, text = next(iter(exc.recipients.values()))
            self._raise_for_code(code, text, recipient)
        except smtplib.SMTPAuthenticationError as exc:
            self._drop()
            raise DeliveryError(
                f"SMTP-Anmeldung abgelehnt: {exc.smtp_code} {exc.smtp_error!r}",
                permanent=False,
                code=exc.smtp_code,
                connection=True,
            ) from exc
        except smtplib.SMTPResponseException as exc:
            if exc.smtp_code >= 500 and isinstance(exc, smtplib.SMTPDataError):
                self._raise_for_code(exc.smtp_code, exc.smtp_error, recipient)
            self._drop()
            raise DeliveryError(
                f"SMTP {exc.smtp_code}: {exc.smtp_error!r}",
                permanent=False,
                code=exc.smtp_code,
                connection=exc.smtp_code == 421 or not isinstance(exc, smtplib.SMTPDataError),
            ) from exc
        except (smtplib.SMTPException, OSError) as exc:
            self._drop()
            raise DeliveryError(
                f"SMTP-Verbindung zu {self.config.smtp_host}:{self.config.smtp_port}: {exc}",
                permanent=False,
                connection=True,
            ) from exc

    def _raise_for_code(self, code: int, text: bytes | str, recipient: str) -> None:
        detail = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
        if code >= 500:
            raise DeliveryError(f"{recipient}: {code} {detail}", permanent=True, code=code)
        raise DeliveryError(f"{recipient}: {code} {detail}", permanent=False, code=code, connection=code == 421)

    def _drop(self) -> None:
        """Forget a connection in an unknown state; the next push opens a fresh one."""
        if self._smtp is not None:
            try:
                self._smtp.close()
            finally:
                self._smtp = None

    def flush(self) -> None:
        """Messages are sent synchronously in ``push``; nothing is buffered."""

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                pass
            finally:
                self._drop()


def _login(smtp: smtplib.SMTP, user: str, password: str) -> None:
    """Log in; non-ASCII credentials go as UTF-8 AUTH PLAIN (RFC 4616), which smtplib refuses to encode."""
    if (user + password).isascii():
        smtp.login(user, password)
        return
    blob = base64.b64encode(b"\0" + user.encode("utf-8") + b"\0" + password.encode("utf-8")).decode("ascii")
    code, reply = smtp.docmd("AUTH", "PLAIN " + blob)
    if code != 235:
        raise smtplib.SMTPAuthenticationError(code, reply)


def make_transport(config: MailConfig) -> Transport:
    if config.backend == "smtp":
        return SMTPTransport(config)
    if config.backend == "maildir":
        return MaildirTransport(config.maildir_path)
    raise ValueError(f"FOERDERRADAR_MAIL_BACKEND: unbekannter Versandweg {config.backend!r} (maildir oder smtp)")
