"""The weekly cycle as the scheduler runs it (without the crawl): match, auto-approve, send; and
the daily early reminder for members whose next digest would come too late."""

from __future__ import annotations

import datetime as dt
import mailbox

from sqlmodel import Session, select

from foerderradar.jobs import daily_check, resume_sends, run_weekly
from store.models import AuditLog, DigestSend, Match, Member, Profile


def _outbox(settings) -> list:
    path = settings.maildir_path
    return list(mailbox.Maildir(path, create=False)) if path.exists() else []


def test_run_weekly_matches_auto_approves_and_sends_once(engine, world, settings_env, today):
    auto = world.member("bottrop", "Stadt Bottrop", recipients=["foerderung@bottrop.example"], auto_approve_score=0.0)
    manual = world.member("gladbeck", "Stadt Gladbeck", recipients=["foerderung@gladbeck.example"])
    with Session(engine) as session:
        for profile in session.exec(select(Profile)).all():
            profile.interests = "Radverkehr Radwege Fahrradparkhaus"
            profile.min_score = 0
            session.add(profile)
        session.commit()
    for n in range(3):
        world.programme(
            f"Förderung von Radwegen und Radverkehr {n}",
            teaser_text="Radwege, Radverkehr, Fahrradparkhaus",
            description_text="Kommunen erhalten Zuschüsse für Radwege und Radverkehrsanlagen.",
            eligible_applicants=["kommune"],
            regions=["_bundesweit"],
            funding_types=["zuschuss"],
            deadline=today + dt.timedelta(days=120),
        )

    report = run_weekly(settings_env, today, crawl=False)
    again = run_weekly(settings_env, today, crawl=False)

    assert report.matched["bottrop"] > 0 and report.matched["gladbeck"] > 0
    assert report.auto_released["bottrop"] == report.matched["bottrop"]
    assert report.send.per_member == {"bottrop": 1}  # gladbeck's proposals wait for the curators
    assert again.send.sent == 0
    assert len(_outbox(settings_env)) == 1
    with Session(engine) as session:
        states = {(m.member_id, m.state) for m in session.exec(select(Match)).all()}
        assert states == {(auto, "sent"), (manual, "proposed")}
        assert (
            session.exec(select(AuditLog).where(AuditLog.actor == "system", AuditLog.action == "match.approve")).first()
            is not None
        )


def test_daily_check_reminds_a_monthly_member_before_its_next_digest(engine, world, settings_env):
    monday = dt.date(2026, 12, 7)  # W50: not the first Tuesday of the month, so monthly members are not due
    member = world.member("kamp-lintfort", recipients=["amt@kamp-lintfort.example"], frequency="monthly")
    weekly = world.member("moers", recipients=["amt@moers.example"])
    for who in (member, weekly):
        world.match(
            who,
            world.programme("Quartiersfonds", deadline=monday + dt.timedelta(days=10)),
            state="sent",
            sent_at=dt.datetime(2026, 9, 1, tzinfo=dt.UTC),
        )

    report = daily_check(settings_env, monday)
    assert report is not None and report.per_member == {"kamp-lintfort": 1}  # weekly members wait for Tuesday
    assert daily_check(settings_env, monday + dt.timedelta(days=1)) is None  # reminded once
    texts = [m.get_payload(0).get_payload(decode=True).decode() for m in _outbox(settings_env)]
    assert len(texts) == 1 and "FRISTEN IN KÜRZE" in texts[0] and "Quartiersfonds" in texts[0]


def test_resume_sends_finishes_what_an_outage_left_queued(engine, world, settings_env, today):
    world.member("herten", recipients=["a@herten.example", "b@herten.example"])
    with Session(engine) as session:
        member = session.exec(select(Member)).one()
    world.match(member.id, world.programme("Sportstätten"))
    settings_env.mail_backend = "smtp"
    settings_env.smtp_port = 1  # nothing listens there: the Tuesday run cannot deliver
    from foerderradar.jobs import send_due

    outage = send_due(settings_env, today)
    assert outage.sent == 0 and outage.deferred > 0
    settings_env.mail_backend = "maildir"
    resumed = resume_sends(settings_env, today)
    assert resumed.sent == 2 and resume_sends(settings_env, today) is None
    with Session(engine) as session:
        assert {s.state for s in session.exec(select(DigestSend)).all()} == {"sent"}


def test_mail_config_takes_settings_and_names_bad_values(settings_env, monkeypatch):
    import pytest

    from core.settings import get_settings
    from mailer.config import mail_config

    config = mail_config(settings_env)
    assert config.send_weekday == 1 and config.reminder_days == [42, 14]
    monkeypatch.setenv("FOERDERRADAR_DIGEST_SEND_DAY", "dienstag")
    get_settings.cache_clear()
    with pytest.raises(ValueError, match="FOERDERRADAR_DIGEST_SEND_DAY: 'dienstag'"):
        mail_config(get_settings())
