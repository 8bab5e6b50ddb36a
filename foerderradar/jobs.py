"""The weekly cycle and the daily checks, as plain functions.

The scheduler process calls these on its timetable; ``foerderradar run-weekly`` calls
``run_weekly`` on demand. Crawls run in a child process (``foerderradar crawl --all``): the
Twisted reactor cannot be restarted, so a long-lived scheduler must never run Scrapy itself.
"""

from __future__ import annotations

import logging
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session, col, select

from core.settings import Settings
from foerderradar.context import local_today
from mailer.bounces.process import BounceReport, process_bounce_maildir
from mailer.config import mail_config
from mailer.periods import current_period
from mailer.schedule_support import (
    members_needing_early_reminder,
    members_with_pending_sends,
)
from mailer.send import SendReport, send_period, send_urgent_alerts
from store.curation import auto_approve
from store.db import make_engine
from store.models import Member, row_id

log = logging.getLogger(__name__)
CRAWL_COMMAND = [sys.executable, "-c", "from foerderradar.cli import app; app()", "crawl", "--all"]
CRAWL_TIMEOUT_SECONDS = 6 * 3600


@dataclass
class WeeklyReport:
    crawl_exit_code: int | None = None
    matched: dict[str, int] = field(default_factory=dict)
    auto_released: dict[str, int] = field(default_factory=dict)
    send: SendReport | None = None
    urgent: SendReport | None = None  # alerts to members whose next digest would come too late


def crawl_all(settings: Settings, stichtag: date | None = None) -> int:
    """Crawl every registered source in a child process; returns its exit code (1 = a run failed).

    ``stichtag`` replays another day (``run-weekly --stichtag``); the scheduler never passes one.
    """
    log.info("Crawl aller Quellen beginnt")
    command = CRAWL_COMMAND + (["--stichtag", stichtag.isoformat()] if stichtag else [])
    completed = subprocess.run(command, timeout=CRAWL_TIMEOUT_SECONDS, check=False)
    log.info("Crawl beendet mit Code %s", completed.returncode)
    return completed.returncode


def match_all(settings: Settings, today: date) -> dict[str, int]:
    from matcher.api import match_members

    engine = make_engine(settings.database_url)
    try:
        return dict(match_members(engine, today=today).per_member)
    finally:
        engine.dispose()


def auto_approve_all(settings: Settings, today: date) -> dict[str, int]:
    """Approve and release proposals above each member's own ``auto_approve_score``."""
    period = current_period(today)
    released = {}
    engine = make_engine(settings.database_url)
    try:
        with Session(engine) as session:
            members = session.exec(select(Member).where(col(Member.auto_approve_score).is_not(None))).all()
            for member in members:
                threshold = member.auto_approve_score
                if threshold is None:  # not selected by the query above
                    continue
                released[member.slug] = auto_approve(session, row_id(member), threshold, period=period)
            session.commit()
    finally:
        engine.dispose()
    return released


def send_due(
    settings: Settings, today: date, *, member_slugs: list[str] | None = None, force: bool = False
) -> SendReport:
    engine = make_engine(settings.database_url)
    try:
        return send_period(
            engine,
            mail_config(settings),
            period=current_period(today),
            today=today,
            member_slugs=member_slugs,
            force=force,
        )
    finally:
        engine.dispose()


def crawl_and_match(settings: Settings, today: date | None = None) -> WeeklyReport:
    """Sunday night: fresh data, then fresh proposals for the curators' Monday."""
    today = today or local_today(settings)
    report = WeeklyReport(crawl_exit_code=crawl_all(settings))
    report.matched = match_all(settings, today)
    report.auto_released = auto_approve_all(settings, today)
    return report


def run_weekly(settings: Settings, stichtag: date | None = None, *, crawl: bool = True) -> WeeklyReport:
    """The whole cycle on demand: crawl, match, auto-approve, send what is due.

    ``stichtag`` (the operator's ``--stichtag``) replays that day in every step, the crawl included.
    """
    today = stichtag or local_today(settings)
    report = WeeklyReport()
    if crawl:
        report.crawl_exit_code = crawl_all(settings, stichtag)
    report.matched = match_all(settings, today)
    report.auto_released = auto_approve_all(settings, today)
    report.send = send_due(settings, today)
    report.urgent = urgent_alerts(settings, today)
    return report


def daily_check(settings: Settings, today: date | None = None) -> SendReport | None:
    """Early deadline reminders for members whose next regular digest would come too late."""
    today = today or local_today(settings)
    engine = make_engine(settings.database_url)
    try:
        slugs = members_needing_early_reminder(engine, mail_config(settings), today)
    finally:
        engine.dispose()
    if not slugs:
        return None
    log.info("Fristerinnerung außer der Reihe für: %s", ", ".join(slugs))
    return send_due(settings, today, member_slugs=slugs, force=True)


def urgent_alerts(settings: Settings, today: date | None = None) -> SendReport:
    """Changes that cannot wait for a member's next digest, mailed at once and exactly once."""
    today = today or local_today(settings)
    engine = make_engine(settings.database_url)
    try:
        report = send_urgent_alerts(engine, mail_config(settings), today=today)
    finally:
        engine.dispose()
    if report.sent:
        log.info("Eilmeldungen versendet: %s", ", ".join(sorted(report.per_member)))
    return report


def resume_sends(settings: Settings, today: date | None = None) -> SendReport | None:
    """Finish batches cut off by a mail server outage or a killed process."""
    today = today or local_today(settings)
    engine = make_engine(settings.database_url)
    try:
        slugs = members_with_pending_sends(engine, today)
    finally:
        engine.dispose()
    return send_due(settings, today, member_slugs=slugs, force=True) if slugs else None


def process_bounces(settings: Settings) -> BounceReport:
    engine = make_engine(settings.database_url)
    try:
        path = settings.bounce_maildir_path
        if path is None:  # Settings fills it in (data_dir/bounces); None only if cleared afterwards
            raise ValueError("FOERDERRADAR_BOUNCE_MAILDIR_PATH ist nicht gesetzt")
        return process_bounce_maildir(engine, path)
    finally:
        engine.dispose()


def send_due_now(settings: Settings) -> SendReport:
    """The Tuesday job: send what is due in the current week (Berlin time)."""
    return send_due(settings, local_today(settings))
