"""The scheduler process: the weekly cycle on its timetable, in Europe/Berlin time.

Runs in its own process (``foerderradar scheduler``), never inside a web worker. Each firing of
a job takes a lease in the database (``store.JobLock``) named after the job and its scheduled
fire time, so two scheduler processes started by mistake still run every firing once; a firing
that completed is marked done and never repeated. After a restart, firings missed within their
grace window are caught up once (the in-memory job store forgets them otherwise), and the
``resume-sends`` job finishes any batch a killed process left behind — the send records make
that safe (see ``mailer.send``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import delete, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from core.liveness import process_holder
from core.settings import Settings, parse_clock
from foerderradar import jobs
from store.db import make_engine
from store.leases import DONE, acquire_lease
from store.models import JobLock
from store.types import utcnow

log = logging.getLogger(__name__)
KEEP_LOCKS = timedelta(days=60)


@dataclass(frozen=True)
class JobSpec:
    id: str
    func: Callable[[Settings], object]
    trigger: CronTrigger
    lease: timedelta  # how long a crashed holder blocks others (same-host dead holders are taken over at once)
    grace: timedelta  # misfire grace: a firing this late still runs (and is caught up after a restart)


def job_specs(settings: Settings) -> list[JobSpec]:
    tz = ZoneInfo(settings.timezone)
    crawl_hour, crawl_minute = parse_clock(settings.crawl_time, "crawl_time")
    send_hour, send_minute = parse_clock(settings.digest_send_time, "digest_send_time")

    def weekly(day: str, hour: int, minute: int, name: str) -> CronTrigger:
        try:
            return CronTrigger(day_of_week=day.strip().lower(), hour=hour, minute=minute, timezone=tz)
        except ValueError:
            raise ValueError(f"FOERDERRADAR_{name.upper()}: {day!r} ist kein Wochentag (mon, tue, … sun)") from None

    return [
        JobSpec(
            "crawl-and-match",
            jobs.crawl_and_match,
            weekly(settings.crawl_day, crawl_hour, crawl_minute, "crawl_day"),
            lease=timedelta(hours=8),
            grace=timedelta(hours=6),
        ),
        JobSpec(
            "send-digests",
            jobs.send_due_now,
            weekly(settings.digest_send_day, send_hour, send_minute, "digest_send_day"),
            lease=timedelta(hours=2),
            grace=timedelta(hours=12),
        ),
        JobSpec(
            "reminder-check",
            jobs.daily_check,
            CronTrigger(hour=9, minute=30, timezone=tz),
            lease=timedelta(hours=1),
            grace=timedelta(hours=12),
        ),
        JobSpec(
            "urgent-alerts",  # hourly in office hours: an alert follows a crawl the same morning
            jobs.urgent_alerts,
            CronTrigger(hour="7-18", minute=20, timezone=tz),
            lease=timedelta(minutes=30),
            grace=timedelta(minutes=50),
        ),
        JobSpec(
            "resume-sends",
            jobs.resume_sends,
            CronTrigger(minute="*/15", timezone=tz),
            lease=timedelta(minutes=30),
            grace=timedelta(minutes=10),
        ),
        JobSpec(
            "process-bounces",
            jobs.process_bounces,
            CronTrigger(minute=45, timezone=tz),
            lease=timedelta(minutes=30),
            grace=timedelta(minutes=30),
        ),
    ]


def last_fire_time(trigger: CronTrigger, now: datetime, grace: timedelta) -> datetime | None:
    """The latest scheduled firing in ``(now - grace, now]``, or None."""
    latest, candidate = None, trigger.get_next_fire_time(None, now - grace)
    while candidate is not None and candidate <= now:
        latest = candidate
        candidate = trigger.get_next_fire_time(candidate, candidate + timedelta(seconds=1))
    return latest


# ---------------------------------------------------------------------------------------------
# Leases
# ---------------------------------------------------------------------------------------------


def finish_lease(engine: Engine, name: str, holder: str, *, ok: bool) -> None:
    """Mark a firing done; a failed firing is released so that a catch-up may try again."""
    with Session(engine) as session:
        if ok:
            session.execute(
                update(JobLock)
                .where(col(JobLock.name) == name, col(JobLock.holder) == holder)
                .values(holder=(DONE + holder)[:128])
            )
        else:
            session.execute(delete(JobLock).where(col(JobLock.name) == name, col(JobLock.holder) == holder))
        session.execute(delete(JobLock).where(col(JobLock.acquired_at) < utcnow() - KEEP_LOCKS))
        session.commit()


def run_firing(engine: Engine, settings: Settings, spec: JobSpec, fire_time: datetime) -> bool:
    """Run one firing of a job unless another process has run or is running it. True if it ran."""
    name = f"{spec.id}@{fire_time.isoformat()}"
    holder = process_holder()
    if not acquire_lease(engine, name, holder, spec.lease):
        log.info("%s: läuft bereits oder ist erledigt, übersprungen", name)
        return False
    ok = False
    try:
        log.info("%s: beginnt", name)
        result = spec.func(settings)
        log.info("%s: fertig %s", name, result if result is not None else "")
        ok = True
    finally:
        finish_lease(engine, name, holder, ok=ok)
    return True


# ---------------------------------------------------------------------------------------------
# The scheduler
# ---------------------------------------------------------------------------------------------


def configure(scheduler: BaseScheduler, settings: Settings, engine: Engine, *, catch_up: bool = True) -> None:
    tz = ZoneInfo(settings.timezone)
    for spec in job_specs(settings):

        def fire(spec: JobSpec = spec) -> None:
            fire_time = last_fire_time(spec.trigger, datetime.now(tz), spec.grace) or datetime.now(tz)
            run_firing(engine, settings, spec, fire_time)

        scheduler.add_job(
            fire,
            spec.trigger,
            id=spec.id,
            name=spec.id,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=int(spec.grace.total_seconds()),
            replace_existing=True,
        )
        if catch_up and spec.id not in ("resume-sends", "process-bounces"):
            missed = last_fire_time(spec.trigger, datetime.now(tz), spec.grace)
            if missed is not None:
                scheduler.add_job(
                    run_firing,
                    args=(engine, settings, spec, missed),
                    id=f"{spec.id}-catch-up",
                    next_run_time=datetime.now(tz),
                    replace_existing=True,
                )


def run_scheduler(settings: Settings) -> None:
    """Block forever running the timetable (Ctrl+C or SIGTERM stops it)."""
    engine = make_engine(settings.database_url)
    scheduler = BlockingScheduler(timezone=ZoneInfo(settings.timezone))
    configure(scheduler, settings, engine)
    for job in scheduler.get_jobs():
        log.info("Auftrag %s: %s", job.id, job.trigger)
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        engine.dispose()
