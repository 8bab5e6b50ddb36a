"""The staff preview after the week's send: it shows next week's digest and says so; release
keeps the sent digest as it was; "Jetzt senden" needs a confirmation and sends once."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from core.labels import week_label
from mailer.config import mail_config
from mailer.periods import current_period, shift_period
from mailer.send import send_period
from store import curation
from store.models import Digest, Match


def _text(message) -> str:
    return "".join(
        part.get_payload(decode=True).decode("utf-8")
        for part in message.walk()
        if part.get_content_type() == "text/plain"
    )


def _send_this_week(engine, settings, member_id: int) -> str:
    today = date.today()
    period = current_period(today)
    with Session(engine) as session:
        curation.release_member_digest(session, member_id, period=period, actor="erste@rvr.ruhr")
        session.commit()
    assert send_period(engine, mail_config(settings), period=period, today=today, member_slugs=["schermbeck"]).sent
    return period


def test_preview_after_the_weeks_send_shows_next_weeks_digest(curator, world, engine, settings_env, outbox):
    this_week = _send_this_week(engine, settings_env, world.member_a.id)
    next_week = shift_period(this_week, 1)
    curator.page("/staff/queue")
    curator.submit(f"/staff/matches/{world.matches['a_radwege'].id}/approve")

    page = curator.page("/staff/members/schermbeck/digest").text
    assert f"Der Digest für {week_label(this_week)} ist bereits versandt" in page
    assert f"Diese Vorschau zeigt den nächsten Digest: {week_label(next_week)}" in page
    assert f"1 freigegebene Treffer warten; sie gehen mit dem Digest für {week_label(next_week)} hinaus." in page
    assert "Kommunale Radwege stärken" in curator.get("/staff/members/schermbeck/digest.html").text
    assert f"{week_label(next_week)} (diese Woche schon versandt)" in curator.page("/staff/digests").text

    assert curator.submit("/staff/members/schermbeck/release").status_code == 303
    with Session(engine) as session:
        digests = {d.period: d for d in session.exec(select(Digest).where(Digest.member_id == world.member_a.id))}
        assert (digests[this_week].state, digests[this_week].released_by) == ("sent", "erste@rvr.ruhr")
        assert (digests[next_week].state, digests[next_week].released_by) == ("released", "kurator@rvr.ruhr")
        assert session.get(Match, world.matches["a_radwege"].id).released_at is not None


def test_send_now_needs_a_confirmation_and_sends_exactly_once(curator, world, engine, settings_env, outbox):
    this_week = _send_this_week(engine, settings_env, world.member_a.id)
    next_week = shift_period(this_week, 1)
    before = len(outbox())
    curator.page("/staff/queue")
    curator.submit(f"/staff/matches/{world.matches['a_radwege'].id}/approve")
    curator.page("/staff/members/schermbeck/digest")

    unconfirmed = curator.submit("/staff/members/schermbeck/send-now", {"period": next_week})
    assert unconfirmed.status_code == 400 and "bestätigen" in unconfirmed.text
    assert len(outbox()) == before

    response = curator.submit("/staff/members/schermbeck/send-now", {"period": next_week, "confirm": "ja"})
    assert response.status_code == 303
    page = curator.page(response.headers["location"]).text
    assert f"Digest für {week_label(next_week)} sofort versandt" in page
    sent = len(outbox()) - before
    assert sent >= 1
    assert all("Kommunale Radwege stärken" in _text(m) for m in outbox()[before:])

    again = curator.submit("/staff/members/schermbeck/send-now", {"period": next_week, "confirm": "ja"})
    assert "Keine Mail versandt" in curator.page(again.headers["location"]).text
    assert len(outbox()) - before == sent
    assert "sofort versandt" in curator.page("/staff/audit").text
    past = curator.submit(
        "/staff/members/schermbeck/send-now", {"period": shift_period(this_week, -2), "confirm": "ja"}
    )
    assert past.status_code == 400


def test_release_all_puts_every_member_into_its_next_digest(curator, world, engine, settings_env):
    this_week = _send_this_week(engine, settings_env, world.member_a.id)  # Schermbeck's digest is out
    curator.page("/staff/queue")
    curator.submit(f"/staff/matches/{world.matches['a_radwege'].id}/approve")
    page = curator.page("/staff/digests").text
    assert "2 freigegebene Treffer warten bei allen Mitgliedern auf den Versand." in page

    response = curator.submit("/staff/digests/release-all")
    assert response.status_code == 303
    assert "2 Digests freigegeben (2 Treffer)." in curator.page(response.headers["location"]).text
    with Session(engine) as session:
        digests = {(d.member_id, d.period): d for d in session.exec(select(Digest)).all()}
    assert digests[(world.member_a.id, this_week)].released_by == "erste@rvr.ruhr"
    assert digests[(world.member_a.id, shift_period(this_week, 1))].released_by == "kurator@rvr.ruhr"
    assert digests[(world.member_b.id, this_week)].released_by == "kurator@rvr.ruhr"
