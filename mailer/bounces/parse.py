"""Read delivery status notifications (RFC 3464) into a list of failed addresses.

Real bounces come as ``multipart/report; report-type=delivery-status`` with one
``message/delivery-status`` part holding per-recipient header blocks (Final-Recipient, Action,
Status, Diagnostic-Code). Some servers send only a human-readable text; for those a conservative
fallback looks for an SMTP enhanced status code next to an address. Never raises on bad input:
a message that is not a bounce yields no failures.
"""

from __future__ import annotations

import email
import re
from dataclasses import dataclass
from email import policy
from email.message import Message

STATUS_CODE = re.compile(r"\b([245])\.(\d{1,3})\.(\d{1,3})\b")
ADDRESS = re.compile(r"<?([A-Za-z0-9._%+\-']+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,})>?")
MESSAGE_ID = re.compile(r"^Message-ID:\s*(<[^>\s]+>)", re.IGNORECASE | re.MULTILINE)


@dataclass(frozen=True)
class Failure:
    email: str
    permanent: bool
    status_code: str  # enhanced status code, e.g. "5.1.1"
    diagnostic: str
    message_id: str  # Message-ID of the digest that bounced, when the DSN quotes it


def parse_bounce(raw: bytes) -> list[Failure]:
    try:
        message = email.message_from_bytes(raw, policy=policy.compat32)
    except Exception:  # noqa: BLE001 - a mangled message is not a bounce we can use
        return []
    original_id = _original_message_id(message)
    report = _delivery_status_part(message)
    if report is not None:
        return _from_delivery_status(report, original_id)
    return _from_text(message, original_id)


def _delivery_status_part(message: Message) -> Message | None:
    for part in message.walk():
        if part.get_content_type() == "message/delivery-status":
            return part
    return None


def _blocks(part: Message) -> list[Message]:
    """The per-message and per-recipient header blocks of a delivery-status part."""
    payload = part.get_payload()
    if isinstance(payload, list):
        return [block for block in payload if isinstance(block, Message)]
    text = payload if isinstance(payload, str) else ""
    return [email.message_from_string(chunk.strip() + "\n") for chunk in re.split(r"\n\s*\n", text) if chunk.strip()]


def _from_delivery_status(part: Message, original_id: str) -> list[Failure]:
    failures = []
    for block in _blocks(part):
        original_id = (
            original_id or str(block.get("Original-Message-ID") or block.get("X-Original-Message-ID") or "").strip()
        )
        recipient = block.get("Final-Recipient") or block.get("Original-Recipient")
        action = (block.get("Action") or "").strip().lower()
        if not recipient or action not in ("failed", "delayed"):
            continue
        address = ADDRESS.search(str(recipient).split(";", 1)[-1])
        if not address:
            continue
        status = STATUS_CODE.search(block.get("Status") or "")
        code = ".".join(status.groups()) if status else ("5.0.0" if action == "failed" else "4.0.0")
        diagnostic = " ".join(str(block.get("Diagnostic-Code") or "").split())
        permanent = action == "failed" and code.startswith("5")
        failures.append(Failure(address.group(1).lower(), permanent, code, diagnostic[:2000], original_id))
    return failures


def _from_text(message: Message, original_id: str) -> list[Failure]:
    """Non-standard bounces: only trusted when the sender looks like a mailer daemon."""
    sender = (message.get("From") or "").lower()
    if not any(word in sender for word in ("mailer-daemon", "postmaster", "mail delivery")):
        return []
    for part in message.walk():
        if part.get_content_type() != "text/plain":
            continue
        payload = part.get_payload(decode=True)
        text = payload if isinstance(payload, bytes) else b""
        body = text.decode(part.get_content_charset() or "utf-8", "replace")
        quoted_id = MESSAGE_ID.search(body)
        original_id = original_id or (quoted_id.group(1) if quoted_id else "")
        for line in body.splitlines():
            status, address = STATUS_CODE.search(line), ADDRESS.search(line)
            if status and address and status.group(1) in "45":
                code = ".".join(status.groups())
                return [
                    Failure(
                        address.group(1).lower(), code.startswith("5"), code, " ".join(line.split())[:2000], original_id
                    )
                ]
        return []
    return []


def _original_message_id(message: Message) -> str:
    for part in message.walk():
        if part.get_content_type() in ("message/rfc822", "text/rfc822-headers"):
            payload = part.get_payload()
            if isinstance(payload, list) and payload and isinstance(payload[0], Message):
                return str(payload[0].get("Message-ID") or "").strip()
            found = MESSAGE_ID.search(payload if isinstance(payload, str) else "")
            if found:
                return found.group(1)
    return ""
