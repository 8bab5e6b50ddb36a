"""Yearly recurring deadlines as calendar entries.

Some municipal dates come back every year without a new announcement page: the
Städtebauförderung Programmaufruf is due "in der Regel bis zum 30. September". A page whose deadline
prose names such a yearly day (the reader's ``yearly``) yields, besides its programme item, a
``kind="calendar"`` item for the yearly deadline, so reminders fire even when no call is published.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from core.deadline_status import deadline_fields
from core.deadlines import DeadlineInfo, next_yearly

CALENDAR_FIELDS = ("url", "level", "funder", "regions", "eligible_applicants", "funding_types", "attribution")


def calendar_item(programme: dict[str, Any], info: DeadlineInfo, *, today: date) -> dict[str, Any] | None:
    """The calendar entry of a programme whose deadline recurs yearly, or None."""
    if not info.yearly:
        return None
    upcoming = next_yearly(info.yearly, today)
    yearly = DeadlineInfo(yearly=info.yearly, next_deadline=upcoming, sentence=info.sentence)
    return {
        **{name: programme[name] for name in CALENDAR_FIELDS if name in programme},
        "natural_key": f"{programme['natural_key']}#jaehrlich",
        "kind": "calendar",
        "title": f"Jährliche Frist: {programme['title']}",
        "deadline_text": info.sentence,
        **deadline_fields(yearly, kind="calendar", today=today),
        "extra": {"recurs": "yearly", "programme_key": programme["natural_key"]},
    }
