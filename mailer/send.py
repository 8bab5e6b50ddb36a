"""Send a period's digests so that each recipient gets exactly one mail per period.

The guarantee rests on the database, not on the process:
1. *Prepare* (one transaction per member): freeze the digest's content ids in ``Digest`` and
   insert one ``DigestSend`` per recipient in state ``queued``. The unique constraint
   (recipient, period) makes a second, concurrent preparation fail as a whole.
2. *Claim*: ``UPDATE … SET state='sending' WHERE id=… AND state='queued'`` — only one run can win
   a row; the loser moves on.
3. *Deliver*, then *mark* ``sent``. A crash between 2 and 3 leaves the row in ``sending``; the
   watchdog re-queues it after ``sending_timeout_minutes`` and the resend carries the same
   deterministic Message-ID (at most one duplicate, recognisable as such).
Temporary failures (4xx, dropped connection) put the row back to ``queued`` with a stored next
attempt time (``mailer/retry.py``: per recipient, per receiving domain, and a stop when the server
itself is down); the batch goes on with the others. A 5xx marks it ``failed``, and a refused
address (55x) also marks the recipient ``bouncing``. The report says how many mails still wait
and from when, so the command can end with "retry later" instead of success.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session, col, func, or_, select
from sqlmodel.sql.expression import SelectOfScalar

from core.liveness import is_dead_local_process, process_holder
from mailer.assemble import (
    DigestContent,
    DigestSelection,
    RecipientInfo,
    build_content,
    frozen_selection,
    select_digest,
)
from mailer.bounces.suppress import record_bounce
from mailer.config import MailConfig
from mailer.headers import build_message, message_id, wire_bytes
from mailer.periods import is_due, is_urgent_period, parse_period, shift_period, urgent_period
from mailer.render import render_digest
from mailer.retry import RunBackoff
from mailer.transports import DeliveryError, Transport, make_transport
from mailer.urgent import select_urgent
from store.curation import mark_sent
from store.models import (
    Digest,
    DigestSend,
    DigestState,
    Member,
    Recipient,
    RecipientStatus,
    SendState,
    row_id,
)
from store.types import utcnow

log = logging.getLogger(__name__)
SENDABLE = (RecipientStatus.active, RecipientStatus.bouncing)
CLAIM_CHUNK = 20  # sends claimed per transaction
PREPARE_ATTEMPTS = 5  # SQLite may refuse a write upgrade under concurrency ("database is locked")


@dataclass
class SendReport:
    sent: int = 0
    already_sent: int = 0
    failed: int = 0
    members_without_news: int = 0
    per_member: dict[str, int] = field(default_factory=dict)
    deferred: int = 0  # temporary failures left queued for the next run
    requeued: int = 0  # stuck sends the watchdog put back
    postponed: int = 0  # not tried: their receiving domain is backing off
    waiting: int = 0  # mails of this run's scope still queued when it ended
    next_attempt_at: datetime | None = None  # the earliest time one of them may be tried again


def send_period(
    engine: Engine,
    config: MailConfig,
    *,
    period: str,
    today: date,
    member_slugs: list[str] | None = None,
    transport: Transport | None = None,
    force: bool = False,
) -> SendReport:
    """Prepare and deliver the digests due in ``period``; safe to run again and concurrently.

    ``force`` sends to the named members even when their frequency is not due this period.
    """
    parse_period(period)
    report = SendReport()
    report.requeued = requeue_stuck_sends(engine, config)
    with Session(engine) as session:
        members = _members(session, member_slugs)
    members = [m for m in members if force or is_due(m.digest_frequency, period, config.send_weekday)]
    for member in members:
        _prepare_with_retry(engine, config, member, period, today, report)
    member_ids = [row_id(m) for m in members]
    own_transport = transport is None
    transport = transport or make_transport(config)
    try:
        _deliver(engine, config, [shift_period(period, -1), period], member_ids, transport, today, report)
        transport.flush()
    finally:
        if own_transport:
            transport.close()
    finish_digests(engine, [shift_period(period, -1), period], member_ids)
    report.waiting, report.next_attempt_at = waiting_sends(engine, [shift_period(period, -1), period], member_ids)
    return report


def send_urgent_alerts(
    engine: Engine,
    config: MailConfig,
    *,
    today: date,
    member_slugs: list[str] | None = None,
    transport: Transport | None = None,
) -> SendReport:
    """Send today's urgent alerts (``mailer.urgent``): changes that cannot wait for the next digest.

    The same prepare–claim–deliver path as a digest, under the day's period key, so a second run
    on the same day sends nothing again; alerts of the past week still queued are finished first.
    """
    report = SendReport()
    report.requeued = requeue_stuck_sends(engine, config)
    period = urgent_period(today)
    with Session(engine) as session:
        members = [m for m in _members(session, member_slugs) if m.digest_frequency != "paused"]
    for member in members:
        _prepare_with_retry(engine, config, member, period, today, report)
    periods = [urgent_period(today - timedelta(days=n)) for n in range(7, -1, -1)]
    member_ids = [m.id for m in members if m.id is not None]
    own_transport = transport is None
    transport = transport or make_transport(config)
    try:
        _deliver(engine, config, periods, member_ids, transport, today, report)
        transport.flush()
    finally:
        if own_transport:
            transport.close()
    finish_digests(engine, periods, member_ids)
    return report


def _members(session: Session, slugs: list[str] | None) -> list[Member]:
    query = select(Member).order_by(Member.slug)
    if slugs is not None:
        query = query.where(col(Member.slug).in_(slugs))
        found = session.exec(query).all()
        missing = sorted(set(slugs) - {m.slug for m in found})
        if missing:
            raise ValueError(f"Unbekannte Mitglieder: {', '.join(missing)}")
        return list(found)
    return list(session.exec(query).all())


# ---------------------------------------------------------------------------------------------
# Prepare
# ---------------------------------------------------------------------------------------------


def _prepare_with_retry(
    engine: Engine, config: MailConfig, member: Member, period: str, today: date, report: SendReport
) -> None:
    for attempt in range(PREPARE_ATTEMPTS):
        try:
            return prepare_member(engine, config, member, period, today, report)
        except IntegrityError:
            return None  # another run prepared this member's digest at the same moment
        except OperationalError as exc:
            if "locked" not in str(exc).lower() or attempt == PREPARE_ATTEMPTS - 1:
                raise


def prepare_member(
    engine: Engine, config: MailConfig, member: Member, period: str, today: date, report: SendReport
) -> None:
    """Freeze the member's digest for the period and queue one send per interested recipient."""
    with Session(engine, expire_on_commit=False) as session:
        if frozen_selection(session, member, period) is not None:
            return
        recipients = session.exec(
            select(Recipient)
            .where(Recipient.member_id == member.id, col(Recipient.status).in_(SENDABLE))
            .order_by(col(Recipient.id))
        ).all()
        if not recipients:
            return
        urgent = is_urgent_period(period)
        if urgent:
            selection = select_urgent(session, member, today, config)
        else:
            selection = select_digest(session, member, period, today=today, config=config)
        selection.match_ids = [i for i in selection.match_ids if i not in _pending_elsewhere(session, member, period)]
        if urgent and selection.empty:
            return  # nothing that cannot wait: no alert
        news_for_topics: dict[tuple[str, ...], bool] = {}
        for recipient in recipients:
            topics = tuple(sorted(recipient.topics))
            if topics not in news_for_topics:
                news_for_topics[topics] = not build_content(
                    session, member, period, selection, today=today, recipient=recipient, config=config
                ).nothing_new
        wanted = [
            r
            for r in recipients
            if (member.send_nothing_new and not urgent) or news_for_topics[tuple(sorted(r.topics))]
        ]
        if not wanted:
            report.members_without_news += 1
            return
        digest = session.exec(select(Digest).where(Digest.member_id == member.id, Digest.period == period)).first()
        digest = digest or Digest(member_id=row_id(member), period=period)
        digest.match_ids = list(selection.match_ids)
        digest.reminder_programme_ids = list(selection.reminder_programme_ids)
        digest.change_revision_ids = list(selection.change_revision_ids)
        session.add(digest)
        session.flush()
        for recipient in wanted:
            session.add(
                DigestSend(
                    digest_id=row_id(digest),
                    recipient_id=row_id(recipient),
                    period=period,
                    message_id=message_id(config, row_id(recipient), period),
                )
            )
        session.commit()


def _pending_elsewhere(session: Session, member: Member, period: str) -> set[int]:
    """Match ids frozen in an earlier digest whose mails are still on their way.

    They will arrive with that digest when its sends resume; listing them again would tell
    the same recipient twice.
    """
    digests = session.exec(
        select(Digest)
        .join(DigestSend, col(DigestSend.digest_id) == Digest.id)
        .where(
            Digest.member_id == member.id,
            Digest.period != period,
            col(DigestSend.state).in_((SendState.queued, SendState.sending)),
        )
    ).all()
    return {mid for digest in digests for mid in digest.match_ids}


# ---------------------------------------------------------------------------------------------
# Claim, deliver, mark
# ---------------------------------------------------------------------------------------------


def requeue_stuck_sends(engine: Engine, config: MailConfig) -> int:
    """The watchdog: sends left in ``sending`` by a crashed run go back to ``queued``.

    A claim of a process on this machine that no longer exists is released at once; any other
    claim only after ``sending_timeout_minutes`` (its run may still be working elsewhere).
    """
    cutoff = utcnow() - timedelta(minutes=config.sending_timeout_minutes)
    with Session(engine) as session:
        stuck = session.exec(
            select(DigestSend.id, DigestSend.claimed_by, DigestSend.claimed_at).where(
                DigestSend.state == SendState.sending
            )
        ).all()
        ids = [
            sid
            for sid, holder, claimed_at in stuck
            if (claimed_at is not None and claimed_at <= cutoff) or is_dead_local_process(holder)
        ]
        if not ids:
            return 0
        result = session.execute(
            update(DigestSend)
            .where(
                col(DigestSend.id).in_(ids),
                col(DigestSend.state) == SendState.sending,
            )
            .values(state=SendState.queued, claimed_by="", error="nach Abbruch erneut eingereiht")
        )
        session.commit()
        return int(getattr(result, "rowcount", 0) or 0)  # an UPDATE's CursorResult counts its rows


def _claim(engine: Engine, send_ids: list[int], run_id: str) -> list[tuple[DigestSend, Recipient]]:
    """Atomically move these sends from ``queued`` to ``sending`` for this run; returns those won
    with their recipients, in the order of ``send_ids``.

    Claiming a small chunk per transaction instead of one row saves a commit per mail; rows
    another run claimed first are simply not in the result.
    """
    with Session(engine, expire_on_commit=False) as session:
        session.execute(
            update(DigestSend)
            .where(
                col(DigestSend.id).in_(send_ids),
                col(DigestSend.state) == SendState.queued,
            )
            .values(state=SendState.sending, claimed_by=run_id, claimed_at=utcnow(), attempts=DigestSend.attempts + 1)
        )
        session.commit()
        won = session.exec(
            select(DigestSend, Recipient)
            .join(Recipient, col(Recipient.id) == DigestSend.recipient_id)
            .where(
                col(DigestSend.id).in_(send_ids),
                DigestSend.claimed_by == run_id,
                DigestSend.state == SendState.sending,
            )
        ).all()
    position = {send_id: index for index, send_id in enumerate(send_ids)}
    return sorted(won, key=lambda pair: position[row_id(pair[0])])  # in the queue's order


def _release_unattempted(engine: Engine, send_ids: list[int], run_id: str) -> None:
    """Give claimed sends that this run did not try back to the queue (run stopped early)."""
    if not send_ids:
        return
    with Session(engine) as session:
        session.execute(
            update(DigestSend)
            .where(
                col(DigestSend.id).in_(send_ids),
                col(DigestSend.claimed_by) == run_id,
                col(DigestSend.state) == SendState.sending,
            )
            .values(state=SendState.queued, claimed_by="")
        )
        session.commit()


def _mark(engine: Engine, send_id: int, run_id: str, **values: Any) -> None:
    """Record the outcome of one claimed send (a plain Core UPDATE: it runs once per mail)."""
    with engine.begin() as connection:
        connection.execute(
            update(DigestSend)
            .where(
                col(DigestSend.id) == send_id,
                col(DigestSend.claimed_by) == run_id,
                col(DigestSend.state) == SendState.sending,
            )
            .values(**values)
        )


def _scope(periods: list[str], member_ids: list[int]) -> SelectOfScalar[int | None]:
    return (
        select(col(DigestSend.id))
        .join(Digest, col(Digest.id) == DigestSend.digest_id)
        .where(col(DigestSend.period).in_(periods), col(Digest.member_id).in_(member_ids))
    )


def waiting_sends(engine: Engine, periods: list[str], member_ids: list[int]) -> tuple[int, datetime | None]:
    """How many sends of these periods and members are still queued, and the earliest time one
    of them may be tried (now for those without a stored back-off)."""
    with Session(engine) as session:
        rows = session.exec(
            select(DigestSend.next_attempt_at).where(
                col(DigestSend.id).in_(_scope(periods, member_ids)), DigestSend.state == SendState.queued
            )
        ).all()
    if not rows:
        return 0, None
    now = utcnow()
    return len(rows), min(max(when, now) if when is not None else now for when in rows)


def _deliver(
    engine: Engine,
    config: MailConfig,
    periods: list[str],
    member_ids: list[int],
    transport: Transport,
    today: date,
    report: SendReport,
) -> None:
    """Deliver the queued sends of these periods (a batch cut off last week is finished first)."""
    run_id = process_holder(unique=True)[:128]
    scope = _scope(periods, member_ids)
    now = utcnow()
    with Session(engine) as session:
        report.already_sent = session.exec(
            select(func.count()).select_from(scope.where(DigestSend.state == SendState.sent).subquery())
        ).one()
        due = scope.where(
            DigestSend.state == SendState.queued,
            or_(col(DigestSend.next_attempt_at).is_(None), col(DigestSend.next_attempt_at) <= now),
        )
        # fewest attempts first: mails that failed before never stand in front of the others
        queued = [i for i in session.exec(due.order_by(col(DigestSend.attempts), col(DigestSend.id))) if i is not None]
    contents = ContentCache(engine, config, today)
    backoff = RunBackoff()
    for start in range(0, len(queued), CLAIM_CHUNK):
        claimed = _claim(engine, queued[start : start + CLAIM_CHUNK], run_id)
        for position, (send, recipient) in enumerate(claimed):
            if backoff.server_down:
                _release_unattempted(engine, [row_id(s) for s, _ in claimed[position:]], run_id)
                return  # the mail server is down: the next run resumes
            blocked_until = backoff.domain_blocked_until(recipient.email)
            if blocked_until is not None:
                report.postponed += 1
                _mark(
                    engine,
                    row_id(send),
                    run_id,
                    state=SendState.queued,
                    claimed_by="",
                    next_attempt_at=blocked_until,
                    error="Empfangsdomain lehnt vorübergehend ab: später erneut",
                )
                continue
            _deliver_one(engine, config, transport, contents, send, recipient, run_id, report, backoff)


def _deliver_one(
    engine: Engine,
    config: MailConfig,
    transport: Transport,
    contents: ContentCache,
    send: DigestSend,
    recipient: Recipient,
    run_id: str,
    report: SendReport,
    backoff: RunBackoff,
) -> None:
    """Render, push and mark one claimed send; a temporary failure is recorded in ``backoff``."""
    send_id = row_id(send)
    if recipient.status not in SENDABLE:
        _mark(engine, send_id, run_id, state=SendState.failed, error=f"Empfänger {recipient.status}")
        return
    content, slug = contents.for_recipient(send.digest_id, recipient)
    message = build_message(
        render_digest(content, config),
        config,
        recipient_id=row_id(recipient),
        email=recipient.email,
        name=recipient.name,
        period=send.period,
        msg_id=send.message_id,
        now=utcnow(),
    )
    raw = wire_bytes(message)  # CRLF line ends, as SMTP DATA requires
    try:
        transport.push(raw, sender=config.from_address, recipient=recipient.email)
    except DeliveryError as exc:
        report.failed += 1
        log.warning("Versand an %s fehlgeschlagen: %s", recipient.email, exc)
        if not exc.permanent:
            report.deferred += 1
            wait_until = backoff.failed(exc, recipient.email, send.attempts, utcnow())
            _mark(
                engine,
                send_id,
                run_id,
                state=SendState.queued,
                claimed_by="",
                next_attempt_at=wait_until,
                error=str(exc)[:2000],
            )
            return
        backoff.delivered()  # the server answered: the connection works
        _mark(engine, send_id, run_id, state=SendState.failed, error=str(exc)[:2000])
        if exc.recipient_fault:
            with Session(engine) as session:
                record_bounce(
                    session,
                    recipient.email,
                    permanent=True,
                    status_code=str(exc.code),
                    diagnostic=str(exc),
                    message_id=send.message_id,
                    source="smtp",
                )
                session.commit()
        return
    backoff.delivered()
    _mark(
        engine,
        send_id,
        run_id,
        state=SendState.sent,
        sent_at=utcnow(),
        error="",
        size_bytes=len(raw),
        next_attempt_at=None,
    )
    report.sent += 1
    report.per_member[slug] = report.per_member.get(slug, 0) + 1


class ContentCache:
    """Digest content per (digest, recipient topics), built once per run.

    All recipients of a member with the same topics see the same items; only the personal parts
    (name, links) differ, and those are added at rendering.
    """

    def __init__(self, engine: Engine, config: MailConfig, today: date):
        self.engine, self.config, self.today = engine, config, today
        self._cache: dict[tuple[int, tuple[str, ...]], tuple[DigestContent, str]] = {}

    def for_recipient(self, digest_id: int, recipient: Recipient) -> tuple[DigestContent, str]:
        key = (digest_id, tuple(sorted(recipient.topics)))
        if key not in self._cache:
            with Session(self.engine, expire_on_commit=False) as session:
                digest = session.get(Digest, digest_id)
                member = session.get(Member, digest.member_id) if digest is not None else None
                if digest is None or member is None:
                    raise LookupError(f"Digest {digest_id} oder sein Mitglied fehlt in der Datenbank")
                selection = DigestSelection(
                    match_ids=digest.match_ids,
                    reminder_programme_ids=digest.reminder_programme_ids,
                    change_revision_ids=digest.change_revision_ids,
                )
                content = build_content(
                    session, member, digest.period, selection, today=self.today, recipient=recipient, config=self.config
                )
            self._cache[key] = (content, member.slug)
        content, slug = self._cache[key]
        return replace(content, recipient=RecipientInfo(recipient.id, recipient.email, recipient.name)), slug


def finish_digests(engine: Engine, periods: list[str], member_ids: list[int]) -> None:
    """Matches of a digest that reached at least one recipient become ``sent``; a digest with
    nothing left to deliver becomes ``sent`` itself."""
    now = utcnow()
    with Session(engine) as session:
        digests = session.exec(
            select(Digest).where(col(Digest.period).in_(periods), col(Digest.member_id).in_(member_ids))
        ).all()
        for digest in digests:
            states = session.exec(select(DigestSend.state).where(DigestSend.digest_id == digest.id)).all()
            if SendState.sent not in states:
                continue
            mark_sent(session, list(digest.match_ids), when=now)
            if not ({SendState.queued, SendState.sending} & set(states)) and digest.state != DigestState.sent:
                digest.state = DigestState.sent
                session.add(digest)
        session.commit()
