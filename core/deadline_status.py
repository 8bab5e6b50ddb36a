"""One deadline status for a programme, computed in one place from its stored fields.

The matcher, the mailer, the web pages and the feeds all call :func:`deadline_status` with a
programme (a ``store.Programme`` or anything with the same attributes, or an item dict) and the day,
so the same programme reads the same everywhere. The vocabulary:

- *Laufend*: applications any time.
- *Frist am 31.03.2027 (noch 118 Tage)*: the next deadline, dated or yearly.
- *Nächstes Fenster erwartet*: the source announces a further window (or the next opens later).
- *Frist unklar – bitte beim Fördergeber prüfen*: nothing current is known, e.g. a standing
  Richtlinie whose only written date has passed.
- *Geschlossen*: the source says applications are closed, or a one-off call or competition
  (``kind == "call"``) whose every deadline has passed.

A standing programme is never closed by an old date alone: its Richtlinie often outlives the window
its text mentions, so the reader is asked to check instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from core.deadlines import CLOSED_NOTE, DeadlineInfo, next_yearly

CALL_KIND = "call"  # a one-off call or competition: closed once every window has passed


class DeadlineKind(StrEnum):
    rolling = "rolling"
    deadline = "deadline"
    next_window = "next_window"
    unclear = "unclear"
    closed = "closed"


@dataclass(frozen=True)
class DeadlineStatus:
    """A kind, the date that goes with it (deadline, expected opening, last deadline of a closed call)."""

    kind: DeadlineKind
    when: date | None = None
    yearly: bool = False  # the deadline recurs every year

    @property
    def short(self) -> str:
        """A few words for lists, badges and subject lines."""
        if self.kind is DeadlineKind.deadline and self.when:
            return f"Frist {self.when:%d.%m.%Y}"
        return {
            DeadlineKind.rolling: "Laufend",
            DeadlineKind.next_window: "Nächstes Fenster erwartet",
            DeadlineKind.unclear: "Frist unklar",
            DeadlineKind.closed: "Geschlossen",
            DeadlineKind.deadline: "Frist",
        }[self.kind]

    def label(self, today: date) -> str:
        """The full German sentence part, e.g. "Frist am 31.03.2027 (noch 118 Tage)"."""
        if self.kind is DeadlineKind.deadline and self.when:
            days = (self.when - today).days
            left = "heute" if days == 0 else ("noch 1 Tag" if days == 1 else f"noch {days} Tage")
            return f"Frist am {self.when:%d.%m.%Y} ({left}{'; jährlich' if self.yearly else ''})"
        if self.kind is DeadlineKind.next_window:
            return "Nächstes Fenster erwartet" + (f" (ab {self.when:%d.%m.%Y})" if self.when else "")
        if self.kind is DeadlineKind.unclear:
            return "Frist unklar – bitte beim Fördergeber prüfen"
        if self.kind is DeadlineKind.closed and self.when:
            return f"Geschlossen (letzte Frist {self.when:%d.%m.%Y})"
        return self.short

    @property
    def is_closed(self) -> bool:
        return self.kind is DeadlineKind.closed


def _get(programme: Any, name: str, default: Any = None) -> Any:
    if isinstance(programme, Mapping):
        return programme.get(name, default)
    return getattr(programme, name, default)


def _as_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def source_says_closed(programme: Any) -> bool:
    """The source itself closed it: the closed flag, status "closed" or a closing status note."""
    return bool(
        _get(programme, "closed")
        or _get(programme, "status") == "closed"
        or CLOSED_NOTE.search(str(_get(programme, "status_note") or ""))
    )


def deadline_status(programme: Any, today: date) -> DeadlineStatus:
    """The status of ``programme`` on ``today`` (see the module docstring for the rules)."""
    dated = {d for d in map(_as_date, _get(programme, "deadlines") or []) if d}
    dated |= {d for d in (_as_date(_get(programme, "next_deadline")), _as_date(_get(programme, "last_deadline"))) if d}
    if source_says_closed(programme):
        return DeadlineStatus(DeadlineKind.closed, max(dated) if dated else None)
    upcoming = sorted(d for d in dated if d >= today)
    recurring = next_yearly(_get(programme, "yearly_deadlines") or [], today)
    if recurring is not None and (not upcoming or recurring <= upcoming[0]):  # next_deadline may hold it too
        return DeadlineStatus(DeadlineKind.deadline, recurring, yearly=True)
    if upcoming:
        return DeadlineStatus(DeadlineKind.deadline, upcoming[0])
    opens_on = _as_date(_get(programme, "opens_on"))
    if _get(programme, "next_window_expected") or (opens_on and opens_on > today):
        return DeadlineStatus(DeadlineKind.next_window, opens_on if opens_on and opens_on > today else None)
    if _get(programme, "rolling") and not dated:
        return DeadlineStatus(DeadlineKind.rolling)
    if _get(programme, "kind") == CALL_KIND and dated:
        return DeadlineStatus(DeadlineKind.closed, max(dated))
    return DeadlineStatus(DeadlineKind.unclear)


STORED_STATUS = {
    DeadlineKind.rolling: "open",
    DeadlineKind.deadline: "open",
    DeadlineKind.next_window: "forthcoming",
    DeadlineKind.unclear: "unknown",
    DeadlineKind.closed: "closed",
}


def deadline_fields(info: DeadlineInfo, *, kind: str, today: date) -> dict[str, Any]:
    """The item fields every spider stores from read deadline prose, with the stored status derived here."""
    fields: dict[str, Any] = {
        "opens_on": info.opens_on,
        "next_deadline": info.next_deadline,
        "last_deadline": info.last_deadline,
        "deadlines": [d.isoformat() for d in info.deadlines],
        "yearly_deadlines": list(info.yearly),
        "rolling": info.rolling,
        "closed": info.closed,
        "next_window_expected": info.next_window_expected,
        "deadline_sentence": info.sentence,
    }
    fields["status"] = STORED_STATUS[deadline_status({**fields, "kind": kind}, today).kind]
    return fields
