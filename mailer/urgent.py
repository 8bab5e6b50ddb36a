"""Which changes cannot wait for a member's next regular digest, and what its urgent alert holds.

A deadline brought forward, a closing or money exhausted (``core.changes.URGENT_CHANGE_TYPES``)
for a programme the member received, or that staff approved and that is not yet sent, costs the
member money when it hears of it late. Such a change goes out at once, in an alert of its own,
when the next regular digest would come too late:

- a deadline brought forward: the new deadline falls on or before the next regular send day
  (a mail arriving on the deadline's own day leaves no time to act);
- a closing or exhausted money has no date to race, but work on an application that cannot
  succeed any more should stop now: urgent when the next regular digest is more than
  ``URGENT_WAIT_DAYS`` away. The Sunday crawl's findings thus still lead a weekly member's Tuesday
  digest, while a monthly member hears at once.

Otherwise the change leads the next digest (``mailer.assemble.new_changes`` puts urgent changes
first). The alert's period key is the day (``mailer.periods.urgent_period``), so the send records
keep it exactly once; a change frozen in an alert is never reported again.
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from mailer.assemble import DigestSelection, concerned_matches, is_urgent_revision, new_change_revisions
from mailer.config import MailConfig
from mailer.periods import current_period, is_due, next_due_period, send_date
from store.models import Digest, DigestSend, DigestState, MatchState, Member, Programme, ProgrammeRevision

URGENT_WAIT_DAYS = 2


def next_regular_send(session: Session, member: Member, today: date, config: MailConfig) -> date | None:
    """The day the member's next regular digest goes out (None: paused, no digest comes)."""
    period = current_period(today)
    weekday = config.send_weekday
    if is_due(member.digest_frequency, period, weekday) and send_date(period, weekday) >= today:
        digest = session.exec(select(Digest).where(Digest.member_id == member.id, Digest.period == period)).first()
        sent = digest is not None and (
            digest.state == DigestState.sent
            or session.exec(select(DigestSend).where(DigestSend.digest_id == digest.id)).first() is not None
        )
        if not sent:
            return send_date(period, weekday)
    following = next_due_period(member.digest_frequency, period, weekday)
    return send_date(following, weekday) if following else None


def too_late(revision: ProgrammeRevision, programme: Programme, next_send: date | None, today: date) -> bool:
    """Whether the next regular digest (on ``next_send``) would bring this change too late."""
    types = set(revision.change_types)
    waits = next_send is None or (next_send - today).days > URGENT_WAIT_DAYS
    if types & {"closed", "budget_exhausted"} and waits:
        return True
    if "deadline_brought_forward" in types:
        deadline = programme.next_deadline
        if deadline is not None and deadline >= today and (next_send is None or deadline <= next_send):
            return True
    return False


def select_urgent(session: Session, member: Member, today: date, config: MailConfig) -> DigestSelection:
    """The urgent alert the member must get today (empty: nothing that cannot wait).

    It holds the changes that cannot wait and, for a programme approved but not yet sent whose
    deadline was brought forward, the programme itself: a change of something never received
    would not help.
    """
    if member.digest_frequency == "paused":
        return DigestSelection()
    next_send = next_regular_send(session, member, today, config)
    revisions = []
    for revision in new_change_revisions(session, member, exclude_period=""):
        if not is_urgent_revision(revision):
            break  # urgent changes come first
        programme = session.get(Programme, revision.programme_id)
        if programme is not None and too_late(revision, programme, next_send, today):
            revisions.append(revision)
    programmes = {r.programme_id for r in revisions}
    items = []
    for match in concerned_matches(session, member):
        if match.id is None or match.state != MatchState.approved or match.programme_id not in programmes:
            continue
        programme = session.get(Programme, match.programme_id)
        if programme is not None and _still_open(programme, today):
            items.append(match.id)
    return DigestSelection(match_ids=items, change_revision_ids=[r.id for r in revisions if r.id is not None])


def _still_open(programme: Programme, today: date) -> bool:
    return (
        not programme.closed
        and programme.removed_at is None
        and (programme.next_deadline is None or programme.next_deadline >= today)
    )
