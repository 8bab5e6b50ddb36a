"""One programme, one deadline status: `match explain`, the digest mail, the staff pages and the feeds
show the same German text for the same day, read from a real saved Förderdatenbank page."""

from __future__ import annotations

import html
from datetime import date
from pathlib import Path
from xml.etree import ElementTree as ET

from sqlmodel import Session
from typer.testing import CliRunner

from core.deadline_status import DeadlineKind, deadline_status
from crawler.spiders.foerderdatenbank.html_parser import parse_detail_page
from foerderradar.cli import app as cli_app
from store.models import Match, MatchState, Programme
from web.preview import render_member_digest

PAGE = Path(__file__).parent.parent / "fixtures" / "foerderdatenbank" / "html" / "detail_single_desc.html"
ATOM = "{http://www.w3.org/2005/Atom}"


def saved_programme(engine, world) -> Programme:
    """EXIST-Women as the HTML spider reads it ("spätestens bis zum 30.09. jeden Jahres"), matched and approved."""
    today = date.today()
    url = "https://www.foerderdatenbank.de/x.html"
    item = parse_detail_page(PAGE.read_text(encoding="utf-8"), url=url, today=today)
    with Session(engine, expire_on_commit=False) as session:
        programme = Programme(source_key="foerderdatenbank", **item)
        programme.eligible_applicants = ["kommune"]
        session.add(programme)
        session.flush()
        session.add(
            Match(
                member_id=world.member_a.id,
                programme_id=programme.id,
                score=90.0,
                state=MatchState.approved,
                explanation={"summary": "Passt zu Ihren Interessen: Gründung"},
            )
        )
        session.commit()
    return programme


def explain(programme_id: int):
    args = ["match", "explain", "--member", "schermbeck", "--programme", str(programme_id)]
    return CliRunner().invoke(cli_app, args, env={"COLUMNS": "200"})


def test_the_same_status_text_in_explain_mail_pages_and_feeds(app, engine, world, curator, anonymous):
    programme = saved_programme(engine, world)
    today = date.today()
    status = deadline_status(programme, today)
    assert status.kind is DeadlineKind.deadline and status.yearly and (status.when.month, status.when.day) == (9, 30)
    text = status.label(today)  # "Frist am 30.09.2027 (noch N Tage; jährlich)"

    explained = explain(programme.id)
    assert explained.exit_code == 0, explained.output
    assert f"Antragstellung: {text}" in explained.output.splitlines()

    with Session(engine) as session:
        member = session.get(type(world.member_a), world.member_a.id)
        rendered = render_member_digest(session, member, app.state.settings, today=today)
    assert f"Antragstellung: {text}" in rendered.text
    assert text in html.unescape(rendered.html)

    page = curator.page(f"/staff/programmes/{programme.id}")
    assert f'<dd class="deadline-status">{text}</dd>' in html.unescape(page.text)
    queue = html.unescape(curator.page("/staff/queue").text)  # the proposed Radwege match, due in 20 days
    radwege = deadline_status(world.programmes["radwege"], today).label(today)
    assert radwege.startswith("Frist am ") and f'<span class="deadline-status">{radwege}</span>' in queue

    feed = ET.fromstring(anonymous.get(f"/feeds/{'a' * 43}/treffer.atom").content)
    summaries = [e.find(f"{ATOM}summary").text for e in feed.findall(f"{ATOM}entry")]
    assert any(f"Antragstellung: {text}" in s for s in summaries)
    calendar = anonymous.get(f"/feeds/{'a' * 43}/fristen.ics").text
    assert f"DTSTART;VALUE=DATE:{status.when:%Y%m%d}" in calendar  # the next yearly day is in the calendar


def test_a_standing_programme_with_a_passed_date_reads_unclear_everywhere_not_closed(app, engine, world, curator):
    with Session(engine, expire_on_commit=False) as session:
        old = session.get(Programme, world.programmes["radwege"].id)
        old.deadlines, old.next_deadline, old.last_deadline = ["2023-07-31"], None, date(2023, 7, 31)
        session.add(old)
        session.commit()
    explained = explain(old.id)
    assert "Antragstellung: Frist unklar – bitte beim Fördergeber prüfen" in explained.output
    assert "ausgeschlossen" not in explained.output and "Frist abgelaufen" not in explained.output
    page = curator.page(f"/staff/programmes/{old.id}")
    assert "Frist unklar – bitte beim Fördergeber prüfen" in page.text
