"""Which digest goes out next, and the staff's "send now": through ``send_period``, exactly once."""

from __future__ import annotations

import datetime as dt
import mailbox

import pytest
from sqlmodel import Session, select

from mailer.send import send_period
from mailer.upcoming import ExtraDigestError, send_digest_now, upcoming_digest
from store import curation
from store.models import Digest, Match, Member


def _member(engine, member_id: int) -> Member:
    with Session(engine) as session:
        return session.get(Member, member_id)


def _outbox(config) -> list:
    return list(mailbox.Maildir(config.maildir_path, create=True))


def test_next_digest_is_this_weeks_until_it_is_sent_then_next_weeks(engine, world, mail_config, today, period):
    member_id = world.member("selm", "Stadt Selm", recipients=["bauamt@selm.example"])
    world.match(member_id, world.programme("Radwege", deadline=today + dt.timedelta(days=90)))
    with Session(engine) as session:
        first = upcoming_digest(session, _member(engine, member_id), today=today)
    assert (first.period, first.is_this_week, first.last_sent_period) == (period, True, "")

    assert send_period(engine, mail_config, period=period, today=today).sent == 1
    with Session(engine) as session:
        after = upcoming_digest(session, _member(engine, member_id), today=today)
    assert (after.period, after.is_this_week, after.last_sent_period) == ("2026-W49", False, period)
    assert after.last_sent_at is not None


def test_send_now_sends_the_next_digest_exactly_once(engine, world, mail_config, today, period):
    member_id = world.member("selm", "Stadt Selm", recipients=["bauamt@selm.example", "kaemmerei@selm.example"])
    world.match(member_id, world.programme("Radwege", deadline=today + dt.timedelta(days=90)))
    send_period(engine, mail_config, period=period, today=today)
    assert len(_outbox(mail_config)) == 2
    later = world.match(
        member_id, world.programme("Sporthallen", deadline=today + dt.timedelta(days=90)), released=False
    )
    member = _member(engine, member_id)
    with Session(engine) as session:
        upcoming = upcoming_digest(session, member, today=today)
        curation.release_member_digest(session, member_id, period=upcoming.period, actor="k@rvr.ruhr")
        session.commit()

    first = send_digest_now(engine, mail_config, member, period=upcoming.period, today=today)
    second = send_digest_now(engine, mail_config, member, period=upcoming.period, today=today)  # a second click

    assert (first.sent, second.sent) == (2, 0)
    mails = _outbox(mail_config)
    assert len(mails) == 4
    assert sum("Sporthallen" in m.get_payload(0).get_payload(decode=True).decode() for m in mails) == 2
    with Session(engine) as session:
        assert session.get(Match, later).state == "sent"
        sent = session.exec(select(Digest).where(Digest.member_id == member_id).order_by(Digest.period)).all()
        assert [(d.period, d.state) for d in sent] == [(period, "sent"), ("2026-W49", "sent")]
        assert upcoming_digest(session, member, today=today).period == "2026-W50"
    # the regular run of next week finds that digest already sent and mails nothing again
    assert send_period(engine, mail_config, period="2026-W49", today=today + dt.timedelta(days=7)).sent == 0


def test_send_now_refuses_a_past_week(engine, world, mail_config, today):
    member = _member(engine, world.member("selm", "Stadt Selm", recipients=["bauamt@selm.example"]))
    with pytest.raises(ExtraDigestError, match="2026-W40"):
        send_digest_now(engine, mail_config, member, period="2026-W40", today=today)
