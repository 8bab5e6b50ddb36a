"""Read the bounce Maildir and apply what the DSNs say.

Each message is handled once: after processing it is moved to ``cur/`` with the Seen flag, so a
second run (or a crash half-way) never counts a bounce twice.
"""

from __future__ import annotations

import mailbox
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session

from mailer.bounces.parse import parse_bounce
from mailer.bounces.suppress import record_bounce
from store.models import RecipientStatus


@dataclass
class BounceReport:
    messages: int = 0
    failures: int = 0
    not_bounces: int = 0
    suppressed: list[str] = field(default_factory=list)


def process_bounce_maildir(engine: Engine, path: Path) -> BounceReport:
    report = BounceReport()
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    box = mailbox.Maildir(Path(path), create=True)
    try:
        for key in list(box.keys()):
            message = box.get_message(key)
            if "S" in message.get_flags():
                continue
            report.messages += 1
            failures = parse_bounce(box.get_bytes(key))
            if not failures:
                report.not_bounces += 1
            with Session(engine) as session:
                for failure in failures:
                    report.failures += 1
                    for recipient in record_bounce(
                        session,
                        failure.email,
                        permanent=failure.permanent,
                        status_code=failure.status_code,
                        diagnostic=failure.diagnostic,
                        message_id=failure.message_id,
                        source="dsn",
                    ):
                        if recipient.status == RecipientStatus.suppressed and recipient.email not in report.suppressed:
                            report.suppressed.append(recipient.email)
                session.commit()
            message.set_subdir("cur")
            message.add_flag("S")
            box[key] = message
    finally:
        box.close()
    return report
