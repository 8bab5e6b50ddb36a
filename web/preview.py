"""The next digest of a member exactly as its recipients will get it (mailer's own assembly and rendering)."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from foerderradar.mailing import mail_config
from foerderradar.settings import Settings
from mailer.assemble import assemble_digest
from mailer.periods import current_period
from mailer.render import RenderedDigest, render_digest
from store.models import Member


def render_member_digest(session: Session, member: Member, settings: Settings, *, today: date) -> RenderedDigest:
    config = mail_config(settings)
    content = assemble_digest(session, member, current_period(today), today=today, config=config)
    return render_digest(content, config)
