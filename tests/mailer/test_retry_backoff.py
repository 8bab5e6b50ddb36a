"""Temporary failures back off per recipient and per domain; the batch goes on with the others.

Real aiosmtpd servers answer 451 for some recipients, 550 for one, drop the connection after N
mails or stall after DATA; the runs must deliver everybody else, store when to try again, and say
what is left.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from sqlalchemy import update
from sqlmodel import Session, select

from mailer.retry import FIRST_RETRY_MINUTES, retry_delay
from mailer.send import send_period
from store.models import DigestSend, Recipient
from store.types import utcnow


def _member(world, slug: str, domain: str, count: int) -> list[str]:
    mails = [f"person{n}@{domain}" for n in range(count)]
    world.match(world.member(slug, recipients=mails), world.programme(f"Programm für {slug}"))
    return mails


def _delivered(handler) -> Counter:
    return Counter(a for r in handler.received for a in r.rcpt_tos)


def _make_due(engine) -> None:
    """Let the stored waiting time pass."""
    with Session(engine) as session:
        session.execute(update(DigestSend).values(next_attempt_at=utcnow() - dt.timedelta(minutes=1)))
        session.commit()


def test_retry_delay_doubles_and_is_capped():
    assert retry_delay(1) == dt.timedelta(minutes=FIRST_RETRY_MINUTES)
    assert retry_delay(2) == dt.timedelta(minutes=2 * FIRST_RETRY_MINUTES)
    assert retry_delay(50) == dt.timedelta(hours=12)


def test_greylisting_member_does_not_hold_up_the_others_in_this_or_later_runs(
    engine, world, smtp_server, smtp_config, today, period
):
    handler, _, _ = smtp_server
    # the first member in queue order has a mail server that answers 451 for everybody
    greylisted = _member(world, "aaa-gemeinde", "greylist.example", 3)
    others = []
    for n in range(4):
        others += _member(world, f"gemeinde-{n}", f"gemeinde{n}.example", 2)
    unknown = _member(world, "zzz-gemeinde", "zzz.example", 1)
    handler.behaviour.greylist = set(greylisted)
    handler.behaviour.refuse = set(unknown)

    first = send_period(engine, smtp_config, period=period, today=today)

    assert first.sent == len(others)
    assert _delivered(handler) == Counter(others)
    assert first.deferred == 2 and first.postponed == 1  # the domain backs off after two 451s
    assert handler.rcpt_attempts.count(greylisted[2]) == 0
    assert first.waiting == 3
    wait = first.next_attempt_at - utcnow()
    assert dt.timedelta(minutes=FIRST_RETRY_MINUTES - 1) < wait <= dt.timedelta(minutes=FIRST_RETRY_MINUTES)
    with Session(engine) as session:
        waiting = session.exec(select(DigestSend).where(DigestSend.state == "queued")).all()
        assert len(waiting) == 3 and all(s.next_attempt_at is not None for s in waiting)
        refused = session.exec(select(Recipient).where(Recipient.email == unknown[0])).one()
        assert refused.status == "bouncing"

    # a run before the waiting time is over leaves the greylisted domain alone
    attempts_before = len(handler.rcpt_attempts)
    again = send_period(engine, smtp_config, period=period, today=today)
    assert again.sent == 0 and again.waiting == 3 and len(handler.rcpt_attempts) == attempts_before

    # once the time has come and the server accepts again, everybody has exactly one mail
    handler.behaviour.greylist = set()
    _make_due(engine)
    last = send_period(engine, smtp_config, period=period, today=today)
    assert last.sent == 3 and last.waiting == 0 and last.next_attempt_at is None
    assert _delivered(handler) == Counter(others + greylisted)


def test_a_recipient_that_failed_before_is_tried_after_the_fresh_ones(
    engine, world, smtp_server, smtp_config, today, period
):
    handler, _, _ = smtp_server
    first_member = _member(world, "aaa", "aaa.example", 1)
    handler.behaviour.greylist = set(first_member)
    send_period(engine, smtp_config, period=period, today=today, member_slugs=["aaa"])
    for n in range(3):
        _member(world, f"gemeinde-{n}", f"gemeinde{n}.example", 1)
    _make_due(engine)
    handler.rcpt_attempts.clear()

    send_period(engine, smtp_config, period=period, today=today)

    assert handler.rcpt_attempts[-1] == first_member[0]  # the old failure comes last, not first


def test_dropped_connection_stops_the_run_and_reports_everything_left_as_due_now(
    engine, world, smtp_server, smtp_config, today, period
):
    handler, _, _ = smtp_server
    addresses = []
    for n in range(3):
        addresses += _member(world, f"gemeinde-{n}", f"gemeinde{n}.example", 3)
    handler.behaviour.drop_after = 2

    first = send_period(engine, smtp_config, period=period, today=today)

    assert first.sent == 2 and first.waiting == len(addresses) - 2
    assert first.next_attempt_at is not None and first.next_attempt_at <= utcnow()  # the server, not them
    handler.behaviour.drop_after = None
    second = send_period(engine, smtp_config, period=period, today=today)
    assert second.sent == len(addresses) - 2 and second.waiting == 0
    assert _delivered(handler) == Counter(addresses)


def test_a_server_that_stalls_after_data_does_not_stop_the_batch(
    engine, world, smtp_server, smtp_config, today, period
):
    handler, _, _ = smtp_server
    stalled = _member(world, "aaa", "aaa.example", 1)
    others = _member(world, "bbb", "bbb.example", 3)
    handler.behaviour.stall = set(stalled)
    smtp_config.smtp_timeout = 1

    first = send_period(engine, smtp_config, period=period, today=today)

    assert _delivered(handler) == Counter(others)
    assert first.waiting == 1
    handler.behaviour.stall = set()
    second = send_period(engine, smtp_config, period=period, today=today)
    assert second.sent == 1 and _delivered(handler) == Counter(others + stalled)
