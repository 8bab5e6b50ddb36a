"""The next digest of a member exactly as its recipients will get it once staff release it.

"Next" is ``mailer.upcoming``'s answer: this week's digest until it is sent, then next week's.
The mailer only mails *released* matches, so the preview releases them inside the request's
transaction, assembles and renders the digest with the mailer's own code, and rolls back:
what staff see is what ``send_period`` will send, and nothing is stored.
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from core.settings import Settings
from mailer.assemble import assemble_digest
from mailer.config import mail_config
from mailer.render import RenderedDigest, render_digest
from mailer.upcoming import upcoming_digest
from store.curation import release_member_digest
from store.models import Member, row_id


def render_member_digest(session: Session, member: Member, settings: Settings, *, today: date) -> RenderedDigest:
    config = mail_config(settings)
    period = upcoming_digest(session, member, today=today).period
    try:
        release_member_digest(session, row_id(member), period=period, actor="preview")
        content = assemble_digest(session, member, period, today=today, config=config)
        return render_digest(content, config)
    finally:
        session.rollback()
