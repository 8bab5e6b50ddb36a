"""Per-member feeds: iCalendar deadlines with reminders and Atom of approved matches."""

from __future__ import annotations

from datetime import date, timedelta
from xml.etree import ElementTree as ET

from icalendar import Calendar

ATOM = "{http://www.w3.org/2005/Atom}"


def test_calendar_has_deadlines_of_approved_matches_with_alarms(anonymous, world):
    response = anonymous.get(f"/feeds/{'a' * 43}/fristen.ics")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = list(calendar.walk("VEVENT"))
    assert [str(e["summary"]) for e in events] == ["Frist: LIFE Klimaanpassung in Städten"]
    assert events[0].decoded("dtstart") == date.today() + timedelta(days=40)
    triggers = sorted(a.decoded("trigger") for a in events[0].walk("VALARM"))
    assert triggers == [timedelta(days=-14), timedelta(days=-3)]
    assert "Radwege" not in response.text  # proposed, not approved


def test_atom_feed_lists_approved_matches_of_this_member_only(anonymous, world):
    response = anonymous.get(f"/feeds/{'b' * 43}/treffer.atom")
    assert response.headers["content-type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    assert feed.find(f"{ATOM}title").text == "Förderradar Ruhr: Treffer für Stadt Selm"
    entries = feed.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text for e in entries] == ["LIFE Klimaanpassung in Städten"]
    assert entries[0].find(f"{ATOM}link").get("href").startswith("https://")
    assert "Sportstätten" not in response.text and "Schermbeck" not in response.text


def test_unknown_or_empty_tokens_find_nothing(anonymous, world):
    for path in ["/feeds/falsch/fristen.ics", f"/feeds/{'c' * 43}/treffer.atom", "/feeds/%20/treffer.atom"]:
        assert anonymous.get(path).status_code == 404
