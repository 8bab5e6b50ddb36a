"""Schedule maths (ISO weeks, frequencies, DST) and the database leases of the scheduler."""

from __future__ import annotations

import contextlib
import datetime as dt
import subprocess
import sys
import threading
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import Session

from core.liveness import process_holder
from foerderradar.scheduler import (
    JobSpec,
    acquire_lease,
    job_specs,
    last_fire_time,
    run_firing,
)
from mailer.periods import current_period, is_due, period_start, shift_period
from store.models import JobLock
from store.types import utcnow

BERLIN = ZoneInfo("Europe/Berlin")


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_every_day_belongs_to_the_week_starting_on_its_monday(day):
    start = period_start(current_period(day))
    assert start.weekday() == 0 and start <= day < start + dt.timedelta(days=7)


def test_biweekly_alternates_across_a_year_with_53_weeks():
    periods = ["2026-W51", "2026-W52", "2026-W53", "2027-W01", "2027-W02"]
    assert [shift_period(p, 1) for p in periods[:-1]] == periods[1:]
    due = [is_due("biweekly", p) for p in periods]
    assert all(a != b for a, b in zip(due, due[1:], strict=False))


def test_monthly_is_due_once_per_month_and_paused_never():
    period, due_months = "2026-W01", []
    for _ in range(104):
        if is_due("monthly", period):
            tuesday = period_start(period) + dt.timedelta(days=1)
            due_months.append((tuesday.year, tuesday.month))
        assert not is_due("paused", period)
        period = shift_period(period, 1)
    assert len(due_months) == len(set(due_months)) == 24


def _fire_times(trigger, start: dt.datetime, end: dt.datetime) -> list[dt.datetime]:
    times, previous = [], None
    now = start
    while True:
        nxt = trigger.get_next_fire_time(previous, now)
        if nxt is None or nxt > end:
            return times
        times.append(nxt)
        previous, now = nxt, nxt + dt.timedelta(seconds=1)


def test_send_job_fires_once_every_tuesday_at_eight_across_both_dst_changes(settings_env):
    send = next(spec for spec in job_specs(settings_env) if spec.id == "send-digests")
    for start, end in (
        (dt.datetime(2026, 10, 1, tzinfo=BERLIN), dt.datetime(2026, 11, 30, tzinfo=BERLIN)),
        (dt.datetime(2027, 3, 1, tzinfo=BERLIN), dt.datetime(2027, 4, 30, tzinfo=BERLIN)),
    ):
        fires = _fire_times(send.trigger, start, end)
        local = [f.astimezone(BERLIN) for f in fires]
        assert all(t.weekday() == 1 and (t.hour, t.minute) == (8, 0) for t in local)  # "tue", not Monday=0
        assert [(b.date() - a.date()).days for a, b in zip(local, local[1:], strict=False)] == [7] * (len(local) - 1)
        periods = [current_period(t.date()) for t in local]
        assert len(periods) == len(set(periods))  # no double Tuesday mail
    october = _fire_times(
        send.trigger, dt.datetime(2026, 10, 19, tzinfo=BERLIN), dt.datetime(2026, 11, 2, tzinfo=BERLIN)
    )
    assert [f.utcoffset() for f in october] == [dt.timedelta(hours=2), dt.timedelta(hours=1)]


def test_crawl_runs_sunday_night_and_reminders_daily(settings_env):
    specs = {spec.id: spec for spec in job_specs(settings_env)}
    crawl = _fire_times(
        specs["crawl-and-match"].trigger,
        dt.datetime(2026, 10, 20, tzinfo=BERLIN),
        dt.datetime(2026, 11, 3, tzinfo=BERLIN),
    )
    assert [(t.astimezone(BERLIN).weekday(), t.astimezone(BERLIN).hour) for t in crawl] == [(6, 23), (6, 23)]
    daily = _fire_times(
        specs["reminder-check"].trigger,
        dt.datetime(2026, 10, 24, tzinfo=BERLIN),
        dt.datetime(2026, 10, 27, tzinfo=BERLIN),
    )
    assert len(daily) == 3


def _counting_spec(calls: list, *, fail: bool = False) -> JobSpec:
    from apscheduler.triggers.cron import CronTrigger

    def job(settings):
        calls.append(threading.get_ident())
        if fail:
            raise RuntimeError("boom")

    return JobSpec(
        "test-job", job, CronTrigger(hour=8, timezone=BERLIN), lease=dt.timedelta(hours=1), grace=dt.timedelta(hours=1)
    )


def test_two_schedulers_run_each_firing_once(engine, settings_env):
    calls: list = []
    spec = _counting_spec(calls)
    fire = dt.datetime(2026, 11, 24, 8, tzinfo=BERLIN)
    barrier = threading.Barrier(2)

    def scheduler_process():
        barrier.wait()
        run_firing(engine, settings_env, spec, fire)

    threads = [threading.Thread(target=scheduler_process) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert len(calls) == 1
    assert run_firing(engine, settings_env, spec, fire) is False  # done firings are never repeated
    assert run_firing(engine, settings_env, spec, fire + dt.timedelta(days=1)) is True
    assert len(calls) == 2


def test_a_failed_firing_may_be_retried(engine, settings_env):
    calls: list = []
    fire = dt.datetime(2026, 11, 24, 8, tzinfo=BERLIN)
    with contextlib.suppress(RuntimeError):
        run_firing(engine, settings_env, _counting_spec(calls, fail=True), fire)
    assert run_firing(engine, settings_env, _counting_spec(calls), fire) is True
    assert len(calls) == 2


def test_a_lease_of_a_killed_scheduler_on_this_host_is_taken_over(engine):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    host = process_holder().rpartition(":")[0]
    with Session(engine) as session:
        now = utcnow()
        session.add(
            JobLock(name="send@x", holder=f"{host}:{dead.pid}", acquired_at=now, expires_at=now + dt.timedelta(hours=2))
        )
        session.add(
            JobLock(name="send@y", holder="other-host:1", acquired_at=now, expires_at=now + dt.timedelta(hours=2))
        )
        session.commit()
    assert acquire_lease(engine, "send@x", process_holder(), dt.timedelta(hours=1)) is True
    assert acquire_lease(engine, "send@y", process_holder(), dt.timedelta(hours=1)) is False  # alive elsewhere


def test_last_fire_time_finds_the_missed_firing_within_grace(settings_env):
    send = next(spec for spec in job_specs(settings_env) if spec.id == "send-digests")
    now = dt.datetime(2026, 11, 24, 10, 30, tzinfo=BERLIN)
    assert last_fire_time(send.trigger, now, dt.timedelta(hours=12)) == dt.datetime(2026, 11, 24, 8, tzinfo=BERLIN)
    assert last_fire_time(send.trigger, now, dt.timedelta(hours=1)) is None


def test_urgent_alerts_are_checked_every_hour_of_the_office_day(settings_env):
    urgent = next(spec for spec in job_specs(settings_env) if spec.id == "urgent-alerts")
    day = _fire_times(urgent.trigger, dt.datetime(2027, 1, 20, tzinfo=BERLIN), dt.datetime(2027, 1, 21, tzinfo=BERLIN))
    assert [(t.astimezone(BERLIN).hour, t.astimezone(BERLIN).minute) for t in day] == [(h, 20) for h in range(7, 19)]
