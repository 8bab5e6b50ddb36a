"""Federal-call parsers: Kommunalrichtlinie windows and yearly calendar entries."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from core.deadlines import parse_deadlines
from crawler.spiders.federal_calls.calendar import calendar_item
from crawler.spiders.federal_calls.nki import slug, window, window_lines

TODAY = date(2026, 11, 26)
MONTHS = ["Jan.", "Feb.", "März", "Apr.", "Mai", "Juni", "Juli", "Aug.", "Sept.", "Okt.", "Nov.", "Dez."]


def test_window_line_gives_opening_and_closing_date():
    info = window("Strategische Förderschwerpunkte: 01. Nov. 2024 bis 31. Dez. 2027", today=TODAY)
    assert (info.opens_on, info.next_deadline, info.last_deadline) == (
        date(2024, 11, 1),
        date(2027, 12, 31),
        date(2027, 12, 31),
    )
    assert window("Kommunen sowie Zusammenschlüsse von Kommunen.", today=TODAY) is None


def test_window_lines_are_list_entries():
    html = "<ul><li>A: 01.01.2026 bis 31.12.2027</li><li> B:  01.02.2026 bis 31.12.2027 </li></ul>"
    assert window_lines(html) == ["A: 01.01.2026 bis 31.12.2027", "B: 01.02.2026 bis 31.12.2027"]
    assert slug("Investive Förderschwerpunkte (4.2)") == "investive-foerderschwerpunkte-4-2"


@given(st.dates(date(2020, 1, 1), date(2030, 12, 31)), st.dates(date(2020, 1, 1), date(2030, 12, 31)), st.booleans())
def test_any_written_window_round_trips(start, end, written):
    def german(day: date) -> str:
        return f"{day.day:02d}. {MONTHS[day.month - 1]} {day.year}" if written else f"{day.day}.{day.month}.{day.year}"

    info = window(f"Förderschwerpunkt: {german(start)} bis {german(end)}", today=TODAY)
    assert info.last_deadline == end and info.next_deadline == (end if end >= TODAY else None)
    assert info.opens_on == start


def test_yearly_date_becomes_a_calendar_entry_with_the_next_occurrence():
    sentence = "Anträge für das nächste Programmjahr sind in der Regel bis zum 30. September zu stellen."
    info = parse_deadlines(sentence, today=TODAY)
    programme = {
        "natural_key": "foerderprogramme/staedtebaufoerderung",
        "title": "Städtebauförderung",
        "url": "https://www.mhkbd.nrw/foerderprogramme/staedtebaufoerderung",
        "level": "land",
        "regions": ["nordrhein_westfalen"],
        "eligible_applicants": ["kommune"],
    }
    entry = calendar_item(programme, info, today=TODAY)
    assert entry["kind"] == "calendar" and entry["next_deadline"] == date(2027, 9, 30)
    assert entry["yearly_deadlines"] == ["09-30"] and entry["status"] == "open"
    assert entry["natural_key"].endswith("#jaehrlich") and entry["title"] == "Jährliche Frist: Städtebauförderung"
    assert entry["eligible_applicants"] == ["kommune"] and entry["deadline_sentence"] == sentence


def test_dated_deadlines_are_no_calendar_entries_and_yearless_ones_are():
    programme = {"natural_key": "aufruf", "title": "Aufruf"}
    dated = parse_deadlines("Projektskizzen sind bis spätestens 31. März 2027 einzureichen.", today=TODAY)
    assert calendar_item(programme, dated, today=TODAY) is None
    for sentence in ("Anträge bis zum 30. September.", "Antragsschluss ist jährlich der 30.09."):
        entry = calendar_item(programme, parse_deadlines(sentence, today=TODAY), today=TODAY)
        assert entry["yearly_deadlines"] == ["09-30"], sentence
