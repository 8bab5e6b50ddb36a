"""Build the MIME message of one digest mail with the headers mailbox providers expect.

The Message-ID is deterministic per recipient and period: should a crash force a resend, the
second copy carries the same id, so mail clients and servers can recognise the duplicate.
List-Unsubscribe has an https URI (RFC 8058 one-click via List-Unsubscribe-Post) and a mailto.

Providers read the List-* headers as they are on the wire: an RFC 2047 encoded-word there
(``=?utf-8?q?=3Chttps…``) hides the URIs, and no one-click unsubscribe is offered. The email
package encodes any header whose word is longer than a line, so ``WIRE_POLICY`` writes the List-*
headers itself: ASCII only, folded between the list entries. ``wire_bytes`` is what is sent.
"""

from __future__ import annotations

import binascii
import hashlib
import hmac
import unicodedata
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import EmailPolicy
from email.utils import format_datetime
from typing import Any
from zoneinfo import ZoneInfo

from mailer.config import MailConfig
from mailer.render import RenderedDigest, unsubscribe_url

VERBATIM_HEADERS = frozenset({"list-unsubscribe", "list-unsubscribe-post", "list-id"})
FOLD_AT = 78  # RFC 5322's recommended line length; the hard limit is 998


class WirePolicy(EmailPolicy):
    """The SMTP policy (CRLF), except that the List-* headers are written verbatim (see module doc)."""

    def fold(self, name: str, value: Any) -> str:
        if name.lower() not in VERBATIM_HEADERS:
            return str(super().fold(name, value))
        text = str(value)
        if not text.isascii():
            raise ValueError(f"Kopfzeile {name}: nur ASCII erlaubt, erhalten {text!r}")
        entries = text.split(", ")
        pieces = [entry + "," for entry in entries[:-1]] + entries[-1:]
        lines, line = [], f"{name}:"
        for piece in pieces:
            if len(line) + 1 + len(piece) > FOLD_AT and line != f"{name}:":
                lines.append(line)
                line = ""
            line += " " + piece
        return self.linesep.join([*lines, line]) + self.linesep

    def fold_binary(self, name: str, value: Any) -> bytes:
        if name.lower() not in VERBATIM_HEADERS:
            return super().fold_binary(name, value)
        return self.fold(name, value).encode("ascii")


WIRE_POLICY = WirePolicy(linesep="\r\n")


def wire_bytes(message: EmailMessage) -> bytes:
    """The message as it goes to the SMTP server or the Maildir: CRLF line ends, headers as above."""
    return message.as_bytes(policy=WIRE_POLICY)


_ASCII_SPELLING = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"})


def ascii_text(text: str) -> str:
    """German text in ASCII for headers that must not be encoded ("Förderradar" → "Foerderradar")."""
    spelled = text.translate(_ASCII_SPELLING)
    return unicodedata.normalize("NFKD", spelled).encode("ascii", "ignore").decode("ascii")


def message_id(config: MailConfig, recipient_id: int, period: str) -> str:
    """``<digest.2026-W48.r17.<mac>@domain>``; the MAC keeps ids unguessable across installations."""
    mac = hmac.new(config.secret_key.encode(), f"{period}:{recipient_id}".encode(), hashlib.sha256).hexdigest()[:12]
    return f"<digest.{period}.r{recipient_id}.{mac}@{config.mail_domain}>"


def build_message(
    rendered: RenderedDigest,
    config: MailConfig,
    *,
    recipient_id: int,
    email: str,
    name: str,
    period: str,
    msg_id: str,
    now: datetime,
) -> EmailMessage:
    message = EmailMessage()
    message["MIME-Version"] = "1.0"
    message["Subject"] = rendered.subject
    message["From"] = config.mail_from
    message["Reply-To"] = config.mail_reply_to
    message["To"] = Address(display_name=name, addr_spec=email) if name else email
    message["Date"] = format_datetime(now.astimezone(ZoneInfo(config.timezone)))
    message["Message-ID"] = msg_id
    message["List-Id"] = ascii_text(config.list_id)
    message["List-Unsubscribe"] = (
        f"<{unsubscribe_url(config, recipient_id)}>, "
        f"<mailto:{config.unsubscribe_mailto}?subject=abmelden%20r{recipient_id}>"
    )
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message["Auto-Submitted"] = "auto-generated"
    message["Precedence"] = "bulk"
    message["X-Foerderradar-Period"] = period
    message.make_alternative()
    message.attach(_quoted_printable_part(rendered.text, "plain"))
    message.attach(_quoted_printable_part(rendered.html, "html"))
    return message


def _quoted_printable_part(text: str, subtype: str) -> EmailMessage:
    """A UTF-8 text part, quoted-printable encoded by binascii's C routine.

    The HTML has lines far beyond SMTP's 998-character limit, so it must be encoded; the email
    package's own encoder is pure Python and would cost more than rendering the whole digest.
    """
    part = EmailMessage()
    part["Content-Type"] = f'text/{subtype}; charset="utf-8"'
    part["Content-Transfer-Encoding"] = "quoted-printable"
    part.set_payload(binascii.b2a_qp(text.encode("utf-8"), istext=True).decode("ascii"))
    return part
