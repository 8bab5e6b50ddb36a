"""Yearly recurring deadlines as calendar entries.

Some municipal dates come back every year without a new announcement page: the
Städtebauförderung Programmaufruf is due "in der Regel bis zum 30. September". A page that states
such a date (day and month, no year, with yearly wording) yields, besides its programme item, a
``kind="calendar"`` item for the next occurrence, so reminders fire even when no call is published.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from core.deadlines import DeadlineInfo

# Day and month without a year: "30. September", "30.09.", "31. März".
_YEARLESS = re.compile(
    r"(?<![\d.])\d{1,2}\.\s?(?:\d{1,2}\.(?!\s?\d)|(?:Jan|Feb|Mär|Apr|Mai|Jun|Jul|Aug|Sep|Okt|Nov|Dez)[a-zä]*\.?(?!\s*\d{4}))",
    re.IGNORECASE,
)
_YEARLY = re.compile(r"in der Regel|jährlich|jedes Jahr|jeden Jahres|alljährlich|Jahr für Jahr", re.IGNORECASE)

CALENDAR_FIELDS = ("url", "level", "funder", "regions", "eligible_applicants", "funding_types", "attribution")


def is_yearly(sentence: str) -> bool:
    return bool(sentence and _YEARLY.search(sentence) and _YEARLESS.search(sentence))


def calendar_item(programme: dict[str, Any], info: DeadlineInfo, *, today: date) -> dict[str, Any] | None:
    """The calendar entry of a programme whose deadline recurs yearly, or None."""
    if not is_yearly(info.sentence) or info.next_deadline is None:
        return None
    upcoming = [d for d in info.deadlines if d >= today]
    return {
        **{name: programme[name] for name in CALENDAR_FIELDS if name in programme},
        "natural_key": f"{programme['natural_key']}#jaehrlich",
        "kind": "calendar",
        "title": f"Jährliche Frist: {programme['title']}",
        "deadline_text": info.sentence,
        "deadline_sentence": info.sentence,
        "status": "open" if upcoming else "unknown",
        "next_deadline": info.next_deadline,
        "last_deadline": info.next_deadline,
        "deadlines": [d.isoformat() for d in upcoming],
        "extra": {"recurs": "yearly", "programme_key": programme["natural_key"]},
    }
