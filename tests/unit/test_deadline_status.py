"""One deadline status from stored programme fields: the rules a clerk relies on, and their German text."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

from hypothesis import given
from hypothesis import strategies as st

from core.deadline_status import DeadlineKind, deadline_fields, deadline_status
from core.deadlines import parse_deadlines

TODAY = date(2026, 12, 3)


def programme(**fields):
    base = {
        "kind": "programme",
        "status": "unknown",
        "status_note": "",
        "closed": False,
        "rolling": False,
        "deadlines": [],
        "yearly_deadlines": [],
        "next_deadline": None,
        "last_deadline": None,
        "opens_on": None,
        "next_window_expected": False,
    }
    return SimpleNamespace(**(base | fields))


def test_a_standing_programme_with_an_old_date_stays_open_but_unclear():
    status = deadline_status(programme(deadlines=["2023-07-31"], last_deadline=date(2023, 7, 31)), TODAY)
    assert status.kind is DeadlineKind.unclear
    assert status.label(TODAY) == "Frist unklar – bitte beim Fördergeber prüfen"


def test_a_call_whose_every_window_passed_is_closed():
    status = deadline_status(programme(kind="call", deadlines=["2025-03-31", "2026-09-30"]), TODAY)
    assert status.kind is DeadlineKind.closed and status.label(TODAY) == "Geschlossen (letzte Frist 30.09.2026)"


def test_the_source_closes_by_flag_status_or_note():
    for fields in ({"closed": True}, {"status": "closed"}, {"status_note": "Antagstellung nicht merh möglich"}):
        assert deadline_status(programme(**fields, deadlines=["2027-01-31"]), TODAY).is_closed, fields


def test_next_deadline_with_days_left_and_yearly_marker():
    status = deadline_status(programme(deadlines=["2026-12-04", "2027-02-01"]), TODAY)
    assert status.label(TODAY) == "Frist am 04.12.2026 (noch 1 Tag)" and status.short == "Frist 04.12.2026"
    assert deadline_status(programme(deadlines=["2026-12-03"]), TODAY).label(TODAY) == "Frist am 03.12.2026 (heute)"
    yearly = deadline_status(programme(yearly_deadlines=["09-30"], deadlines=["2024-12-06"]), TODAY)
    assert yearly.label(TODAY) == "Frist am 30.09.2027 (noch 301 Tage; jährlich)"


def test_rolling_and_next_window():
    assert deadline_status(programme(rolling=True), TODAY).label(TODAY) == "Laufend"
    expected = deadline_status(programme(deadlines=["2020-12-15"], next_window_expected=True, kind="call"), TODAY)
    assert expected.label(TODAY) == "Nächstes Fenster erwartet"
    opening = deadline_status(programme(opens_on=date(2027, 7, 1)), TODAY)
    assert opening.label(TODAY) == "Nächstes Fenster erwartet (ab 01.07.2027)"


def test_nothing_known_is_unclear_never_closed():
    assert deadline_status(programme(kind="call"), TODAY).kind is DeadlineKind.unclear


def test_item_dicts_and_stored_status_agree():
    info = parse_deadlines("Anträge sind bis zum 31. Januar 2026 einzureichen.", today=TODAY)
    as_call = deadline_fields(info, kind="call", today=TODAY)
    as_programme = deadline_fields(info, kind="programme", today=TODAY)
    assert as_call["status"] == "closed" and not as_call["closed"]
    assert as_programme["status"] == "unknown"
    assert deadline_status({**as_call, "kind": "call"}, TODAY).is_closed


@given(
    st.lists(st.dates(date(2020, 1, 1), date(2030, 12, 31)).map(date.isoformat), max_size=4),
    st.lists(st.sampled_from(["01-31", "02-29", "09-30", "13-01", "x"]), max_size=3),
    st.sampled_from(["programme", "call", "calendar"]),
    st.booleans(),
    st.dates(date(2020, 1, 1), date(2030, 12, 31)),
)
def test_status_is_total_and_deadlines_never_lie_in_the_past(deadlines, yearly, kind, rolling, today):
    status = deadline_status(programme(deadlines=deadlines, yearly_deadlines=yearly, kind=kind, rolling=rolling), today)
    assert status.label(today) and status.short
    if status.kind is DeadlineKind.deadline:
        assert status.when >= today
    if status.kind is DeadlineKind.closed:
        assert kind == "call"
