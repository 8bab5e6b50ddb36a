"""Exactly once under faults: refused recipients, dropped connections, concurrent runs, crashes."""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections import Counter

from sqlmodel import Session, select

from mailer.send import SendReport, prepare_member, requeue_stuck_sends, send_period
from mailer.transports import SMTPTransport
from store.db import make_engine
from store.models import BounceEvent, DigestSend, Match, Member, Recipient
from store.types import utcnow


def _members(world, count: int, per_member: int) -> list[str]:
    addresses = []
    for m in range(count):
        mails = [f"person{r}@gemeinde{m}.example" for r in range(per_member)]
        member = world.member(f"gemeinde-{m}", f"Gemeinde {m}", recipients=mails)
        world.match(member, world.programme(f"Programm {m}"))
        addresses += mails
    return addresses


def test_refused_recipient_is_marked_bouncing_and_others_are_delivered(
    engine, world, smtp_server, smtp_config, today, period
):
    handler, _, _ = smtp_server
    addresses = _members(world, 1, 3)
    handler.behaviour.refuse = {addresses[1]}

    report = send_period(engine, smtp_config, period=period, today=today)

    assert report.sent == 2 and report.failed == 1
    assert sorted(a for r in handler.received for a in r.rcpt_tos) == sorted([addresses[0], addresses[2]])
    with Session(engine) as session:
        refused = session.exec(select(Recipient).where(Recipient.email == addresses[1])).one()
        assert refused.status == "bouncing"
        event = session.exec(select(BounceEvent)).one()
        assert event.source == "smtp" and event.status_code == "550"
        assert session.exec(select(Match)).one().state == "sent"  # the others received it


def test_dropped_connection_mid_batch_is_completed_by_the_next_run(
    engine, world, smtp_server, smtp_config, today, period
):
    handler, _, _ = smtp_server
    addresses = _members(world, 2, 3)
    handler.behaviour.drop_after = 2

    first = send_period(engine, smtp_config, period=period, today=today)
    assert first.sent == 2 and first.deferred >= 1
    with Session(engine) as session:
        assert {s.state for s in session.exec(select(DigestSend)).all()} == {"sent", "queued"}

    handler.behaviour.drop_after = None
    second = send_period(engine, smtp_config, period=period, today=today)

    assert second.sent == 4 and second.already_sent == 2
    delivered = Counter(a for r in handler.received for a in r.rcpt_tos)
    assert delivered == Counter(addresses)  # everybody exactly once
    with Session(engine) as session:
        assert {s.state for s in session.exec(select(DigestSend)).all()} == {"sent"}
        assert {m.state for m in session.exec(select(Match)).all()} == {"sent"}


def test_two_runs_at_once_send_each_recipient_one_mail(engine, world, smtp_server, smtp_config, today, period):
    handler, _, _ = smtp_server
    addresses = _members(world, 4, 4)
    reports, errors = [], []
    start = threading.Barrier(2)

    def run():
        try:
            start.wait()
            reports.append(send_period(engine, smtp_config, period=period, today=today))
        except Exception as exc:  # noqa: BLE001 - surfaced by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert errors == []
    assert sum(r.sent for r in reports) == len(addresses)
    assert Counter(a for r in handler.received for a in r.rcpt_tos) == Counter(addresses)
    ids = [r.message["Message-ID"] for r in handler.received]
    assert len(set(ids)) == len(ids)


class DieAfter(SMTPTransport):
    """Delivers like the real transport, then the process dies (``kill -9`` style) after N messages,
    i.e. after the server accepted the message and before the send was marked."""

    def __init__(self, config, die_after: int):
        super().__init__(config)
        self.remaining = die_after

    def push(self, message, *, sender, recipient):
        super().push(message, sender=sender, recipient=recipient)
        self.remaining -= 1
        if self.remaining == 0:
            os._exit(9)


def _send_and_die(database_url, config, period, today):
    engine = make_engine(database_url)
    send_period(engine, config, period=period, today=today, transport=DieAfter(config, die_after=2))


def test_killed_between_send_and_mark_resends_at_most_once_with_the_same_message_id(
    engine, database_url, world, smtp_server, smtp_config, today, period
):
    handler, _, _ = smtp_server
    addresses = _members(world, 1, 5)
    child = multiprocessing.get_context("fork").Process(
        target=_send_and_die, args=(database_url, smtp_config, period, today)
    )
    child.start()
    child.join(60)
    assert child.exitcode == 9 and len(handler.received) == 2
    with Session(engine) as session:
        assert [s.state for s in session.exec(select(DigestSend).order_by(DigestSend.id)).all()] == ["sent"] + [
            "sending"
        ] * 4  # the dead run had claimed a chunk

    # The restart sees that the claimer is dead: everything is re-queued and finished now;
    # only the message that was accepted but not marked goes out a second time.
    restart = send_period(engine, smtp_config, period=period, today=today)
    assert restart.requeued == 4 and restart.sent == 4
    assert send_period(engine, smtp_config, period=period, today=today).sent == 0

    delivered = Counter(a for r in handler.received for a in r.rcpt_tos)
    assert set(delivered) == set(addresses)
    [twice] = [a for a, n in delivered.items() if n == 2]
    assert all(n == 1 for a, n in delivered.items() if a != twice)
    first_id, second_id = handler.message_ids_for(twice)
    assert first_id == second_id


def test_claims_of_a_live_run_are_left_alone_until_the_timeout(engine, world, mail_config, today, period):
    _members(world, 1, 2)
    with Session(engine) as session:
        member = session.exec(select(Member)).one()
    prepare_member(engine, mail_config, member, period, today, SendReport())
    with Session(engine) as session:
        for send in session.exec(select(DigestSend)).all():
            send.state, send.claimed_by, send.claimed_at = "sending", "elsewhere:1:abc", utcnow()
            session.add(send)
        session.commit()

    assert requeue_stuck_sends(engine, mail_config) == 0  # another machine may still be sending
    mail_config.sending_timeout_minutes = 0
    assert requeue_stuck_sends(engine, mail_config) == 2
