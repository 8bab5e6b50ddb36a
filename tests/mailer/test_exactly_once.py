"""Exactly once under faults: refused recipients, dropped connections, concurrent runs, crashes."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from sqlmodel import Session, select

from mailer.send import send_period
from mailer.transports import SMTPTransport
from store.models import BounceEvent, DigestSend, Match, Recipient


def _members(world, count: int, per_member: int) -> list[str]:
    addresses = []
    for m in range(count):
        mails = [f"person{r}@gemeinde{m}.example" for r in range(per_member)]
        member = world.member(f"gemeinde-{m}", f"Gemeinde {m}", recipients=mails)
        world.match(member, world.programme(f"Programm {m}"))
        addresses += mails
    return addresses


def test_refused_recipient_is_marked_bouncing_and_others_are_delivered(engine, world, smtp_server, smtp_config,
                                                                       today, period):
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


def test_dropped_connection_mid_batch_is_completed_by_the_next_run(engine, world, smtp_server, smtp_config,
                                                                   today, period):
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


class CrashAfter(SMTPTransport):
    """Delivers like the real transport, then dies (as a killed process would) after N messages."""

    def __init__(self, config, crash_after: int):
        super().__init__(config)
        self.remaining = crash_after

    def push(self, message, *, sender, recipient):
        super().push(message, sender=sender, recipient=recipient)
        self.remaining -= 1
        if self.remaining == 0:
            raise KeyboardInterrupt("killed between send and mark")


def test_crash_between_send_and_mark_resends_at_most_once_with_the_same_message_id(
        engine, world, smtp_server, smtp_config, today, period):
    handler, _, _ = smtp_server
    addresses = _members(world, 1, 4)
    crashing = CrashAfter(smtp_config, crash_after=2)
    with pytest.raises(KeyboardInterrupt):
        send_period(engine, smtp_config, period=period, today=today, transport=crashing)
    crashing.close()

    # A restart right away leaves the stuck send alone (it might still be in flight elsewhere) ...
    soon = send_period(engine, smtp_config, period=period, today=today)
    assert soon.requeued == 0 and soon.sent == 2
    with Session(engine) as session:
        assert [s.state for s in session.exec(select(DigestSend).order_by(DigestSend.id)).all()].count("sending") == 1

    # ... and once the watchdog's timeout has passed, it is resent once, with the same Message-ID.
    smtp_config.sending_timeout_minutes = 0
    later = send_period(engine, smtp_config, period=period, today=today)
    assert later.requeued == 1 and later.sent == 1
    again = send_period(engine, smtp_config, period=period, today=today)
    assert again.sent == 0

    delivered = Counter(a for r in handler.received for a in r.rcpt_tos)
    assert set(delivered) == set(addresses)
    [twice] = [a for a, n in delivered.items() if n == 2]
    assert all(n == 1 for a, n in delivered.items() if a != twice)
    first_id, second_id = handler.message_ids_for(twice)
    assert first_id == second_id
