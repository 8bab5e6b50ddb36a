"""Digest periods are ISO weeks (``2026-W48``); which weeks a member is due depends on its frequency.

ISO weeks rather than calendar dates make the period a stable key for the exactly-once records:
a retry on Wednesday of a Tuesday run still belongs to the same period.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

PERIOD_PATTERN = re.compile(r"^(\d{4})-W(\d{2})$")
# Biweekly members are due every second week counted from this Monday, not by ISO week parity:
# parity breaks at years with 53 weeks (W53 and W01 would both be odd).
BIWEEKLY_EPOCH = date(2024, 1, 1)


# Urgent alerts (``mailer.urgent``) go out of turn, at most one per member and day: their period key
# is the day, so the (recipient, period) constraint keeps each alert exactly once. 16 characters
# fit the period columns.
URGENT_PREFIX = "eilig-"


class PeriodError(ValueError):
    pass


def current_period(today: date) -> str:
    year, week, _ = today.isocalendar()
    return f"{year}-W{week:02d}"


def parse_period(period: str) -> tuple[int, int]:
    found = PERIOD_PATTERN.match(period.strip())
    if not found:
        raise PeriodError(f"Zeitraum {period!r}: erwartet wird eine ISO-Kalenderwoche wie 2026-W48")
    year, week = int(found.group(1)), int(found.group(2))
    try:
        date.fromisocalendar(year, week, 1)
    except ValueError:
        raise PeriodError(f"Zeitraum {period!r}: das Jahr {year} hat keine Kalenderwoche {week}") from None
    return year, week


def period_start(period: str) -> date:
    """The Monday of the period's week."""
    year, week = parse_period(period)
    return date.fromisocalendar(year, week, 1)


def send_date(period: str, send_weekday: int = 1) -> date:
    """The day of the period on which its digests go out (Monday=0, default Tuesday)."""
    return period_start(period) + timedelta(days=send_weekday)


def shift_period(period: str, weeks: int) -> str:
    return current_period(period_start(period) + timedelta(weeks=weeks))


def is_due(frequency: str, period: str, send_weekday: int = 1) -> bool:
    """Whether a member with this digest frequency gets a digest in this period.

    weekly: every week; biweekly: every second week; monthly: the week whose send day is the
    first such weekday of its month; paused (or unknown): never.
    """
    if frequency == "weekly":
        return True
    if frequency == "biweekly":
        return ((period_start(period) - BIWEEKLY_EPOCH).days // 7) % 2 == 0
    if frequency == "monthly":
        return send_date(period, send_weekday).day <= 7
    return False


def next_due_period(frequency: str, after: str, send_weekday: int = 1) -> str | None:
    """The first due period strictly after ``after`` (None for paused members)."""
    period = after
    for _ in range(6):  # a monthly member is due within at most five weeks
        period = shift_period(period, 1)
        if is_due(frequency, period, send_weekday):
            return period
    return None


def urgent_period(today: date) -> str:
    """The period key of the urgent alerts sent on ``today``: ``eilig-2027-01-26``."""
    return f"{URGENT_PREFIX}{today.isoformat()}"


def is_urgent_period(period: str) -> bool:
    return period.startswith(URGENT_PREFIX)


def urgent_day(period: str) -> date:
    """The day of an urgent alert's period key."""
    return date.fromisoformat(period.removeprefix(URGENT_PREFIX))
